import io

import icalendar
import pytest
from django.core.management import call_command
from django.utils import timezone

from mdo.models import User
from mdo.seed import DEMO_USERS
from meetings.enums import MinutesStatus
from meetings.models import ActionItem, Decision, Meeting, MeetingSeries
from tests.meetings.test_feeds import feed_url

pytestmark = pytest.mark.django_db


def test_seed_gives_a_year_of_network_meetings_and_every_demo_user_a_feed(client):
    call_command("seed_demo", stdout=io.StringIO(), quiet_logins=True)
    counts = (Meeting.objects.count(), Decision.objects.count(), ActionItem.objects.count())
    call_command("seed_demo", stdout=io.StringIO(), quiet_logins=True)
    assert (Meeting.objects.count(), Decision.objects.count(), ActionItem.objects.count()) == counts

    network = MeetingSeries.objects.get(kind="network")
    assert network.occurrences.count() == 6 and "INTERVAL=2" in network.rrule
    now = timezone.now()
    past = Meeting.objects.filter(end__lt=now)
    assert past.exists() and Meeting.objects.filter(start__gt=now, agenda_items__isnull=False).exists()
    for meeting in past:
        assert meeting.minutes.status == MinutesStatus.PUBLISHED and meeting.decisions.exists()
    for username, *_ in DEMO_USERS:
        body = client.get(feed_url(User.objects.get(username=username))).content
        events = icalendar.Calendar.from_ical(body).walk("VEVENT")
        assert events, username
