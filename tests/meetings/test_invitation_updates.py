"""A change of a meeting's agenda, place or time is an update of the event the invitees already hold:
the same UID, a higher SEQUENCE, METHOD:REQUEST — so that Outlook changes it instead of adding one."""

import datetime as dt

import pytest
from icalendar import Calendar

from meetings import services
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def _event(message):
    [content] = [content for filename, content, _ in message.attachments if filename.endswith(".ics")]
    calendar = Calendar.from_ical(content)
    [event] = [part for part in calendar.walk("VEVENT")]
    return str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]), event


def _changes(meeting, by):
    item = meeting.agenda_items.get()
    return [
        ("agenda point added", lambda: services.agenda_item_add(meeting=meeting, by=by, title="Questions diverses")),
        ("agenda point moved", lambda: services.agenda_item_move(item=item, by=by, direction="down")),
        ("agenda point removed", lambda: services.agenda_item_delete(item=item, by=by)),
        ("place", lambda: services.meeting_update(meeting=meeting, by=by, place="Mairie du 3e, salle du conseil")),
        (
            "time",
            lambda: services.meeting_update(
                meeting=meeting,
                by=by,
                start=meeting.start + dt.timedelta(hours=1),
                end=meeting.end + dt.timedelta(hours=1),
            ),
        ),
    ]


def test_each_change_resends_the_invitation_with_the_same_uid_and_a_raised_sequence(
    mdo_officer, town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(mdo_officer, users=[town_hall_agent], agenda=["Point d'étape"])
    [invitation] = mailoutbox
    method, uid, sequence, event = _event(invitation)
    assert (method, sequence) == ("REQUEST", 0) and "Point d'étape" in str(event["DESCRIPTION"])
    for what, change in _changes(meeting, mdo_officer):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            change()
            meeting.refresh_from_db()
        [update] = mailoutbox
        assert update.to == [town_hall_agent.email], what
        method, same_uid, raised, event = _event(update)
        assert (method, same_uid, raised) == ("REQUEST", uid, sequence + 1), what
        sequence = raised
        description = str(event["DESCRIPTION"])
        if what == "agenda point added":
            assert "Questions diverses" in description and update.subject.startswith("Ordre du jour modifié")
        if what == "agenda point moved":
            assert description.index("Questions diverses") < description.index("Point d'étape")
        if what == "agenda point removed":
            assert "Point d'étape" not in description
        if what == "place":
            assert str(event["LOCATION"]) == "Mairie du 3e, salle du conseil"
        if what == "time":
            assert event["DTSTART"].dt == meeting.start and update.subject.startswith("Modifiée")
    assert meeting.sequence == 5


def test_an_agenda_change_of_a_cancelled_meeting_sends_nothing(
    mdo_officer, town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = make_meeting(mdo_officer, users=[town_hall_agent], agenda=["Point d'étape"])
    services.meeting_cancel(meeting=meeting, by=mdo_officer)
    meeting.refresh_from_db()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_item_delete(item=meeting.agenda_items.get(), by=mdo_officer)
    assert mailoutbox == [] and type(meeting).objects.get(pk=meeting.pk).sequence == meeting.sequence
