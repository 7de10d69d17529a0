import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.enums import BudgetLineStatus, Section
from budgets.models import BudgetLine
from mdo.enums import DISTRICTS, OrganisationKind
from mdo.filters import SearchFilterSet
from mdo.models import Organisation, User


class BudgetLineFilter(SearchFilterSet):
    search_fields = ("label", "chapter", "nature", "function")
    fiscal_year = django_filters.NumberFilter(label=_("Exercice"))
    section = django_filters.ChoiceFilter(label=_("Section"), choices=Section.choices, empty_label=_("Toutes"))
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=BudgetLineStatus.choices, empty_label=_("Tous"))
    district = django_filters.ChoiceFilter(
        label=_("Arrondissement"), choices=DISTRICTS, method="filter_district", empty_label=_("Tous")
    )
    directorate = django_filters.ModelChoiceFilter(
        label=_("Direction pilote"),
        field_name="project__lead_directorate",
        empty_label=_("Toutes"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.DIRECTORATE).order_by("name"),
    )
    # On the title the list shows (BudgetLineListView): a project the reader may not open is not searchable.
    project = django_filters.CharFilter(
        label=_("Projet (titre)"), field_name="visible_project_title", lookup_expr="icontains"
    )
    requester = django_filters.ModelChoiceFilter(
        label=_("Demandeur·se"),
        empty_label=_("Tous"),
        queryset=User.objects.filter(pk__in=BudgetLine.objects.order_by().values("requester").distinct()).order_by(
            "last_name", "first_name"
        ),
    )

    class Meta:
        model = BudgetLine
        fields = ["q", "fiscal_year", "section", "status", "district", "directorate", "project", "requester"]

    def filter_district(self, queryset, name, value):
        return queryset.filter(Q(holder_district=value) | Q(holder_district__isnull=True, project__district=value))
