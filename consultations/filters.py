import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.enums import ConsultationStatus, ResourceKind
from consultations.models import Consultation, Resource, TerritoryDistrict, Theme
from mdo.enums import DISTRICTS
from mdo.filters import SearchFilterSet


class ConsultationFilter(SearchFilterSet):
    search_fields = ("title", "public_question", "description")
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=ConsultationStatus.choices, empty_label=_("Tous"))
    district = django_filters.ChoiceFilter(
        label=_("Arrondissement"), choices=DISTRICTS, empty_label=_("Tous"), method="filter_district"
    )

    def filter_district(self, queryset, name, value):
        # Through a subquery: a consultation over several districts is listed once.
        return queryset.filter(pk__in=TerritoryDistrict.objects.filter(district=value).values("consultation_id"))

    class Meta:
        model = Consultation
        fields = ["q", "status"]


class ResourceFilter(SearchFilterSet):
    search_fields = ("title", "summary", "themes__name")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ResourceKind.choices, empty_label=_("Tous"))
    theme = django_filters.ModelChoiceFilter(
        label=_("Thème"), field_name="themes", queryset=Theme.objects.all(), empty_label=_("Tous")
    )

    def filter_search(self, queryset, name, value):
        # Themes through a subquery: a resource with two matching themes is listed once.
        by_theme = Resource.objects.filter(themes__name__icontains=value).values("pk")
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value) | Q(pk__in=by_theme))

    class Meta:
        model = Resource
        fields = ["q", "kind", "theme"]
