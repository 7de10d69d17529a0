"""Reads of the meetings app, each scoped through ``mdo.access``."""

import datetime as dt

from django.db.models import Case, Count, F, IntegerField, Max, Prefetch, Q, Sum, Value, When
from django.utils import timezone

from mdo import access
from mdo.models import Organisation
from meetings.enums import ActionStatus, MeetingKind, MinutesStatus
from meetings.models import ActionItem, AgendaItem, Attendee, CalendarToken, Decision, Meeting


def meeting_list_for_user(*, user):
    return access.visible(user, Meeting).select_related("organisation", "series", "organiser")


def meetings_coming_first(meetings):
    """The meetings not yet over, soonest first, then the past ones, latest first."""
    now = timezone.now()
    return meetings.annotate(
        is_over=Case(When(end__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField()),
        coming_start=Case(When(end__gte=now, then=F("start")), default=None),
        past_start=Case(When(end__lt=now, then=F("start")), default=None),
    ).order_by("is_over", F("coming_start").asc(nulls_last=True), F("past_start").desc(nulls_last=True), "pk")


def meeting_detail_queryset(*, user):
    return access.visible(user, Meeting).select_related(
        "organisation", "series", "organiser", "neighbourhood", "minutes", "minutes__approved_by"
    )


def agenda_for(meeting):
    return list(
        AgendaItem.objects.filter(meeting=meeting).select_related("presenter", "project").order_by("order", "pk")
    )


def visible_project_ids(*, user, agenda) -> set[int]:
    """The projects linked from ``agenda`` whose page ``user`` may open: an invited town hall may hear
    about another district's project without seeing its page (a link would answer 404)."""
    from projects.selectors import openable_project_ids

    return openable_project_ids(user=user, project_ids=[item.project_id for item in agenda])


def attendees_for(meeting):
    return list(
        Attendee.objects.filter(meeting=meeting)
        .select_related("user", "user__organisation", "via_organisation")
        .order_by("user__last_name", "user__first_name", "name", "email")
    )


def carried_actions_for(meeting):
    """Open actions of the earlier meetings of the same series: they come back on this agenda."""
    if not meeting.series_id:
        return []
    return list(
        ActionItem.objects.filter(
            meeting__series_id=meeting.series_id, meeting__start__lt=meeting.start, status=ActionStatus.OPEN
        )
        .select_related("owner", "meeting")
        .order_by("due_on", "pk")
    )


def _personal_involvement(user) -> Q:
    condition = Q(organiser=user) | Q(attendees__user=user)
    if user.organisation_id:
        condition |= Q(invited_organisations=user.organisation_id)
    return condition


def personal_meetings(*, user):
    """The meetings a user organises or is invited to (personally or through their organisation)."""
    mine = Meeting.objects.filter(_personal_involvement(user)).values("pk")
    return access.visible(user, Meeting).filter(pk__in=mine)


def upcoming_meetings_for(*, user, limit: int = 5):
    return list(
        personal_meetings(user=user)
        .filter(end__gte=timezone.now())
        .exclude(status="cancelled")
        .select_related("organisation")
        .order_by("start")[:limit]
    )


def my_actions(*, user):
    return (
        access.visible(user, ActionItem)
        .filter(owner=user)
        .select_related("meeting", "owner")
        .order_by("status", "due_on", "pk")
    )


def decisions_for_user(*, user):
    """The register: decisions of minutes approved by the Responsable MDO (drafts are not decisions yet).

    Each carries ``visible_project_id`` and ``visible_project_title``: the project its point is
    about, when ``user`` may open that project (else None) — a reader of another district sees the
    decision, not a reference to a project outside their scope. Still one query.
    """
    from projects.selectors import openable_project_fields

    return (
        access.visible(user, Decision)
        .filter(meeting__minutes__status__in=[MinutesStatus.APPROVED, MinutesStatus.PUBLISHED])
        .select_related("meeting", "meeting__series", "agenda_item")
        .annotate(**openable_project_fields(user=user, path="agenda_item__project"))
    )


def _feed_meetings(queryset) -> list:
    return list(
        queryset.select_related("series", "series__organiser", "organiser")
        .defer("description")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.only("pk", "meeting_id", "order", "title", "duration_minutes").order_by(
                    "order", "pk"
                ),
            )
        )
        .order_by("start", "pk")
    )


def _hidden_occurrences(meetings: list) -> list[tuple[int, dt.datetime]]:
    """Occurrences of the shown series that the reader does not get: excluded from the rule (EXDATE)."""
    series_ids = {m.series_id for m in meetings if m.series_id}
    if not series_ids:
        return []
    shown = {m.pk for m in meetings}
    rows = Meeting.objects.filter(series_id__in=series_ids).values_list("pk", "series_id", "original_start", "status")
    return [(series_id, start) for pk, series_id, start, status in rows if pk not in shown or status == "cancelled"]


def feed_data(queryset):
    meetings = _feed_meetings(queryset)
    return meetings, _hidden_occurrences(meetings)


#: How far back a subscribed feed goes: the meetings that started at most a year ago, and all later ones.
#: Outlook keeps what it already fetched; the feed need not carry every year since the first meeting.
FEED_WINDOW = dt.timedelta(days=365)


def feed_window(queryset):
    """``queryset`` cut to the feed's window (see :data:`FEED_WINDOW`), relative to the current time."""
    return queryset.filter(start__gte=timezone.now() - FEED_WINDOW)


def feed_fingerprint(queryset) -> str:
    return feed_state(queryset)[0]


def feed_state(queryset) -> tuple[str, object]:
    """What a feed's events depend on, in one aggregate query. Returns (fingerprint, last change).

    Over the meetings shown (``queryset``): how many, which (sum of ids and of their squares, so
    that one meeting leaving and another coming — a deletion, an invitation — cannot leave it
    unchanged), their sequences. Over those and the other occurrences of their series, which give
    the rule's EXDATE: how many, which, and the last change of a meeting (its updated_at moves with
    its agenda, invitations, time, place and status) or of a series (its rule, title, place).
    """
    shown = Q(pk__in=queryset.values("pk"))
    row = Meeting.objects.filter(shown | Q(series__in=queryset.values("series_id"))).aggregate(
        n=Count("pk", filter=shown),
        ids=Sum("pk", filter=shown),
        squares=Sum(F("pk") * F("pk"), filter=shown),
        seq=Sum("sequence", filter=shown),
        related=Count("pk"),
        related_ids=Sum("pk"),
        last=Max("updated_at"),
        series=Max("series__updated_at"),
    )
    keys = ("n", "ids", "squares", "seq", "related", "related_ids", "last", "series")
    moments = [m for m in (row["last"], row["series"]) if m]
    return "|".join(str(row[key]) for key in keys), max(moments) if moments else None


def personal_feed_queryset(*, user):
    return personal_meetings(user=user)


def organisation_feed_queryset(*, user, organisation: Organisation):
    return access.visible(user, Meeting).filter(
        pk__in=Meeting.objects.filter(Q(organisation=organisation) | Q(invited_organisations=organisation)).values("pk")
    )


def network_feed_queryset(*, user):
    return access.visible(user, Meeting).filter(kind=MeetingKind.NETWORK)


def may_see_organisation_feed(user, organisation) -> bool:
    return access.sees_everything(user) or (user.organisation_id == organisation.pk)


def user_for_token(token: str):
    row = CalendarToken.objects.select_related("user", "user__organisation").filter(token=token).first()
    if row is None or not row.user.is_active:
        return None
    return row.user


def calendar_token_for(user) -> CalendarToken:
    return CalendarToken.objects.get_or_create(user=user)[0]


def open_actions_with_due_date(*, user):
    return list(
        ActionItem.objects.filter(owner=user, status=ActionStatus.OPEN, due_on__isnull=False).select_related("meeting")
    )


def project_meetings(*, user, project) -> tuple[list, list]:
    """The meetings ``user`` may see with a point about ``project`` on their agenda, split into upcoming
    (soonest first) and past ones (latest first); each carries ``project_points``, its points about the
    project. Two queries."""
    meetings = list(
        access.visible(user, Meeting)
        .filter(pk__in=AgendaItem.objects.filter(project=project).values("meeting_id"))
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(project=project).order_by("order", "pk"),
                to_attr="project_points",
            )
        )
        .order_by("start", "pk")
    )
    now = timezone.now()
    upcoming = [meeting for meeting in meetings if meeting.end >= now]
    past = [meeting for meeting in reversed(meetings) if meeting.end < now]
    return upcoming, past


def project_decisions(*, user, project):
    """Decisions of approved minutes taken on a point about ``project``, latest meeting first."""
    return list(decisions_for_user(user=user).filter(agenda_item__project=project).order_by("-meeting__start", "pk"))
