import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from meetings import selectors, services
from meetings.enums import ActionStatus, AttendanceStatus, MeetingStatus
from meetings.ical import PARIS
from meetings.models import Attendee, Meeting
from tests.factories import town_hall
from tests.meetings.factories import make_meeting, make_series, paris

pytestmark = pytest.mark.django_db


def ics_of(message) -> str:
    """The .ics attached to an e-mail, unfolded."""
    content = message.attachments[0][1]
    content = content.decode() if isinstance(content, bytes) else content
    return content.replace("\r\n ", "")


def test_series_every_two_months_keeps_its_local_hour_across_daylight_saving(mdo_officer):
    # 13 January (CET, UTC+1) → March → May (CEST, UTC+2) → … → November (CET again).
    series = make_series(mdo_officer, first_start=paris(2026, 1, 13, 9, 30), count=6)
    starts = [m.start for m in series.occurrences.order_by("start")]
    assert [timezone.localtime(s).strftime("%d/%m %H:%M") for s in starts] == [
        "13/01 09:30",
        "13/03 09:30",
        "13/05 09:30",
        "13/07 09:30",
        "13/09 09:30",
        "13/11 09:30",
    ]
    assert starts[0].astimezone(dt.UTC).hour == 8  # CET
    assert starts[2].astimezone(dt.UTC).hour == 7  # CEST
    assert series.rrule == "FREQ=MONTHLY;INTERVAL=2;COUNT=6"
    assert all(m.original_start == m.start for m in series.occurrences.all())


def test_series_invites_every_occurrence_and_sends_one_email_with_the_rule(
    mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        series = make_series(mdo_officer, organisations=[town_hall(3)], count=3)
    assert Attendee.objects.filter(user=town_hall_agent, meeting__series=series).count() == 3
    assert len(mail.outbox) == 1
    ics = mail.outbox[0].attachments[0]
    body = ics_of(mail.outbox[0])
    assert "METHOD:REQUEST" in body
    assert "RRULE:FREQ=MONTHLY;COUNT=3;INTERVAL=2" in body
    assert f"UID:{series.uid}" in body
    assert ics[2].startswith("text/calendar; method=REQUEST")


def test_series_until_typed_as_a_date_is_stored_in_utc_and_includes_that_day(mdo_officer):
    series = make_series(mdo_officer, rrule="FREQ=MONTHLY;INTERVAL=2;UNTIL=20260513", count=None)
    assert series.rrule == "FREQ=MONTHLY;INTERVAL=2;UNTIL=20260513T215959Z"
    assert series.occurrences.count() == 3  # 13 January, 13 March, 13 May


def test_series_refuses_a_rule_without_frequency(mdo_officer):
    with pytest.raises(ValidationError) as error:
        make_series(mdo_officer, rrule="INTERVAL=2")
    assert "rrule" in error.value.message_dict


def test_moving_one_occurrence_raises_its_sequence_keeps_its_recurrence_id_and_mails_an_update(
    mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=3)
    second = series.occurrences.order_by("start")[1]
    original = second.start
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=second, by=mdo_officer, start=original + dt.timedelta(days=7), end=second.end + dt.timedelta(days=7)
        )
    second.refresh_from_db()
    assert second.sequence == 1
    assert second.original_start == original
    assert second.is_moved
    body = ics_of(mail.outbox[0])
    assert "SEQUENCE:1" in body
    assert f"UID:{series.uid}" in body
    assert "RECURRENCE-ID;TZID=Europe/Paris:20260313T093000" in body
    assert "Modifiée" in mail.outbox[0].subject


def test_changing_the_title_raises_the_sequence_but_an_unchanged_value_does_not(meeting, mdo_officer):
    # What the invitees' calendars show changed: Outlook only takes the update with a higher SEQUENCE.
    services.meeting_update(meeting=meeting, by=mdo_officer, title="COPIL n° 2")
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    services.meeting_update(meeting=meeting, by=mdo_officer, title="COPIL n° 2")
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_cancelling_one_occurrence_mails_a_cancel_with_the_same_uid(
    mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=3)
    last = series.occurrences.order_by("start").last()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=last, by=mdo_officer)
    last.refresh_from_db()
    assert last.status == MeetingStatus.CANCELLED and last.sequence == 1
    body = ics_of(mail.outbox[0])
    assert "METHOD:CANCEL" in body and "STATUS:CANCELLED" in body
    assert f"UID:{series.uid}" in body and "RECURRENCE-ID" in body
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=last, by=mdo_officer)


def test_invitation_email_of_a_single_meeting_carries_its_uid_and_attendee(
    mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(mdo_officer, users=[town_hall_agent], guests=[("Anne Dupont", "anne@exemple.fr")])
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@exemple.fr", town_hall_agent.email]
    body = ics_of(mail.outbox[0])
    assert f"UID:{meeting.uid}" in body and "METHOD:REQUEST" in body and "ATTENDEE" in body


def test_inviting_an_organisation_invites_its_agents_once(meeting, town_hall_agent, mdo_officer):
    added = services.meeting_invite(
        meeting=meeting, by=mdo_officer, organisations=[town_hall(3)], users=[town_hall_agent]
    )
    assert added == []
    assert meeting.attendees.filter(user=town_hall_agent).count() == 1


def test_recording_attendance_marks_the_meeting_held(meeting, town_hall_agent, mdo_officer):
    attendee = meeting.attendees.get(user=town_hall_agent)
    services.attendance_record(meeting=meeting, by=mdo_officer, statuses={attendee.pk: AttendanceStatus.PRESENT})
    meeting.refresh_from_db()
    attendee.refresh_from_db()
    assert attendee.status == AttendanceStatus.PRESENT
    assert meeting.status == MeetingStatus.HELD


def test_agenda_items_move_up_and_down(meeting, mdo_officer):
    first, second = meeting.agenda_items.order_by("order")
    services.agenda_item_move(item=second, by=mdo_officer, direction="up")
    assert list(meeting.agenda_items.order_by("order").values_list("title", flat=True)) == [
        "Projets en retard",
        "Point budgétaire",
    ]
    services.agenda_item_move(item=second, by=mdo_officer, direction="up")  # already first: nothing moves
    assert meeting.agenda_items.order_by("order").first().pk == second.pk


def test_open_actions_of_the_previous_meeting_are_carried_into_the_next_agenda(mdo_officer, town_hall_agent):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=3)
    first, second, third = series.occurrences.order_by("start")
    open_action = services.action_add(
        meeting=first, by=mdo_officer, title="Envoyer le bilan", owner=town_hall_agent, due_on=dt.date(2026, 2, 1)
    )
    done = services.action_add(meeting=first, by=mdo_officer, title="Réserver la salle")
    services.action_set_status(action=done, by=mdo_officer, status=ActionStatus.DONE)
    assert selectors.carried_actions_for(second) == [open_action]
    assert selectors.carried_actions_for(first) == []
    services.action_set_status(action=open_action, by=town_hall_agent, status=ActionStatus.DONE)
    assert selectors.carried_actions_for(third) == []


def test_agent_without_organisation_cannot_organise(no_role_user):
    with pytest.raises(ValidationError):
        make_meeting(no_role_user)


def test_meeting_must_end_after_it_starts(mdo_officer):
    start = dt.datetime(2026, 12, 1, 10, tzinfo=PARIS)
    with pytest.raises(ValidationError) as error:
        services.meeting_create(by=mdo_officer, kind="copil", title="x", start=start, end=start)
    assert "end" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_revoking_the_calendar_token_replaces_it(mdo_officer):
    old = selectors.calendar_token_for(mdo_officer).token
    new = services.calendar_token_revoke(user=mdo_officer).token
    assert new != old
    assert selectors.user_for_token(old) is None
    assert selectors.user_for_token(new) == mdo_officer
