import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mdo.enums import OrganisationKind
from mdo.models import Organisation


class SearchFilterSet(django_filters.FilterSet):
    """A FilterSet whose ``q`` searches the fields named in ``search_fields``."""

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(label=_("Recherche"), method="filter_search")

    def filter_search(self, queryset, name, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class OrganisationFilter(SearchFilterSet):
    search_fields = ("name", "short_name", "email")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=OrganisationKind.choices, empty_label=_("Tous"))

    class Meta:
        model = Organisation
        fields = ["q", "kind"]
