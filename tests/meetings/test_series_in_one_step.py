"""A whole series moved or cancelled in one step: one message per invitee for the whole series."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from meetings import services
from meetings.enums import MeetingStatus
from meetings.models import Meeting
from tests.factories import town_hall
from tests.meetings.factories import make_series

pytestmark = pytest.mark.django_db


def _ics(message) -> str:
    [content] = [content for filename, content, _ in message.attachments if filename.endswith(".ics")]
    return content.replace("\r\n ", "")


def test_cancelling_a_series_sends_one_cancel_for_the_series_to_each_invitee(
    mdo_officer, town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=4)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_cancel(series=series, by=mdo_officer)
    assert set(Meeting.objects.filter(series=series).values_list("status", flat=True)) == {MeetingStatus.CANCELLED}
    assert [m.to for m in mailoutbox] == [[town_hall_agent.email]]  # one message, not four
    ics = _ics(mailoutbox[0])
    assert "METHOD:CANCEL" in ics and f"UID:{series.uid}" in ics and "STATUS:CANCELLED" in ics
    assert "SEQUENCE:1" in ics and ics.count("BEGIN:VEVENT") == 1
    with pytest.raises(ValidationError):
        services.series_cancel(series=series, by=mdo_officer)


def test_moving_a_series_shifts_every_occurrence_and_sends_one_request(
    mdo_officer, town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=3)
    starts = list(Meeting.objects.filter(series=series).order_by("start").values_list("start", flat=True))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_move(series=series, by=mdo_officer, shift=dt.timedelta(days=1), place="Mairie du 3e")
    moved = list(Meeting.objects.filter(series=series).order_by("start"))
    assert [m.start for m in moved] == [start + dt.timedelta(days=1) for start in starts]
    assert {m.place for m in moved} == {"Mairie du 3e"} and {m.sequence for m in moved} == {1}
    [message] = mailoutbox
    assert message.subject.startswith("Modifiée")
    ics = _ics(message)
    assert "METHOD:REQUEST" in ics and f"UID:{series.uid}" in ics and "Mairie du 3e" in ics
    assert "PARTSTAT=NEEDS-ACTION" in ics


def test_a_series_with_a_held_meeting_is_not_moved_and_stays_as_it_was(mdo_officer, town_hall_agent, mailoutbox):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=3)
    first = Meeting.objects.filter(series=series).order_by("start").first()
    Meeting.objects.filter(pk=first.pk).update(status=MeetingStatus.HELD)
    before = list(Meeting.objects.filter(series=series).order_by("pk").values_list("start", "sequence"))
    with pytest.raises(ValidationError):
        services.series_move(series=series, by=mdo_officer, shift=dt.timedelta(days=7))
    assert list(Meeting.objects.filter(series=series).order_by("pk").values_list("start", "sequence")) == before
