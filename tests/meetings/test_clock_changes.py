"""Meetings around the clock changes of Europe/Paris: no time that does not exist, durations in real minutes.

The change days are computed for next year, so the tests hold whatever day they run.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.ical import PARIS
from meetings.models import Meeting, MeetingSeries
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


@pytest.fixture
def spring_change():
    return last_sunday(timezone.localdate().year + 1, 3)


@pytest.fixture
def autumn_change():
    return last_sunday(timezone.localdate().year + 1, 10)


def _create(client, day, start, end, title="COPIL"):
    return client.post(
        reverse("meetings:create"),
        {"kind": "copil", "title": title, "day": day.isoformat(), "start_time": start, "end_time": end},
    )


def _minutes(meeting) -> float:
    return (meeting.end - meeting.start).total_seconds() / 60


def test_a_time_that_does_not_exist_is_a_form_error(client, mdo_officer, spring_change):
    client.force_login(mdo_officer)
    response = _create(client, spring_change, "02:30", "04:00")
    assert response.status_code == 200
    error = response.context["form"].errors["start_time"][0]
    assert error.startswith(f"L'heure 02:30 n'existe pas le {spring_change:%d/%m/%Y}")
    response = _create(client, spring_change, "01:00", "02:15")
    assert "n'existe pas" in response.context["form"].errors["end_time"][0]
    assert not Meeting.objects.exists()


def test_a_meeting_across_the_spring_change_lasts_its_real_minutes(client, mdo_officer, spring_change):
    client.force_login(mdo_officer)
    assert _create(client, spring_change, "01:30", "03:30").status_code == 302
    meeting = Meeting.objects.get()
    assert _minutes(meeting) == 60  # the clocks skipped an hour
    assert timezone.localtime(meeting.end).time() == dt.time(3, 30)


def test_an_ambiguous_time_is_its_first_occurrence(client, mdo_officer, autumn_change):
    client.force_login(mdo_officer)
    assert _create(client, autumn_change, "02:30", "03:30").status_code == 302
    meeting = Meeting.objects.get()
    start = meeting.start.astimezone(PARIS)
    assert start.utcoffset() == dt.timedelta(hours=2)  # 02:30 summer time, the first of the two
    assert _minutes(meeting) == 120  # 02:30 summer time → 03:30 winter time: two real hours


def test_an_end_that_would_precede_the_start_is_the_second_occurrence(client, mdo_officer, autumn_change):
    client.force_login(mdo_officer)
    assert _create(client, autumn_change, "02:40", "02:10").status_code == 302
    assert _minutes(Meeting.objects.get()) == 30


def test_series_over_the_autumn_change_keeps_real_durations(client, mdo_officer, autumn_change):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:series_create"),
        {
            "kind": "network",
            "title": "Réseau de nuit",
            "first_day": (autumn_change - dt.timedelta(days=14)).isoformat(),
            "start_time": "01:30",
            "duration_minutes": "120",
            "preset": "FREQ=WEEKLY;INTERVAL=2",
            "count": "3",
        },
    )
    assert response.status_code == 302
    occurrences = list(MeetingSeries.objects.get().occurrences.order_by("start"))
    assert [timezone.localtime(m.start).date() for m in occurrences][1] == autumn_change
    assert [_minutes(m) for m in occurrences] == [120, 120, 120]
    assert all(timezone.localtime(m.start).time() == dt.time(1, 30) for m in occurrences)


def test_series_starting_at_a_time_that_does_not_exist_is_a_form_error(client, mdo_officer, spring_change):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:series_create"),
        {
            "kind": "network",
            "title": "Réseau",
            "first_day": spring_change.isoformat(),
            "start_time": "02:30",
            "duration_minutes": "60",
            "preset": "FREQ=WEEKLY;INTERVAL=2",
            "count": "3",
        },
    )
    assert response.status_code == 200
    assert "n'existe pas" in response.context["form"].errors["start_time"][0]
    assert not MeetingSeries.objects.exists() and not Meeting.objects.exists()


def test_a_later_occurrence_on_the_spring_change_follows_rfc_5545(client, mdo_officer, spring_change):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:series_create"),
        {
            "kind": "network",
            "title": "Réseau",
            "first_day": (spring_change - dt.timedelta(days=14)).isoformat(),
            "start_time": "02:30",
            "duration_minutes": "60",
            "preset": "FREQ=WEEKLY;INTERVAL=2",
            "count": "2",
        },
    )
    assert response.status_code == 302
    change_day = MeetingSeries.objects.get().occurrences.order_by("start").last()
    # 02:30 does not exist that day: the offset before the gap makes it 03:30 summer time, and it still lasts 60 min.
    assert timezone.localtime(change_day.start).time() == dt.time(3, 30)
    assert _minutes(change_day) == 60


def test_a_title_with_a_line_break_is_refused_before_anything_is_saved(client, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:create"),
        {
            "kind": "copil",
            "title": "Titre\r\nBcc: victime@exemple.fr",
            "day": "2027-01-12",
            "start_time": "10:00",
            "end_time": "12:00",
            "users": [town_hall_agent.pk],
        },
    )
    assert response.status_code == 200
    assert "une seule ligne" in response.context["form"].errors["title"][0]
    assert not Meeting.objects.exists() and mail.outbox == []


def test_a_title_with_a_line_break_already_stored_never_breaks_the_subject(
    mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    # Written before titles were checked (or by the admin): the invitation still goes, on one line.
    with django_capture_on_commit_callbacks(execute=True):
        make_meeting(mdo_officer, title="Titre\r\nBcc: victime@exemple.fr", users=[town_hall_agent])
    assert [message.subject for message in mail.outbox][0].startswith("Invitation : Titre Bcc: victime@exemple.fr")
    assert all(message.bcc == [] for message in mail.outbox)
