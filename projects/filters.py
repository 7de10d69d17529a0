import django_filters
from django.utils.translation import gettext_lazy as _

from mdo.enums import DISTRICTS, Role
from mdo.filters import SearchFilterSet
from mdo.models import Neighbourhood, Organisation, User
from projects.enums import ProjectKind, ProjectStatus
from projects.models import Edition, Project
from projects.selectors import STAGE_ADMISSIBLE, STAGE_ON_BALLOT, STAGE_WINNER, late_q, stage_q


class ProjectFilter(SearchFilterSet):
    search_fields = ("title", "description")
    edition = django_filters.ModelChoiceFilter(
        label=_("Édition"), queryset=Edition.objects.all(), empty_label=_("Toutes")
    )
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ProjectKind.choices, empty_label=_("Tous"))
    district = django_filters.ChoiceFilter(
        label=_("Arrondissement"),
        method="filter_district",
        choices=[("ville", _("Toute la ville"))] + DISTRICTS,
        empty_label=_("Tous"),
    )
    neighbourhood = django_filters.ModelChoiceFilter(
        label=_("Quartier"), queryset=Neighbourhood.objects.all(), empty_label=_("Tous")
    )
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=ProjectStatus.choices, empty_label=_("Tous"))
    # The funnel of the « Participation » indicators: each of its figures is this list with this filter.
    stage = django_filters.ChoiceFilter(
        label=_("Étape atteinte"),
        method="filter_stage",
        choices=[
            (STAGE_ADMISSIBLE, _("Recevable (ou au-delà)")),
            (STAGE_ON_BALLOT, _("Soumis au vote (ou au-delà)")),
            (STAGE_WINNER, _("Lauréat du vote")),
        ],
        empty_label=_("Toutes"),
    )
    lead_directorate = django_filters.ModelChoiceFilter(
        label=_("Direction pilote"), queryset=Organisation.objects.filter(kind="directorate"), empty_label=_("Toutes")
    )
    officer = django_filters.ModelChoiceFilter(
        label=_("Chargé·e de mission"),
        empty_label=_("Tous"),
        queryset=User.objects.filter(groups__role_key__code=Role.MDO_OFFICER).distinct(),
    )
    late = django_filters.BooleanFilter(
        label=_("En retard seulement"), method="filter_late", widget=django_filters.widgets.forms.CheckboxInput
    )

    class Meta:
        model = Project
        fields = [
            "q",
            "edition",
            "kind",
            "district",
            "neighbourhood",
            "status",
            "stage",
            "lead_directorate",
            "officer",
            "late",
        ]

    def filter_district(self, queryset, name, value):
        if value == "ville":
            return queryset.filter(district__isnull=True)
        return queryset.filter(district=int(value))

    def filter_stage(self, queryset, name, value):
        return queryset.filter(stage_q(value)) if value else queryset

    def filter_late(self, queryset, name, value):
        return queryset.filter(late_q()) if value else queryset
