"""A whole series moved or cancelled from its page, after a confirmation, by whoever may change it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.enums import MeetingStatus
from meetings.models import Meeting
from tests.factories import town_hall
from tests.meetings.factories import make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(mdo_officer, town_hall_agent):
    day = timezone.localdate() + dt.timedelta(days=30)
    first = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
    return make_series(mdo_officer, first_start=first, organisations=[town_hall(3)], count=3)


def _starts(series):
    return list(Meeting.objects.filter(series=series).order_by("start").values_list("start", flat=True))


def _ics(message) -> str:
    [content] = [content for filename, content, _ in message.attachments if filename.endswith(".ics")]
    return content.replace("\r\n ", "")


def test_the_organiser_moves_the_whole_series_after_confirming(
    client, series, mdo_officer, town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    occurrence = series.occurrences.order_by("start").first()
    assert (
        reverse("meetings:series_manage", args=[series.pk])
        in client.get(occurrence.get_absolute_url()).content.decode()
    )
    page = client.get(reverse("meetings:series_manage", args=[series.pk]))
    assert page.status_code == 200 and "Déplacer la série" in page.content.decode()
    before = _starts(series)
    mailoutbox.clear()
    url = reverse("meetings:series_move", args=[series.pk])

    unconfirmed = client.post(url, {"days": "7", "minutes": "0", "place": ""})
    assert unconfirmed.status_code == 400 and "confirm" in unconfirmed.context["move_form"].errors
    nothing = client.post(url, {"days": "0", "minutes": "0", "place": series.place, "confirm": "on"})
    assert "Indiquez un décalage ou un nouveau lieu." in nothing.context["move_form"].errors["days"]
    assert _starts(series) == before

    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(url, {"days": "7", "minutes": "30", "place": "Mairie du 3e", "confirm": "on"})
    assert moved.status_code == 302
    assert _starts(series) == [start + dt.timedelta(days=7, minutes=30) for start in before]
    assert set(Meeting.objects.filter(series=series).values_list("place", flat=True)) == {"Mairie du 3e"}
    [update] = mailoutbox  # one message for the whole series
    assert update.to == [town_hall_agent.email]
    ics = _ics(update)
    assert f"UID:{series.uid}" in ics and "SEQUENCE:1" in ics and "METHOD:REQUEST" in ics


def test_the_organiser_cancels_the_whole_series_after_confirming(
    client, series, mdo_officer, town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    mailoutbox.clear()
    url = reverse("meetings:series_cancel", args=[series.pk])
    assert client.post(url, {}).status_code == 400
    assert set(Meeting.objects.filter(series=series).values_list("status", flat=True)) == {MeetingStatus.PLANNED}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"confirm": "on"}).status_code == 302
    assert set(Meeting.objects.filter(series=series).values_list("status", flat=True)) == {MeetingStatus.CANCELLED}
    [cancel] = mailoutbox
    assert "METHOD:CANCEL" in _ics(cancel) and f"UID:{series.uid}" in _ics(cancel)
    again = client.post(url, {"confirm": "on"})
    assert again.status_code == 400 and "plus de réunion prévue" in again.content.decode()


def test_an_invitee_who_may_not_change_the_series_gets_404_and_changes_nothing(
    client, series, town_hall_agent, outsider, mailoutbox
):
    before = _starts(series)
    mailoutbox.clear()
    occurrence = series.occurrences.order_by("start").first()
    for user in (town_hall_agent, outsider):
        client.force_login(user)
        assert client.get(reverse("meetings:series_manage", args=[series.pk])).status_code == 404
        move = client.post(reverse("meetings:series_move", args=[series.pk]), {"days": "7", "confirm": "on"})
        cancel = client.post(reverse("meetings:series_cancel", args=[series.pk]), {"confirm": "on"})
        assert move.status_code == cancel.status_code == 404
    client.force_login(town_hall_agent)  # invited: sees the meeting, without the series' button
    page = client.get(occurrence.get_absolute_url()).content.decode()
    assert reverse("meetings:series_manage", args=[series.pk]) not in page
    assert _starts(series) == before and mailoutbox == []
    assert set(Meeting.objects.filter(series=series).values_list("status", flat=True)) == {MeetingStatus.PLANNED}
