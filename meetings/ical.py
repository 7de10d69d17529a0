"""iCalendar for Outlook: events of meetings, series and actions, feeds and e-mail invitations.

Outlook is the reader that matters: every calendar carries the VTIMEZONE of Europe/Paris in the
RRULE form Outlook itself writes, lines end in CRLF and are folded at 75 octets (icalendar does
both), every event has a stable UID, DTSTAMP and SEQUENCE. A series is one master event with the
RRULE, EXDATE for the occurrences cancelled (or not shared with the reader), and an overriding
event (RECURRENCE-ID) only for an occurrence that differs from the rule — moved, longer or shorter,
renamed or elsewhere: clients that ignore RECURRENCE-ID would otherwise show every meeting twice.
Subscribed feeds say METHOD:PUBLISH; e-mail invitations REQUEST or CANCEL.
"""

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable

from django.utils import timezone
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vRecur,
    vText,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TZID = "Europe/Paris"
PRODID = "-//Ville de Lyon//MDO Pilotage//FR"
#: How often a subscribed client should come back (Outlook reads X-PUBLISHED-TTL).
REFRESH = dt.timedelta(hours=1)


def absolute(path: str) -> str:
    from mdo.middleware import site_url

    return f"{site_url()}{path}"


def paris_vtimezone() -> Timezone:
    """Europe/Paris as Outlook writes it: the EU rule (last Sundays of March and October)."""
    tz = Timezone()
    tz.add("tzid", TZID)
    tz.add("x-lic-location", TZID)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "CEST")
    daylight.add("tzoffsetfrom", dt.timedelta(hours=1))
    daylight.add("tzoffsetto", dt.timedelta(hours=2))
    daylight.add("dtstart", dt.datetime(1970, 3, 29, 2, 0, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = TimezoneStandard()
    standard.add("tzname", "CET")
    standard.add("tzoffsetfrom", dt.timedelta(hours=2))
    standard.add("tzoffsetto", dt.timedelta(hours=1))
    standard.add("dtstart", dt.datetime(1970, 10, 25, 3, 0, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(daylight)
    tz.add_component(standard)
    return tz


def new_calendar(*, name: str = "", method: str = "") -> Calendar:
    """A calendar; a named one is a subscribed feed (METHOD:PUBLISH, name, refresh interval)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name and not method:
        method = "PUBLISH"
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
        cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    cal.add_component(paris_vtimezone())
    return cal


def fold_line(line: bytes, limit: int = 75) -> bytes:
    """Fold one content line at ``limit`` octets (RFC 5545 §3.1), never inside a UTF-8 character
    nor between a backslash and the character it escapes."""
    if len(line) <= limit:
        return line
    parts, start, width = [], 0, limit
    while len(line) - start > width:
        cut = start + width
        while line[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: step back to the character's start
            cut -= 1
        backslashes = 0
        while cut - backslashes - 1 > start and line[cut - backslashes - 1] == 0x5C:
            backslashes += 1
        if backslashes % 2:
            cut -= 1
        parts.append(line[start:cut])
        start, width = cut, limit - 1  # continuation lines start with a space
    parts.append(line[start:])
    return b"\r\n ".join(parts)


def serialize_calendar(cal: Calendar) -> bytes:
    """CRLF line ends and 75-octet folding, as RFC 5545 and Outlook want.

    icalendar writes the content lines; the folding is ours because icalendar's walks each
    character in Python, which dominated the time of an 800-meeting feed.
    """
    return b"\r\n".join(fold_line(str(line).encode("utf-8")) for line in cal.content_lines() if line) + b"\r\n"


def paris_datetime(naive: dt.datetime) -> dt.datetime:
    """A Paris wall-clock time as an aware datetime, read as RFC 5545 (3.3.5) reads local times.

    A time that occurs twice (the autumn change, 02:00–03:00) is its first occurrence, in summer
    time; a time that does not occur (the spring change, 02:00–03:00) takes the UTC offset before
    the gap, so 02:30 becomes 03:30 summer time. The result is normalised: its wall time is real.
    """
    return naive.replace(tzinfo=PARIS, fold=0).astimezone(dt.UTC).astimezone(PARIS)


def paris_time_exists(naive: dt.datetime) -> bool:
    return paris_datetime(naive).replace(tzinfo=None) == naive.replace(fold=0)


def paris_time_is_ambiguous(naive: dt.datetime) -> bool:
    return naive.replace(tzinfo=PARIS, fold=0).utcoffset() != naive.replace(tzinfo=PARIS, fold=1).utcoffset()


def add_real_duration(start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
    """``start`` + ``duration`` of elapsed time, in UTC.

    Python adds wall-clock time to an aware datetime of one zone (01:30 + 2 h is 03:30 even on the
    night the clocks go back, three real hours later), and compares two of them by wall time.
    """
    return start.astimezone(dt.UTC) + duration


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(PARIS).replace(microsecond=0)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(microsecond=0)


@functools.cache
def _url_pattern() -> str:
    from django.urls import reverse

    return reverse("meetings:detail", args=[987654321]).replace("987654321", "{}")


def meeting_url(meeting) -> str:
    """The meeting's page, absolute (reverse() once, not once per event of an 800-meeting feed)."""
    return absolute(_url_pattern().format(meeting.pk))


@functools.cache  # the app speaks French only (settings.LANGUAGES)
def _kind_labels() -> dict[str, str]:
    from meetings.enums import MeetingKind

    return {value: str(label) for value, label in MeetingKind.choices}


def meeting_description(meeting, agenda_items: Iterable) -> str:
    lines = []
    items = list(agenda_items)
    if items:
        lines.append("Ordre du jour :")
        lines.extend(f"{index}. {item.title} ({item.duration_minutes} min)" for index, item in enumerate(items, 1))
    if meeting.online_link:
        lines.extend(["", f"Rejoindre en ligne : {meeting.online_link}"])
    lines.extend(["", f"Fiche de la réunion : {meeting_url(meeting)}"])
    return "\n".join(lines).strip()


def build_meeting_vevent(
    meeting, *, agenda_items: Iterable | None = None, stamp: dt.datetime | None = None, attendees: Iterable = ()
) -> Event:
    """The VEVENT of one meeting; an occurrence of a series carries the series' UID and its RECURRENCE-ID.

    ``stamp`` defaults to the meeting's last change so that a feed's bytes (and ETag) only move
    when a meeting does; e-mails pass the time they are sent.
    """
    if agenda_items is None:
        agenda_items = meeting.agenda_items.all()
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("dtstamp", _utc(stamp or meeting.updated_at))
    if meeting.series_id and meeting.original_start:
        event.add("recurrence-id", _local(meeting.original_start))
    event.add("dtstart", _local(meeting.start))
    event.add("dtend", _local(meeting.end))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", meeting_description(meeting, agenda_items))
    event.add("url", meeting_url(meeting))
    event.add("last-modified", _utc(meeting.updated_at))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("categories", [_kind_labels()[meeting.kind]])
    organiser = meeting.organiser
    if organiser is not None and organiser.email:
        event.add("organizer", _address(organiser.email, str(organiser)))
    for attendee in attendees:
        email = attendee.contact_email
        if email:
            event.add(
                "attendee",
                _address(email, attendee.display_name, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=True),
            )
    return event


def build_series_vevent(series, *, exdates: Iterable[dt.datetime] = (), stamp: dt.datetime | None = None) -> Event:
    """The master event of a series: its rule, and EXDATE for what the reader must not see."""
    event = Event()
    event.add("uid", series.uid)
    event.add("dtstamp", _utc(stamp or series.updated_at))
    start = _local(series.first_start)
    event.add("dtstart", start)
    event.add("dtend", _local(add_real_duration(start, dt.timedelta(minutes=series.duration_minutes))))
    event.add("rrule", vRecur.from_ical(series.rrule))
    exdates = sorted({_local(value) for value in exdates})
    if exdates:
        event.add("exdate", exdates)
    event.add("sequence", series.sequence)
    event.add("summary", series.title)
    if series.place:
        event.add("location", series.place)
    from django.urls import reverse

    series_url = f"{absolute(reverse('meetings:index'))}?series={series.pk}"
    event.add("description", f"Série de réunions : {series_url}")
    event.add("url", series_url)
    event.add("status", "CONFIRMED")
    organiser = series.organiser
    if organiser is not None and organiser.email:
        event.add("organizer", _address(organiser.email, str(organiser)))
    return event


def build_action_vevent(action) -> Event:
    """An action's due date as an all-day event."""
    event = Event()
    event.add("uid", action.uid)
    event.add("dtstamp", _utc(action.updated_at))
    event.add("dtstart", action.due_on)
    event.add("dtend", action.due_on + dt.timedelta(days=1))
    event.add("summary", f"Action à mener : {action.title}")
    event.add(
        "description", f"Décidée en réunion : {action.meeting.title}\n{absolute(action.meeting.get_absolute_url())}"
    )
    event.add("url", absolute(action.meeting.get_absolute_url()))
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["Action"])
    return event


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key.upper()] = "TRUE" if value is True else value
    return address


def meetings_calendar(
    meetings: list, *, name: str, hidden_occurrences: Iterable = (), extra_events: Iterable = ()
) -> Calendar:
    """A feed: standalone meetings as events, series as master + overrides.

    ``meetings`` are the visible ones (with ``agenda_items`` prefetched, ``series`` and
    ``organiser`` selected); ``hidden_occurrences`` are ``(series_id, original_start)`` of the
    occurrences of those series that are cancelled or that the reader may not see.
    """
    cal = new_calendar(name=name)
    for event in meeting_events(meetings, hidden_occurrences=hidden_occurrences):
        cal.add_component(event)
    for event in extra_events:
        cal.add_component(event)
    return cal


def meeting_events(meetings: list, *, hidden_occurrences: Iterable = ()) -> list[Event]:
    series_by_id = {}
    exdates: dict[int, list] = {}
    for series_id, original_start in hidden_occurrences:
        exdates.setdefault(series_id, []).append(original_start)
    events = []
    for meeting in meetings:
        if meeting.series_id:
            series_by_id[meeting.series_id] = meeting.series
            if meeting.is_cancelled:
                exdates.setdefault(meeting.series_id, []).append(meeting.original_start)
                continue
            if not occurrence_differs(meeting, meeting.series):
                continue  # the master's rule already shows it
        events.append(build_meeting_vevent(meeting, agenda_items=meeting.agenda_items.all()))
    # Masters first: some readers expect the rule before the occurrences that override it.
    masters = [
        build_series_vevent(series, exdates=exdates.get(series_id, ())) for series_id, series in series_by_id.items()
    ]
    return masters + events


def occurrence_differs(meeting, series) -> bool:
    """Whether an occurrence shows something else than its series' rule (time, length, title, place)."""
    if meeting.original_start is None:
        return True
    length = (meeting.end - meeting.start).total_seconds() / 60
    return (
        meeting.start != meeting.original_start
        or length != series.duration_minutes
        or meeting.title != series.title
        or (meeting.place or "") != (series.place or "")
    )


def serialize_components(components: Iterable) -> bytes:
    """Components (VEVENT…) as folded CRLF lines, to be placed inside a calendar."""
    return b"".join(serialize_calendar(component) for component in components)


def serialize_feed(*, name: str, events_block: bytes, extra_events: Iterable = ()) -> bytes:
    """A feed from already serialised events (``events_block``, cached) and fresh extra events."""
    head = serialize_calendar(new_calendar(name=name))
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    return head[: -len(end)] + events_block + serialize_components(extra_events) + end


def invitation_calendar(meeting, *, method: str, attendees: Iterable, series_occurrences: Iterable = ()) -> Calendar:
    """An iTIP message (METHOD:REQUEST or CANCEL) for one meeting, or for a whole series."""
    now = timezone.now()
    cal = new_calendar(method=method)
    attendees = list(attendees)
    occurrences = list(series_occurrences)
    if occurrences:
        series = meeting.series
        cancelled = [occ.original_start for occ in occurrences if occ.is_cancelled]
        if method == "CANCEL":
            # The whole series is called off: its master, cancelled, stands for every occurrence.
            master = build_series_vevent(series, stamp=now)
            master["status"] = "CANCELLED"
            for attendee in attendees:
                if attendee.contact_email:
                    master.add(
                        "attendee",
                        _address(
                            attendee.contact_email,
                            attendee.display_name,
                            role="REQ-PARTICIPANT",
                            partstat="NEEDS-ACTION",
                            rsvp=True,
                        ),
                    )
            cal.add_component(master)
            return cal
        master = build_series_vevent(series, exdates=cancelled, stamp=now)
        for attendee in attendees:
            if attendee.contact_email:
                master.add(
                    "attendee",
                    _address(
                        attendee.contact_email,
                        attendee.display_name,
                        role="REQ-PARTICIPANT",
                        partstat="NEEDS-ACTION",
                        rsvp=True,
                    ),
                )
        cal.add_component(master)
        for occ in occurrences:
            if not occ.is_cancelled:
                cal.add_component(build_meeting_vevent(occ, stamp=now, attendees=attendees))
        return cal
    event = build_meeting_vevent(meeting, stamp=now, attendees=attendees)
    if method == "CANCEL":
        event["status"] = "CANCELLED"
        event["sequence"] = meeting.sequence
    cal.add_component(event)
    return cal
