"""The personal feed as Outlook polls it: revalidation without building the body, what moves the
validators, the one-year window, and who may read it. Every date is relative to the suite's clock."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date

from meetings import services
from meetings.models import Meeting
from tests.meetings.factories import make_meeting, make_series
from tests.meetings.test_feeds import feed_url

pytestmark = pytest.mark.django_db


def in_days(days: float) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)


def summaries(response) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.fixture
def busy_agent(mdo_officer, town_hall_agent):
    """The 3rd district's agent with meetings to come and past, a series, and an action to carry out."""
    coming = make_meeting(mdo_officer, users=[town_hall_agent], start=in_days(5), title="COPIL à venir")
    make_meeting(mdo_officer, users=[town_hall_agent], start=in_days(-30), title="COPIL du mois dernier")
    make_series(mdo_officer, users=[town_hall_agent], first_start=in_days(10), count=3, title="COTECH")
    services.action_add(
        meeting=coming, by=mdo_officer, title="Envoyer le bilan", owner=town_hall_agent, due_on=in_days(20).date()
    )
    return town_hall_agent


def test_revalidation_gets_304_in_few_queries_without_building_the_body(
    client, busy_agent, django_assert_max_num_queries
):
    url = feed_url(busy_agent)
    first = client.get(url)
    assert first.status_code == 200 and "COPIL à venir" in summaries(first)
    etag, modified = first["ETag"], first["Last-Modified"]
    with django_assert_max_num_queries(5):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    with django_assert_max_num_queries(5):
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=modified)
    assert since.status_code == 304 and since["Last-Modified"] == modified
    # Without the cached events, a 200 needs the meetings, their agendas and their series' dates:
    # the 304 does not, so it cannot have built them.
    cache.clear()
    with django_assert_max_num_queries(5):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_cached_200_stays_within_five_queries(client, busy_agent, django_assert_max_num_queries):
    url = feed_url(busy_agent)
    first = client.get(url)
    with django_assert_max_num_queries(5):
        cached = client.get(url)
    assert cached.status_code == 200 and cached.content == first.content and cached["ETag"] == first["ETag"]


def test_head_builds_no_body_and_gives_the_same_validators(client, busy_agent, django_assert_max_num_queries):
    url = feed_url(busy_agent)
    with django_assert_max_num_queries(5):
        head = client.head(url)
    get = client.get(url)
    assert head.status_code == 200 and head.content == b""
    assert (head["ETag"], head["Last-Modified"]) == (get["ETag"], get["Last-Modified"])


def _retitle(meeting, by):
    services.meeting_update(meeting=meeting, by=by, title="COPIL renommé")
    return "COPIL renommé"


def _move(meeting, by):
    services.meeting_update(meeting=meeting, by=by, start=meeting.start + dt.timedelta(hours=1), end=meeting.end)
    return "COPIL à venir"


def _cancel(meeting, by):
    services.meeting_cancel(meeting=meeting, by=by)
    return "COPIL à venir"


def _delete(meeting, by):
    meeting.delete()
    return None


@pytest.mark.parametrize("change", [_retitle, _move, _cancel, _delete], ids=["title", "time", "cancel", "delete"])
def test_a_changed_meeting_gives_a_stale_client_the_new_feed(client, busy_agent, mdo_officer, change):
    url = feed_url(busy_agent)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    meeting = Meeting.objects.get(title="COPIL à venir")
    uid = meeting.uid
    shown = change(meeting, mdo_officer)
    for validator in ({"HTTP_IF_NONE_MATCH": etag}, {"HTTP_IF_MODIFIED_SINCE": modified}):
        response = client.get(url, **validator)
        assert response.status_code == 200, validator
        assert response["ETag"] != etag and response["Last-Modified"] != modified
        events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")}
        if shown is None:
            assert uid not in events
        else:
            event = events[uid]
            assert str(event["SUMMARY"]) == shown
            assert event.decoded("DTSTART") == Meeting.objects.get(pk=meeting.pk).start
            expected = "CANCELLED" if change is _cancel else "CONFIRMED"
            assert str(event["STATUS"]) == expected
    # The new state is stable again: its own validators get 304.
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_new_invitation_gives_a_stale_client_the_new_feed(client, busy_agent, mdo_officer, other_town_hall_agent):
    elsewhere = make_meeting(
        other_town_hall_agent, start=in_days(3), title="Conseil de quartier Vieux Lyon", kind="neighbourhood_council"
    )
    url = feed_url(busy_agent)
    first = client.get(url)
    assert "Conseil de quartier Vieux Lyon" not in summaries(first)
    services.meeting_invite(meeting=elsewhere, by=other_town_hall_agent, users=[busy_agent])
    for validator in ({"HTTP_IF_NONE_MATCH": first["ETag"]}, {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}):
        response = client.get(url, **validator)
        assert response.status_code == 200 and "Conseil de quartier Vieux Lyon" in summaries(response)


def test_a_cancelled_occurrence_of_a_series_changes_the_feed(client, busy_agent, mdo_officer):
    url = feed_url(busy_agent)
    etag = client.get(url)["ETag"]
    occurrence = Meeting.objects.filter(title="COTECH").order_by("start").last()
    services.meeting_cancel(meeting=occurrence, by=mdo_officer)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    master = next(e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT") if "RRULE" in e)
    assert "EXDATE" in master


def test_a_changed_action_changes_the_feed(client, busy_agent):
    url = feed_url(busy_agent)
    etag = client.get(url)["ETag"]
    action = busy_agent.meeting_actions.get()
    services.action_update(
        action=action, by=busy_agent, title="Envoyer le bilan signé", owner=busy_agent, due_on=action.due_on
    )
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Action à mener : Envoyer le bilan signé" in summaries(response)


def test_the_feed_goes_one_year_back(client, mdo_officer, town_hall_agent):
    make_meeting(mdo_officer, users=[town_hall_agent], start=in_days(-396), title="COPIL d'il y a treize mois")
    make_meeting(mdo_officer, users=[town_hall_agent], start=in_days(-335), title="COPIL d'il y a onze mois")
    make_meeting(mdo_officer, users=[town_hall_agent], start=in_days(400), title="COPIL dans plus d'un an")
    assert summaries(client.get(feed_url(town_hall_agent))) == [
        "COPIL d'il y a onze mois",
        "COPIL dans plus d'un an",
    ]


def test_a_meeting_leaving_the_window_changes_the_validators(client, mdo_officer, town_hall_agent):
    make_meeting(mdo_officer, users=[town_hall_agent], start=in_days(-364), title="COPIL presque trop ancien")
    make_meeting(mdo_officer, users=[town_hall_agent], start=in_days(7), title="COPIL à venir")
    url = feed_url(town_hall_agent)
    first = client.get(url)
    assert "COPIL presque trop ancien" in summaries(first)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=True):
        for validator in ({"HTTP_IF_NONE_MATCH": first["ETag"]}, {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]}):
            response = client.get(url, **validator)
            assert response.status_code == 200 and summaries(response) == ["COPIL à venir"]


def test_another_users_meetings_never_appear_nor_move_my_validators(
    client, busy_agent, other_town_hall_agent, mdo_officer
):
    theirs = make_meeting(
        other_town_hall_agent, start=in_days(4), title="Conseil de quartier Vieux Lyon", kind="neighbourhood_council"
    )
    url = feed_url(busy_agent)
    mine = client.get(url)
    assert theirs.uid not in mine.content.decode()
    services.meeting_update(meeting=theirs, by=other_town_hall_agent, title="Conseil de quartier Saint-Jean")
    again = client.get(url, HTTP_IF_NONE_MATCH=mine["ETag"])
    assert again.status_code == 304
    their_feed = client.get(feed_url(other_town_hall_agent))
    assert their_feed["ETag"] != mine["ETag"]
    assert summaries(their_feed) == ["Conseil de quartier Saint-Jean"]


def test_a_wrong_revoked_or_deactivated_token_is_refused_even_with_a_valid_etag(client, busy_agent):
    url = feed_url(busy_agent)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    unknown = reverse("meetings:personal_feed", args=["pas-un-jeton"])
    assert client.get(unknown, HTTP_IF_NONE_MATCH=etag).status_code == 404
    services.calendar_token_revoke(user=busy_agent)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 404
    assert client.head(url).status_code == 404
    renewed = feed_url(busy_agent)
    assert client.get(renewed, HTTP_IF_NONE_MATCH=etag).status_code == 304  # same feed, new address
    busy_agent.is_active = False
    busy_agent.save()
    assert client.get(renewed, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_last_modified_never_goes_back_when_a_meeting_goes(client, busy_agent):
    url = feed_url(busy_agent)
    first = client.get(url)
    Meeting.objects.filter(title="COPIL à venir").delete()
    later = client.get(url)
    assert parse_http_date(later["Last-Modified"]) > parse_http_date(first["Last-Modified"])
