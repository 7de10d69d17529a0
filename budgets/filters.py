import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from budgets.enums import BudgetLineStatus, Section
from budgets.models import BudgetLine
from mdo.enums import DISTRICTS, OrganisationKind
from mdo.filters import SearchFilterSet
from mdo.models import Organisation, User
from projects.enums import ProjectKind
from projects.models import Edition


class BudgetLineFilter(SearchFilterSet):
    search_fields = ("label", "chapter", "nature", "function")
    fiscal_year = django_filters.NumberFilter(label=_("Exercice"))
    section = django_filters.ChoiceFilter(label=_("Section"), choices=Section.choices, empty_label=_("Toutes"))
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=BudgetLineStatus.choices, empty_label=_("Tous"))
    # « Toute la ville »: the lines with no district, neither an état spécial nor a project's (the budget summary's).
    district = django_filters.ChoiceFilter(
        label=_("Arrondissement"),
        choices=[("ville", _("Toute la ville"))] + DISTRICTS,
        method="filter_district",
        empty_label=_("Tous"),
    )
    directorate = django_filters.ModelChoiceFilter(
        label=_("Direction pilote"),
        field_name="project__lead_directorate",
        empty_label=_("Toutes"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.DIRECTORATE).order_by("name"),
    )
    edition = django_filters.ModelChoiceFilter(
        label=_("Édition du projet"),
        field_name="project__edition",
        queryset=Edition.objects.all(),
        empty_label=_("Toutes"),
    )
    # The money of the winners (« Livraison » and « Exécution budgétaire » indicators): this list with this filter.
    winners = django_filters.BooleanFilter(
        label=_("Lauréats du budget participatif seulement"),
        method="filter_winners",
        widget=django_filters.widgets.forms.CheckboxInput,
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
        fields = [
            "q",
            "fiscal_year",
            "section",
            "status",
            "district",
            "directorate",
            "edition",
            "winners",
            "project",
            "requester",
        ]

    def filter_district(self, queryset, name, value):
        if value == "ville":
            return queryset.filter(holder_district__isnull=True, project__district__isnull=True)
        return queryset.filter(Q(holder_district=value) | Q(holder_district__isnull=True, project__district=value))

    def filter_winners(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(project__kind=ProjectKind.PARTICIPATORY_BUDGET, project__selected=True)
