"""Writes of the meetings app: ``<entity>_<action>``, keyword-only, atomic, e-mails (written to the outbox in this transaction, sent by the consumer)."""

import datetime as dt
from collections.abc import Iterable

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from mdo.models import Organisation, User
from meetings import emails, richtext
from meetings.enums import ATTENDANCE_TAKEN, ActionStatus, AttendanceStatus, MeetingStatus, MinutesStatus
from meetings.flows import MinutesLifecycle
from meetings.ical import PARIS, add_real_duration, paris_datetime
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendee,
    CalendarToken,
    Decision,
    Meeting,
    MeetingSeries,
    Minutes,
    MinutesComment,
    new_token,
)
from meetings.signals import attendees_invited

#: A series never materialises more occurrences than this (ten years every month).
MAX_OCCURRENCES = 120


# --- recurrence ---------------------------------------------------------------------------


def normalise_rrule(rule: str, *, count: int | None = None) -> str:
    """An RFC 5545 RRULE, bounded (COUNT or UNTIL) so that every occurrence can be materialised."""
    rule = (rule or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    parts = [part for part in rule.upper().split(";") if part]
    if not parts or not any(part.startswith("FREQ=") for part in parts):
        raise ValidationError({"rrule": "La règle doit préciser une fréquence (FREQ=…)."})
    if count and not any(part.startswith(("COUNT=", "UNTIL=")) for part in parts):
        parts.append(f"COUNT={count}")
    if not any(part.startswith(("COUNT=", "UNTIL=")) for part in parts):
        raise ValidationError({"rrule": "Indiquez un nombre d'occurrences ou une date de fin (COUNT ou UNTIL)."})
    parts = [_until_in_utc(part) if part.startswith("UNTIL=") else part for part in parts]
    normalised = ";".join(parts)
    try:
        rrulestr(normalised, dtstart=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    except (ValueError, TypeError) as error:
        raise ValidationError({"rrule": f"Règle de récurrence invalide : {error}"}) from None
    return normalised


def _until_in_utc(part: str) -> str:
    """RFC 5545: with a DTSTART in a time zone, UNTIL is written in UTC (…Z). A date or a local
    time typed by a person is read in Paris time (a date means the end of that day)."""
    value = part[6:]
    if value.endswith("Z"):
        return part
    try:
        if "T" in value:
            local = dt.datetime.strptime(value, "%Y%m%dT%H%M%S")
        else:
            local = dt.datetime.combine(dt.datetime.strptime(value, "%Y%m%d").date(), dt.time(23, 59, 59))
    except ValueError:
        raise ValidationError({"rrule": f"Date de fin (UNTIL) illisible : « {value} »."}) from None
    return "UNTIL=" + local.replace(tzinfo=PARIS).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def expand_rrule(rule: str, first_start: dt.datetime) -> list[dt.datetime]:
    """Occurrences of the rule in Paris local time: 18:00 stays 18:00 across a daylight-saving change."""
    local = first_start.astimezone(PARIS).replace(tzinfo=None)
    rule_text = rule
    if "UNTIL=" in rule.upper():
        # UNTIL is written in UTC (…Z); dateutil compares it with the naive local start.
        parts = []
        for part in rule.split(";"):
            if part.upper().startswith("UNTIL=") and part.upper().endswith("Z"):
                until = dt.datetime.strptime(part[6:].rstrip("Zz"), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
                part = "UNTIL=" + until.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")
            parts.append(part)
        rule_text = ";".join(parts)
    starts = []
    for occurrence in rrulestr(rule_text, dtstart=local):
        # An occurrence on a spring-change day at 02:30 (a time that does not exist) is at 03:30 (RFC 5545).
        starts.append(paris_datetime(occurrence))
        if len(starts) >= MAX_OCCURRENCES:
            break
    return starts


# --- meetings and series ------------------------------------------------------------------


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise ValidationError({"end": "La fin doit être postérieure au début."})


def _add_attendees(
    meeting: Meeting,
    *,
    users: Iterable[User] = (),
    organisations: Iterable[Organisation] = (),
    guests: Iterable[tuple[str, str]] = (),
) -> list[Attendee]:
    """Attendee rows for the people invited (an organisation brings all its active members)."""
    existing_users = set(meeting.attendees.exclude(user=None).values_list("user_id", flat=True))
    existing_emails = {email.lower() for email in meeting.attendees.filter(user=None).values_list("email", flat=True)}
    new: list[Attendee] = []
    for user in users:
        if user.pk not in existing_users:
            existing_users.add(user.pk)
            new.append(Attendee(meeting=meeting, user=user))
    organisations = list(organisations)
    if organisations:
        meeting.invited_organisations.add(*organisations)
        members = User.objects.filter(organisation__in=organisations, is_active=True).only("pk", "organisation_id")
        for member in members:
            if member.pk not in existing_users:
                existing_users.add(member.pk)
                new.append(Attendee(meeting=meeting, user_id=member.pk, via_organisation_id=member.organisation_id))
    for name, email in guests:
        email = email.strip()
        if email and email.lower() not in existing_emails:
            existing_emails.add(email.lower())
            new.append(Attendee(meeting=meeting, name=name.strip(), email=email))
    created = Attendee.objects.bulk_create(new)
    if created:
        attendees_invited.send(sender=Meeting, meeting=meeting, attendees=created)
    return created


@transaction.atomic
def meeting_create(
    *,
    by: User,
    kind: str,
    title: str,
    start: dt.datetime,
    end: dt.datetime,
    place: str = "",
    online_link: str = "",
    description: str = "",
    neighbourhood=None,
    users: Iterable[User] = (),
    organisations: Iterable[Organisation] = (),
    guests: Iterable[tuple[str, str]] = (),
    agenda: Iterable[tuple[str, int]] = (),
) -> Meeting:
    """Create a single meeting with its agenda points (``(title, minutes)``) and invite people.

    Side effects: an invitation (METHOD:REQUEST) is e-mailed to each invitee (written to the outbox in this transaction, sent by the consumer).
    """
    _check_times(start, end)
    if by.organisation_id is None:
        raise ValidationError("Seul·e un·e agent rattaché·e à une organisation peut organiser une réunion.")
    meeting = Meeting.objects.create(
        kind=kind,
        title=title,
        start=start,
        end=end,
        place=place,
        online_link=online_link,
        description=description,
        neighbourhood=neighbourhood,
        organiser=by,
        organisation_id=by.organisation_id,
    )
    # The points before the invitation, which carries the agenda.
    agenda_points_add(meetings=[meeting], by=by, points=agenda)
    attendees = _add_attendees(meeting, users=users, organisations=organisations, guests=guests)
    ids = [a.pk for a in attendees]
    if ids:
        emails.send_invitation(meeting_id=meeting.pk, attendee_ids=ids, method="REQUEST")
    return meeting


@transaction.atomic
def series_create(
    *,
    by: User,
    kind: str,
    title: str,
    first_start: dt.datetime,
    duration_minutes: int,
    rrule: str,
    count: int | None = None,
    place: str = "",
    online_link: str = "",
    users: Iterable[User] = (),
    organisations: Iterable[Organisation] = (),
    guests: Iterable[tuple[str, str]] = (),
) -> MeetingSeries:
    """Create a recurring meeting and one Meeting per occurrence, each with the same invitees.

    Side effects: each invitee gets one e-mail with the whole series (METHOD:REQUEST) (written to the outbox in this transaction, sent by the consumer).
    """
    if by.organisation_id is None:
        raise ValidationError("Seul·e un·e agent rattaché·e à une organisation peut organiser une réunion.")
    rule = normalise_rrule(rrule, count=count)
    starts = expand_rrule(rule, first_start)
    if not starts:
        raise ValidationError({"rrule": "Cette règle ne donne aucune occurrence."})
    series = MeetingSeries.objects.create(
        title=title,
        kind=kind,
        rrule=rule,
        first_start=starts[0],
        duration_minutes=duration_minutes,
        place=place,
        online_link=online_link,
        organiser=by,
        organisation_id=by.organisation_id,
    )
    duration = dt.timedelta(minutes=duration_minutes)
    meetings = bulk_create_with_history(
        [
            Meeting(
                kind=kind,
                title=title,
                start=start,
                end=add_real_duration(start, duration),
                place=place,
                online_link=online_link,
                organiser=by,
                organisation_id=by.organisation_id,
                series=series,
                original_start=start,
            )
            for start in starts
        ],
        Meeting,
        default_user=by,
    )
    users, organisations, guests = list(users), list(organisations), list(guests)
    first_attendees = []
    for index, meeting in enumerate(meetings):
        added = _add_attendees(meeting, users=users, organisations=organisations, guests=guests)
        if index == 0:
            first_attendees = added
    if first_attendees:
        emails.send_series_invitation(series_id=series.pk, attendee_ids=[a.pk for a in first_attendees])
    return series


SCHEDULE_FIELDS = ("start", "end", "place", "online_link")


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User, **fields) -> Meeting:
    """Change a meeting (or one occurrence of a series: it is then "moved", its RECURRENCE-ID kept).

    Side effects: when the time or the place changes, SEQUENCE grows and the invitees get the
    update (METHOD:REQUEST) (written to the outbox in this transaction, sent by the consumer).
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("Une réunion annulée ne se modifie plus.")
    allowed = {"title", "kind", "description", "neighbourhood", *SCHEDULE_FIELDS}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Champs inconnus : {unknown}")
    _check_times(fields.get("start", meeting.start), fields.get("end", meeting.end))
    # What the invitees' calendars show: a change to any of it is an update (SEQUENCE + 1, REQUEST sent).
    schedule_changed = any(
        name in fields and getattr(meeting, name) != fields[name] for name in (*SCHEDULE_FIELDS, "title", "description")
    )
    for name, value in fields.items():
        setattr(meeting, name, value)
    if schedule_changed:
        meeting.sequence += 1
    meeting.save()
    if schedule_changed:
        ids = list(meeting.attendees.values_list("pk", flat=True))
        if ids:
            emails.send_invitation(meeting_id=meeting.pk, attendee_ids=ids, method="REQUEST", update=True)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    """Cancel a meeting or one occurrence of its series.

    Side effects: SEQUENCE grows; the invitees get METHOD:CANCEL (through the outbox); feeds show the
    occurrence as excluded from its series (EXDATE) or the meeting as STATUS:CANCELLED.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("Cette réunion est déjà annulée.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    ids = list(meeting.attendees.values_list("pk", flat=True))
    if ids:
        emails.send_invitation(meeting_id=meeting.pk, attendee_ids=ids, method="CANCEL")
    return meeting


def _series_attendee_ids(series: MeetingSeries) -> list[int]:
    """One invitation per person of the series: the attendee row of their first occurrence."""
    first_by_person: dict[str, int] = {}
    for attendee in (
        Attendee.objects.filter(meeting__series=series).select_related("user").order_by("meeting__start", "pk")
    ):
        if attendee.contact_email:
            first_by_person.setdefault(attendee.contact_email.lower(), attendee.pk)
    return list(first_by_person.values())


@transaction.atomic
def series_cancel(*, series: MeetingSeries, by: User) -> MeetingSeries:
    """Cancel a whole series in one step: every occurrence still planned, and the series itself.

    Side effects: SEQUENCE grows on the series and each occurrence; each invitee gets one
    METHOD:CANCEL for the series (its UID), not one message per occurrence."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    planned = Meeting.objects.filter(series=series, status=MeetingStatus.PLANNED)
    if not planned.exists():
        raise ValidationError("Cette série n'a plus de réunion prévue.")
    planned.update(status=MeetingStatus.CANCELLED, sequence=F("sequence") + 1, updated_at=timezone.now())
    series.sequence += 1
    series.save(update_fields=["sequence"])
    emails.send_series_invitation(series_id=series.pk, attendee_ids=_series_attendee_ids(series), method="CANCEL")
    return series


@transaction.atomic
def series_move(*, series: MeetingSeries, by: User, shift: dt.timedelta, place: str | None = None) -> MeetingSeries:
    """Move every occurrence of a series by ``shift`` (and to ``place``) in one step, the rule kept.

    Refused once one of its meetings was held (its date is history). Side effects: SEQUENCE grows on
    the series and each occurrence; each invitee gets one METHOD:REQUEST with the whole series."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    occurrences = list(Meeting.objects.select_for_update().filter(series=series).order_by("start"))
    if any(occ.status == MeetingStatus.HELD for occ in occurrences):
        raise ValidationError("Une série dont une réunion s'est déjà tenue ne se déplace plus en bloc.")
    if not shift and place is None:
        raise ValidationError("Indiquez un décalage ou un nouveau lieu.")
    for occ in occurrences:
        occ.start += shift
        occ.end += shift
        if occ.original_start:
            occ.original_start += shift
        if place is not None:
            occ.place = place
        occ.sequence += 1
    # Two passes: the (series, original_start) constraint must not see a moved row meet an unmoved one.
    for occ in occurrences:
        Meeting.objects.filter(pk=occ.pk).update(original_start=None)
    for occ in occurrences:
        occ.save(update_fields=["start", "end", "original_start", "place", "sequence", "updated_at"])
    series.first_start += shift
    if place is not None:
        series.place = place
    series.sequence += 1
    series.save(update_fields=["first_start", "place", "sequence"])
    emails.send_series_invitation(series_id=series.pk, attendee_ids=_series_attendee_ids(series), update=True)
    return series


@transaction.atomic
def meeting_invite(
    *,
    meeting: Meeting,
    by: User,
    users: Iterable[User] = (),
    organisations: Iterable[Organisation] = (),
    guests: Iterable[tuple[str, str]] = (),
) -> list[Attendee]:
    """Invite more people. Side effects: the new invitees get METHOD:REQUEST (written to the outbox in this transaction, sent by the consumer)."""
    if meeting.is_cancelled:
        raise ValidationError("On n'invite pas à une réunion annulée.")
    added = _add_attendees(meeting, users=users, organisations=organisations, guests=guests)
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now())
    if added:
        emails.send_invitation(meeting_id=meeting.pk, attendee_ids=[a.pk for a in added], method="REQUEST")
    return added


@transaction.atomic
def attendance_record(*, meeting: Meeting, by: User, statuses: dict[int, str]) -> int:
    """Record who was present, excused or absent; the meeting is then "held". No side effect."""
    if meeting.is_cancelled:
        raise ValidationError("Une réunion annulée n'a pas de feuille de présence.")
    valid = set(AttendanceStatus.values)
    if any(status not in valid for status in statuses.values()):
        raise ValidationError("Statut de présence inconnu.")
    rows = {a.pk: a for a in Attendee.objects.filter(meeting=meeting, pk__in=statuses)}
    for pk, status in statuses.items():
        if pk in rows:
            rows[pk].status = status
    Attendee.objects.bulk_update(rows.values(), ["status"])
    if any(status in ATTENDANCE_TAKEN for status in statuses.values()) and meeting.status == MeetingStatus.PLANNED:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status", "updated_at"])
    return len(rows)


# --- agenda -------------------------------------------------------------------------------


def _agenda_changed(meeting_id: int) -> None:
    """The invitation carries the agenda: a planned meeting whose agenda changes is an update for the
    invitees' calendars (SEQUENCE + 1 on the same UID, METHOD:REQUEST through the outbox), so that
    Outlook changes the event it holds instead of adding a second one."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    meeting.updated_at = timezone.now()
    if meeting.status != MeetingStatus.PLANNED:
        meeting.save(update_fields=["updated_at"])
        return
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])
    ids = list(meeting.attendees.values_list("pk", flat=True))
    if ids:
        emails.send_invitation(meeting_id=meeting.pk, attendee_ids=ids, method="REQUEST", update=True, agenda=True)


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, by: User, title: str, duration_minutes: int = 15, presenter=None, project=None
) -> AgendaItem:
    """Add a point at the end of the agenda. Side effect: the meeting's feeds show it (updated_at)."""
    last = meeting.agenda_items.aggregate(last=Max("order"))["last"]
    item = AgendaItem.objects.create(
        meeting=meeting,
        title=title,
        duration_minutes=duration_minutes,
        presenter=presenter,
        project=project,
        order=(last or 0) + 1,
    )
    _agenda_changed(meeting.pk)
    return item


@transaction.atomic
def agenda_points_add(*, meetings: Iterable[Meeting], by: User, points: Iterable[tuple[str, int]]) -> int:
    """Append the same points, in order, to the agenda of each meeting (a new meeting, each occurrence
    of a new series). Side effect: the meetings' feeds show them (updated_at)."""
    points, meetings = list(points), list(meetings)
    if not points or not meetings:
        return 0
    lasts = dict(
        AgendaItem.objects.filter(meeting__in=meetings)
        .values("meeting")
        .annotate(last=Max("order"))
        .values_list("meeting", "last")
    )
    rows = [
        AgendaItem(
            meeting=meeting, title=title.strip(), duration_minutes=minutes, order=lasts.get(meeting.pk, 0) + index
        )
        for meeting in meetings
        for index, (title, minutes) in enumerate(points, 1)
    ]
    AgendaItem.objects.bulk_create(rows)
    Meeting.objects.filter(pk__in=[m.pk for m in meetings]).update(updated_at=timezone.now())
    return len(rows)


@transaction.atomic
def series_agenda_template_set(
    *, series: MeetingSeries, by: User, points: Iterable[tuple[str, int]], apply: bool = True
) -> MeetingSeries:
    """Keep the series' agenda template; with ``apply``, each occurrence still without agenda receives it."""
    series.agenda_template = [[title.strip(), int(minutes)] for title, minutes in points]
    series.save(update_fields=["agenda_template", "updated_at"])
    if apply:
        empty = series.occurrences.filter(agenda_items__isnull=True)
        agenda_points_add(meetings=empty, by=by, points=series.agenda_template)
    return series


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, by: User, direction: str) -> None:
    """Swap a point with its neighbour (``up`` or ``down``); orders are renumbered 1..n."""
    items = list(AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id).order_by("order", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items, 1):
        other.order = position
    AgendaItem.objects.bulk_update(items, ["order"])
    _agenda_changed(item.meeting_id)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User) -> None:
    meeting_id = item.meeting_id
    item.delete()
    _agenda_changed(meeting_id)


# --- minutes ------------------------------------------------------------------------------


def minutes_for(meeting: Meeting) -> Minutes:
    return Minutes.objects.get_or_create(meeting=meeting)[0]


def _require_writable(minutes: Minutes) -> None:
    if minutes.status not in (MinutesStatus.DRAFT, MinutesStatus.REVIEW):
        raise ValidationError("Le compte rendu est validé : il ne se modifie plus.")


@transaction.atomic
def minutes_save(*, meeting: Meeting, by: User, summary: str, notes: dict[int, str]) -> Minutes:
    """Save the summary and the notes per agenda item, sanitised (no script survives). No side effect."""
    minutes = minutes_for(meeting)
    _require_writable(minutes)
    minutes.summary = richtext.sanitise(summary)
    minutes.save(update_fields=["summary", "updated_at"])
    items = list(AgendaItem.objects.filter(meeting=meeting, pk__in=notes))
    for item in items:
        item.notes = richtext.sanitise(notes[item.pk])
    AgendaItem.objects.bulk_update(items, ["notes"])
    return minutes


@transaction.atomic
def decision_add(*, meeting: Meeting, by: User, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    _require_writable(minutes_for(meeting))
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Saisissez la décision."})
    return Decision.objects.create(meeting=meeting, text=text, agenda_item=agenda_item)


@transaction.atomic
def action_add(
    *,
    meeting: Meeting,
    by: User,
    title: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    agenda_item: AgendaItem | None = None,
) -> ActionItem:
    """Record an action; side effect: its due date appears in the owner's personal feed."""
    _require_writable(minutes_for(meeting))
    return ActionItem.objects.create(
        meeting=meeting, title=title.strip(), owner=owner, due_on=due_on, agenda_item=agenda_item
    )


@transaction.atomic
def decision_update(*, decision: Decision, by: User, text: str, agenda_item: AgendaItem | None = None) -> Decision:
    """Correct a decision while its minutes are still written (draft or review); the history keeps the old text."""
    _require_writable(minutes_for(decision.meeting))
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Saisissez la décision."})
    decision.text, decision.agenda_item = text, agenda_item
    decision.save(update_fields=["text", "agenda_item"])
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, by: User) -> None:
    """Remove a decision recorded by mistake, before the minutes are approved; the history keeps it."""
    _require_writable(minutes_for(decision.meeting))
    decision.delete()


@transaction.atomic
def action_update(
    *,
    action: ActionItem,
    by: User,
    title: str,
    owner: User | None = None,
    due_on: dt.date | None = None,
    agenda_item: AgendaItem | None = None,
) -> ActionItem:
    """Correct an action while its minutes are still written; side effect: the owner's feed follows."""
    _require_writable(minutes_for(action.meeting))
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Saisissez l'action à mener."})
    action.title, action.owner, action.due_on, action.agenda_item = title, owner, due_on, agenda_item
    action.save(update_fields=["title", "owner", "due_on", "agenda_item", "updated_at"])
    return action


@transaction.atomic
def action_delete(*, action: ActionItem, by: User) -> None:
    """Remove an action recorded by mistake, before the minutes are approved; the history keeps it."""
    _require_writable(minutes_for(action.meeting))
    action.delete()


@transaction.atomic
def action_set_status(*, action: ActionItem, by: User, status: str) -> ActionItem:
    if status not in ActionStatus.values:
        raise ValidationError({"status": "Statut d'action inconnu."})
    action.status = status
    action.done_on = timezone.localdate() if status == ActionStatus.DONE else None
    action.save(update_fields=["status", "done_on", "updated_at"])
    return action


@transaction.atomic
def minutes_transition(*, meeting: Meeting, by: User, name: str) -> Minutes:
    """Fire ``submit``, ``reopen``, ``approve`` or ``publish`` on the minutes (the view checked the permission).

    Side effects: ``publish`` e-mails the minutes' link to the attendees present, excused or
    invited (written to the outbox in this transaction, sent by the consumer).
    """
    minutes = Minutes.objects.select_for_update().get(pk=minutes_for(meeting).pk)
    flow = MinutesLifecycle(minutes)
    transition = getattr(flow, name)
    if name == "approve":
        transition(by=by)
    else:
        transition()
    if name == "publish":
        emails.send_minutes_published(meeting_id=meeting.pk)
    return minutes


@transaction.atomic
def minutes_comment_add(*, meeting: Meeting, by: User, text: str) -> MinutesComment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Le commentaire est vide."})
    minutes = minutes_for(meeting)
    if minutes.status != MinutesStatus.REVIEW:
        raise ValidationError("Les commentaires sont ouverts pendant la relecture seulement.")
    return MinutesComment.objects.create(minutes=minutes, author=by, text=text)


def _require_comment_editable(comment: MinutesComment) -> None:
    if comment.minutes.status != MinutesStatus.REVIEW:
        raise ValidationError("La relecture est close : le commentaire ne se modifie plus.")


@transaction.atomic
def minutes_comment_update(*, comment: MinutesComment, by: User, text: str) -> MinutesComment:
    """The author corrects their comment while the review runs; the history keeps the old text."""
    _require_comment_editable(comment)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Le commentaire est vide."})
    comment.text = text
    comment.save(update_fields=["text"])
    return comment


@transaction.atomic
def minutes_comment_delete(*, comment: MinutesComment, by: User) -> None:
    _require_comment_editable(comment)
    comment.delete()


# --- calendar -----------------------------------------------------------------------------


@transaction.atomic
def calendar_token_revoke(*, user: User) -> CalendarToken:
    """Replace the user's feed token: the old URL answers 404 from now on."""
    token, created = CalendarToken.objects.get_or_create(user=user)
    if not created:
        token.token = new_token()
        token.save(update_fields=["token", "created_at"])
    return token
