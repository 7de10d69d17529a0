"""The iCalendar parts that Outlook reads: the invitation's status and organiser, the Europe/Paris VTIMEZONE."""

import datetime as dt

import icalendar
import pytest
import vobject

from meetings import services
from meetings.ical import invitation_calendar, new_calendar, serialize_calendar

pytestmark = pytest.mark.django_db


def _event(meeting, method="REQUEST"):
    body = serialize_calendar(invitation_calendar(meeting, method=method, attendees=meeting.attendees.all()))
    return body, icalendar.Calendar.from_ical(body).walk("VEVENT")[0]


def test_an_invitation_is_confirmed_unless_the_meeting_is_cancelled(meeting, mdo_officer):
    body, event = _event(meeting)
    assert str(event["STATUS"]) == "CONFIRMED" and b"STATUS:CANCELLED" not in body
    services.meeting_cancel(meeting=meeting, by=mdo_officer)
    meeting.refresh_from_db()
    body, event = _event(meeting, method="CANCEL")
    assert str(event["STATUS"]) == "CANCELLED" and b"METHOD:CANCEL" in body


def test_the_invitation_names_its_organiser(meeting, mdo_officer):
    _, event = _event(meeting)
    organizer = event["ORGANIZER"]
    assert str(organizer) == f"mailto:{mdo_officer.email}"
    assert organizer.params["CN"] == str(mdo_officer)


@pytest.mark.parametrize(
    "local, offset_hours",
    [
        (dt.datetime(2027, 3, 21, 12, 0), 1),  # a Sunday of March, not the last one: still winter time
        (dt.datetime(2027, 3, 28, 1, 59), 1),  # the last Sunday of March, before 2:00
        (dt.datetime(2027, 3, 28, 3, 0), 2),  # ... and after: summer time
        (dt.datetime(2026, 3, 29, 3, 30), 2),  # another year's last Sunday (29 March 2026)
        (dt.datetime(2027, 10, 30, 12, 0), 2),  # the Saturday before the last Sunday of October
        (dt.datetime(2027, 10, 31, 3, 30), 1),  # back to winter time
    ],
)
def test_the_paris_vtimezone_changes_on_the_last_sundays_of_march_and_october(local, offset_hours):
    # An independent parser (vobject) reads our VTIMEZONE as a calendar client would.
    parsed = vobject.readOne(serialize_calendar(new_calendar()).decode())
    tzinfo = parsed.vtimezone.gettzinfo()
    assert local.replace(tzinfo=tzinfo).utcoffset() == dt.timedelta(hours=offset_hours)
