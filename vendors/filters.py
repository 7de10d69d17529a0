import django_filters
from django.utils.translation import gettext_lazy as _

from mdo.filters import SearchFilterSet
from vendors.enums import ContractKind, MilestoneStatus
from vendors.models import Contract, Invoice, Milestone, PurchaseOrder, Vendor

YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


class VendorFilter(SearchFilterSet):
    search_fields = ("name", "siret", "city")

    class Meta:
        model = Vendor
        fields = ["q"]


class ContractFilter(SearchFilterSet):
    search_fields = ("reference", "subject", "vendor__name")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ContractKind.choices, empty_label=_("Tous"))
    valid = django_filters.ChoiceFilter(
        label=_("En cours de validité"), choices=YES_NO, method="filter_valid", empty_label=_("Tous")
    )

    class Meta:
        model = Contract
        fields = ["q", "kind", "valid"]

    def filter_valid(self, queryset, name, value):
        return queryset.valid() if value == "yes" else queryset.not_valid()


class OrderFilter(SearchFilterSet):
    search_fields = ("number", "subject", "contract__reference", "contract__vendor__name")
    year = django_filters.NumberFilter(label=_("Année"), field_name="issued_on__year")
    district = django_filters.NumberFilter(
        label=_("Arrondissement du projet"), field_name="commitment__budget_line__project__district"
    )

    class Meta:
        model = PurchaseOrder
        fields = ["q", "year", "district"]


class MilestoneFilter(SearchFilterSet):
    search_fields = ("label", "contract__reference", "order__number", "contract__vendor__name")
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=MilestoneStatus.choices, empty_label=_("Tous"))
    late = django_filters.ChoiceFilter(
        label=_("En retard"), choices=YES_NO, method="filter_late", empty_label=_("Tous")
    )

    class Meta:
        model = Milestone
        fields = ["q", "status", "late"]

    def filter_late(self, queryset, name, value):
        return queryset.late() if value == "yes" else queryset.not_late()


class InvoiceFilter(SearchFilterSet):
    search_fields = ("number", "order__number", "order__contract__vendor__name")
    paid = django_filters.ChoiceFilter(label=_("Payée"), choices=YES_NO, method="filter_paid", empty_label=_("Toutes"))

    class Meta:
        model = Invoice
        fields = ["q", "paid"]

    def filter_paid(self, queryset, name, value):
        return queryset.filter(paid_on__isnull=(value == "no"))
