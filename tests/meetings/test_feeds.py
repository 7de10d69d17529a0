import datetime as dt

import icalendar
import pytest
import time_machine
import vobject
from django.core.management import call_command
from django.urls import reverse

from meetings import selectors, services
from meetings.ical import PARIS
from meetings.models import ActionItem, AgendaItem, Attendee, Meeting
from tests.factories import town_hall
from tests.helpers import assert_constant_queries
from tests.meetings.factories import make_meeting, make_series, paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_day_of_2026():
    """The factories' meetings sit on fixed dates of 2026 and a feed keeps one year back: these tests
    read the feeds on a day of that year, whatever the suite's clock (MDO_TEST_NOW). The window itself
    and the revalidation are tested against the real clock in test_feed_revalidation.py."""
    with time_machine.travel(paris(2026, 12, 1, 9), tick=True):
        yield


def feed_url(user) -> str:
    return reverse("meetings:personal_feed", args=[selectors.calendar_token_for(user).token])


def get_feed(client, user):
    response = client.get(feed_url(user))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response


def parse_both(body: bytes):
    """The same bytes read by icalendar and by an independent parser (vobject)."""
    return icalendar.Calendar.from_ical(body), vobject.readOne(body.decode())


def test_personal_feed_is_public_by_token_and_lists_my_meetings(client, meeting, town_hall_agent):
    response = get_feed(client, town_hall_agent)  # anonymous: the token is the credential
    cal, vcal = parse_both(response.content)
    events = cal.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["COPIL Budget participatif"]
    event = events[0]
    assert str(event["UID"]) == meeting.uid
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == paris(2026, 12, 8, 14)
    assert "Point budgétaire" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/meetings/{meeting.pk}/")
    assert int(event["SEQUENCE"]) == 0 and "DTSTAMP" in event
    assert str(cal["X-WR-CALNAME"]).startswith("MDO")
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Paris"
    assert "REFRESH-INTERVAL" in cal and str(cal["X-PUBLISHED-TTL"]) == "PT1H"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    # vobject resolves the times through our VTIMEZONE, not through its own database.
    assert vcal.vevent.dtstart.value.utcoffset() == dt.timedelta(hours=1)
    assert vcal.vevent.uid.value == meeting.uid


def test_feed_is_crlf_and_folded_at_75_octets(client, mdo_officer, town_hall_agent):
    make_meeting(mdo_officer, users=[town_hall_agent], title="Réunion " + "très longue " * 15)
    body = get_feed(client, town_hall_agent).content
    lines = body.split(b"\r\n")
    assert b"\n" not in b"".join(lines)  # no bare LF
    assert max(len(line) for line in lines) <= 75


def test_vtimezone_gives_the_right_offsets_on_both_sides_of_daylight_saving(client, mdo_officer, town_hall_agent):
    make_series(mdo_officer, users=[town_hall_agent], first_start=paris(2026, 1, 13, 18), count=3)
    _, vcal = parse_both(get_feed(client, town_hall_agent).content)
    # No occurrence differs from the rule: the master alone carries them, expanded through our VTIMEZONE.
    assert not [e for e in vcal.vevent_list if hasattr(e, "recurrence_id")]
    master = next(e for e in vcal.vevent_list if hasattr(e, "rrule"))
    occurrences = sorted(master.getrruleset())
    assert [o.hour for o in occurrences] == [18, 18, 18]
    assert [o.utcoffset() for o in occurrences] == [dt.timedelta(hours=1), dt.timedelta(hours=1), dt.timedelta(hours=2)]


def test_series_in_feed_has_rrule_overrides_and_exdate_for_cancelled_occurrence(client, mdo_officer, town_hall_agent):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=4)
    occurrences = list(series.occurrences.order_by("start"))
    services.meeting_update(
        meeting=occurrences[1],
        by=mdo_officer,
        start=occurrences[1].start + dt.timedelta(days=2),
        end=occurrences[1].end + dt.timedelta(days=2),
        place="Mairie du 3e",
    )
    services.meeting_cancel(meeting=occurrences[2], by=mdo_officer)
    cal, vcal = parse_both(get_feed(client, town_hall_agent).content)
    events = cal.walk("VEVENT")
    master = next(e for e in events if "RRULE" in e)
    assert str(master["UID"]) == series.uid
    assert master["RRULE"]["FREQ"] == ["MONTHLY"] and master["RRULE"]["INTERVAL"] == [2]
    exdates = (
        [d.dt for d in master["EXDATE"].dts]
        if not isinstance(master["EXDATE"], list)
        else [d.dt for ex in master["EXDATE"] for d in ex.dts]
    )
    assert exdates == [occurrences[2].original_start.astimezone(PARIS)]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    # Only the moved occurrence overrides the rule (clients without RECURRENCE-ID would show the others twice);
    # the cancelled one is excluded by EXDATE.
    assert len(overrides) == 1
    moved = next(e for e in overrides if e.decoded("RECURRENCE-ID") == occurrences[1].original_start)
    assert moved.decoded("DTSTART") == occurrences[1].start + dt.timedelta(days=2)
    assert int(moved["SEQUENCE"]) == 1 and str(moved["LOCATION"]) == "Mairie du 3e"
    assert all(str(e["UID"]) == series.uid for e in overrides)
    # The independent parser expands the rule minus the EXDATE, and finds the moved occurrence.
    vmaster = next(e for e in vcal.vevent_list if hasattr(e, "rrule"))
    expanded = list(vmaster.getrruleset())
    assert len(expanded) == 3 and occurrences[2].original_start not in expanded
    vmoved = next(
        e
        for e in vcal.vevent_list
        if hasattr(e, "recurrence_id") and e.recurrence_id.value == occurrences[1].original_start
    )
    assert vmoved.dtstart.value == occurrences[1].start + dt.timedelta(days=2)


def test_cancelled_single_meeting_shows_status_cancelled(client, meeting, mdo_officer, town_hall_agent):
    services.meeting_cancel(meeting=meeting, by=mdo_officer)
    cal, _ = parse_both(get_feed(client, town_hall_agent).content)
    event = cal.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1


def test_feed_answers_304_to_its_etag_and_a_new_etag_after_a_change(client, meeting, mdo_officer, town_hall_agent):
    first = get_feed(client, town_hall_agent)
    etag = first["ETag"]
    again = client.get(feed_url(town_hall_agent), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    services.meeting_update(meeting=meeting, by=mdo_officer, place="Mairie du 3e, salle du conseil")
    changed = client.get(feed_url(town_hall_agent), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_cached_feed_follows_agenda_changes_and_cancellations(client, meeting, mdo_officer, town_hall_agent):
    first = get_feed(client, town_hall_agent).content.decode()
    assert "Questions diverses" not in first
    services.agenda_item_add(meeting=meeting, by=mdo_officer, title="Questions diverses")
    assert "Questions diverses" in get_feed(client, town_hall_agent).content.decode().replace("\r\n ", "")
    services.meeting_cancel(meeting=meeting, by=mdo_officer)
    assert "STATUS:CANCELLED" in get_feed(client, town_hall_agent).content.decode()


def test_wrong_or_revoked_token_gets_404(client, meeting, town_hall_agent):
    old = feed_url(town_hall_agent)
    assert client.get(old).status_code == 200
    services.calendar_token_revoke(user=town_hall_agent)
    assert client.get(old).status_code == 404
    assert client.get(reverse("meetings:personal_feed", args=["pas-un-jeton"])).status_code == 404
    assert client.get(feed_url(town_hall_agent)).status_code == 200


def test_feed_of_a_deactivated_user_gets_404(client, meeting, town_hall_agent):
    url = feed_url(town_hall_agent)
    town_hall_agent.is_active = False
    town_hall_agent.save()
    assert client.get(url).status_code == 404


def test_no_meeting_of_another_organisation_leaks_into_a_feed(
    client, meeting, other_meeting, town_hall_agent, other_town_hall_agent, mdo_officer
):
    mine = get_feed(client, town_hall_agent).content.decode()
    assert "Vieux Lyon" not in mine and other_meeting.uid not in mine
    theirs = get_feed(client, other_town_hall_agent).content.decode()
    assert "COPIL" not in theirs and meeting.uid not in theirs
    # A series the 5th is invited to only once: the other occurrences are excluded from its rule.
    series = make_series(mdo_officer, users=[town_hall_agent], count=3, title="COTECH éclairage")
    third = series.occurrences.order_by("start").last()
    services.meeting_invite(meeting=third, by=mdo_officer, users=[other_town_hall_agent])
    cal = icalendar.Calendar.from_ical(get_feed(client, other_town_hall_agent).content)
    master = next(e for e in cal.walk("VEVENT") if "RRULE" in e)
    overrides = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert overrides == []  # the occurrence follows the rule: the master shows it
    rules = vobject.readOne(cal.to_ical().decode()).vevent.getrruleset(addRDate=True)
    assert len(rules._exdate) == 2 and list(rules) == [third.original_start]
    assert master  # the series itself is shared, two of its dates are excluded


def test_personal_feed_includes_my_action_due_dates_as_all_day_events(client, meeting, mdo_officer, town_hall_agent):
    action = services.action_add(
        meeting=meeting, by=mdo_officer, title="Envoyer le bilan", owner=town_hall_agent, due_on=dt.date(2026, 12, 20)
    )
    cal, _ = parse_both(get_feed(client, town_hall_agent).content)
    event = next(e for e in cal.walk("VEVENT") if str(e["UID"]) == action.uid)
    assert event.decoded("DTSTART") == dt.date(2026, 12, 20)
    assert "Envoyer le bilan" in str(event["SUMMARY"])


def test_personal_feed_answers_in_a_constant_number_of_queries(
    client, mdo_officer, town_hall_agent, django_assert_max_num_queries
):
    make_meeting(mdo_officer, users=[town_hall_agent], agenda=["Point 1"])
    make_series(mdo_officer, users=[town_hall_agent], count=2, title="COTECH")
    url = feed_url(town_hall_agent)

    def grow():
        make_series(mdo_officer, users=[town_hall_agent], count=8)
        for index in range(30):
            start = paris(2027, 1, 1) + dt.timedelta(days=index)
            meeting = Meeting.objects.create(
                kind="copil",
                title=f"COPIL {index}",
                start=start,
                end=start + dt.timedelta(hours=1),
                organiser=mdo_officer,
                organisation=mdo_officer.organisation,
            )
            Attendee.objects.create(meeting=meeting, user=town_hall_agent)
            AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, title=f"Point {n}", order=n) for n in range(3)])
            ActionItem.objects.create(meeting=meeting, title="Action", owner=town_hall_agent, due_on=start.date())

    count = assert_constant_queries(client, url, grow)
    with django_assert_max_num_queries(count):
        client.get(url)
    assert count <= 8


def test_organisation_feed_is_for_its_members_and_citywide_staff(
    client, meeting, other_meeting, town_hall_agent, other_town_hall_agent, mdo_manager
):
    url = reverse("meetings:organisation_feed", args=[town_hall(3).pk])
    client.force_login(town_hall_agent)
    body = client.get(url).content.decode()
    assert meeting.uid in body and other_meeting.uid not in body
    client.force_login(other_town_hall_agent)
    assert client.get(url).status_code == 404
    client.force_login(mdo_manager)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # login required


def test_network_feed_is_scoped(client, mdo_officer, town_hall_agent, other_town_hall_agent):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=2)
    url = reverse("meetings:network_feed")
    client.force_login(town_hall_agent)
    assert series.uid in client.get(url).content.decode()
    client.force_login(other_town_hall_agent)
    assert series.uid not in client.get(url).content.decode()


def test_one_meeting_ics_download_and_scope(client, meeting, town_hall_agent, other_town_hall_agent):
    url = reverse("meetings:ics", args=[meeting.pk])
    client.force_login(town_hall_agent)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    cal, vcal = parse_both(response.content)
    assert str(cal.walk("VEVENT")[0]["UID"]) == meeting.uid == vcal.vevent.uid.value
    client.force_login(other_town_hall_agent)
    assert client.get(url).status_code == 404


def test_calendar_feed_url_command_prints_the_users_feed(town_hall_agent, capsys, settings):
    settings.SITE_URL = "https://mdo.mairie-lyon.fr"
    call_command("calendar_feed_url", "julien")
    printed = capsys.readouterr().out.strip()
    assert printed == "https://mdo.mairie-lyon.fr" + feed_url(town_hall_agent)


def token_feeds(user) -> tuple[str, str]:
    token = selectors.calendar_token_for(user).token
    return (
        reverse("meetings:token_network_feed", args=[token]),
        reverse("meetings:token_organisation_feed", args=[token, user.organisation_id]),
    )


def test_subscribed_feeds_say_method_publish(client, meeting, town_hall_agent):
    cal = icalendar.Calendar.from_ical(get_feed(client, town_hall_agent).content)
    assert str(cal["METHOD"]) == "PUBLISH"


def test_head_answers_the_headers_of_get_without_body(client, meeting, town_hall_agent):
    get = get_feed(client, town_hall_agent)
    head = client.head(feed_url(town_hall_agent))
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"] and head["Last-Modified"] == get["Last-Modified"]


def test_weak_etag_from_a_compressing_proxy_gets_304(client, meeting, town_hall_agent):
    etag = get_feed(client, town_hall_agent)["ETag"]
    assert etag.startswith('"')
    response = client.get(feed_url(town_hall_agent), HTTP_IF_NONE_MATCH=f"W/{etag}")
    assert response.status_code == 304


def test_if_modified_since_gets_304_until_a_meeting_changes(client, meeting, mdo_officer, town_hall_agent):
    from django.utils import timezone

    # Last-Modified has a one-second grain: the meeting was last changed an hour ago.
    Meeting.objects.filter(pk=meeting.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    modified = get_feed(client, town_hall_agent)["Last-Modified"]
    assert client.get(feed_url(town_hall_agent), HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    services.meeting_update(
        meeting=Meeting.objects.get(pk=meeting.pk), by=mdo_officer, place="Mairie du 3e, salle des fêtes"
    )
    changed = client.get(feed_url(town_hall_agent), HTTP_IF_MODIFIED_SINCE=modified)
    assert changed.status_code == 200 and changed["Last-Modified"] != modified


def test_tokenised_organisation_and_network_feeds_need_no_cookie(
    client, meeting, other_meeting, mdo_officer, town_hall_agent
):
    series = make_series(mdo_officer, organisations=[town_hall(3)], count=2)
    network, organisation = token_feeds(town_hall_agent)
    body = client.get(organisation).content.decode()  # anonymous, as Outlook
    assert meeting.uid in body and other_meeting.uid not in body
    assert series.uid in client.get(network).content.decode()
    assert client.head(organisation).status_code == 200


def test_tokenised_feeds_are_revoked_with_the_personal_token(client, meeting, town_hall_agent):
    network, organisation = token_feeds(town_hall_agent)
    services.calendar_token_revoke(user=town_hall_agent)
    assert client.get(organisation).status_code == 404 and client.get(network).status_code == 404


def test_tokenised_organisation_feed_of_another_organisation_is_404(
    client, meeting, town_hall_agent, other_town_hall_agent
):
    token = selectors.calendar_token_for(town_hall_agent).token
    url = reverse("meetings:token_organisation_feed", args=[token, other_town_hall_agent.organisation_id])
    assert client.get(url).status_code == 404


def test_my_calendar_page_gives_the_tokenised_feed_addresses(client, town_hall_agent):
    client.force_login(town_hall_agent)
    page = client.get(reverse("meetings:my_calendar")).content.decode()
    network, organisation = token_feeds(town_hall_agent)
    assert network in page and organisation in page
