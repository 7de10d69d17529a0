"""Meetings (title, place) and decisions of approved minutes (their text) in the global search, in the
user's scope."""

from django.utils import formats, timezone

from mdo import access
from mdo.search import SearchResult, text_filter
from meetings.enums import MinutesStatus
from meetings.models import Decision, Meeting


def _when(meeting: Meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.start), "d/m/Y H:i")


def search_meetings(user, query: str, limit: int) -> list[SearchResult]:
    meetings = text_filter(
        access.visible(user, Meeting).select_related("organisation"), query, text_fields=("title", "place")
    ).order_by("-start")[:limit]
    return [
        SearchResult(
            kind="Réunion",
            title=meeting.title,
            url=meeting.get_absolute_url(),
            context=" · ".join(
                [
                    _when(meeting),
                    meeting.get_kind_display(),
                    meeting.get_status_display(),
                    meeting.organisation.short_name or meeting.organisation.name,
                ]
            ),
        )
        for meeting in meetings
    ]


def search_decisions(user, query: str, limit: int) -> list[SearchResult]:
    # The register's rule: a decision exists once its minutes are approved.
    decisions = text_filter(
        access.visible(user, Decision)
        .filter(meeting__minutes__status__in=[MinutesStatus.APPROVED, MinutesStatus.PUBLISHED])
        .select_related("meeting"),
        query,
        text_fields=("text",),
    ).order_by("-meeting__start", "pk")[:limit]
    return [
        SearchResult(
            kind="Décision",
            title=str(decision),
            url=f"{decision.meeting.get_absolute_url()}#decisions",
            context=f"{decision.meeting.title} · {_when(decision.meeting)}",
        )
        for decision in decisions
    ]
