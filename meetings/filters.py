import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from mdo import access
from mdo.filters import SearchFilterSet
from mdo.models import Organisation
from meetings.enums import MeetingKind, MeetingStatus
from meetings.models import Decision, Meeting, MeetingSeries

DATE = forms.DateInput(attrs={"type": "date"})


class MeetingFilter(SearchFilterSet):
    search_fields = ("title", "place")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=MeetingKind.choices, empty_label=_("Tous"))
    status = django_filters.ChoiceFilter(label=_("Statut"), choices=MeetingStatus.choices, empty_label=_("Tous"))
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.all(), empty_label=_("Toutes")
    )
    series = django_filters.ModelChoiceFilter(
        label=_("Série"), queryset=MeetingSeries.objects.all(), empty_label=_("Toutes")
    )
    start_after = django_filters.DateFilter(label=_("Du"), field_name="start", lookup_expr="date__gte", widget=DATE)
    start_before = django_filters.DateFilter(label=_("Au"), field_name="start", lookup_expr="date__lte", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            self.filters["series"].queryset = access.visible(self.request.user, MeetingSeries)

    class Meta:
        model = Meeting
        fields = ["q", "kind", "status", "organisation", "series", "start_after", "start_before"]


class DecisionFilter(SearchFilterSet):
    search_fields = ("text", "meeting__title", "agenda_item__title")
    kind = django_filters.ChoiceFilter(
        label=_("Type de réunion"), field_name="meeting__kind", choices=MeetingKind.choices, empty_label=_("Tous")
    )
    series = django_filters.ModelChoiceFilter(
        label=_("Série"), field_name="meeting__series", queryset=MeetingSeries.objects.all(), empty_label=_("Toutes")
    )
    start_after = django_filters.DateFilter(
        label=_("Du"), field_name="meeting__start", lookup_expr="date__gte", widget=DATE
    )
    start_before = django_filters.DateFilter(
        label=_("Au"), field_name="meeting__start", lookup_expr="date__lte", widget=DATE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            self.filters["series"].queryset = access.visible(self.request.user, MeetingSeries)

    class Meta:
        model = Decision
        fields = ["q", "kind", "series", "start_after", "start_before"]
