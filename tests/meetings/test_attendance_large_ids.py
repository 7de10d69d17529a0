"""The attendance sheet once there are more than 999 attendees in the database.

With the French thousand separator, ``{{ attendee.pk }}`` printed record 1591 as "1 591" (a no-break
space) in the select's name: the browser then sent a field the form did not know, and the sheet was
"saved" with nothing in it. The names are read off the page here, as a browser would send them.
"""

import re

import pytest
from django.db.models import Max
from django.urls import reverse

from meetings.enums import AttendanceStatus, MeetingStatus
from meetings.models import Attendee

pytestmark = pytest.mark.django_db


def test_the_sheet_read_off_the_page_records_an_attendee_numbered_above_999(
    client, meeting, mdo_officer, town_hall_agent
):
    attendee = meeting.attendees.get(user=town_hall_agent)
    high = max(1591, (Attendee.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000)
    Attendee.objects.filter(pk=attendee.pk).update(id=high)
    client.force_login(mdo_officer)
    page = client.get(meeting.get_absolute_url()).content.decode()
    names = re.findall(r'name="(presence-attendee-[^"]+)"', page)
    assert f"presence-attendee-{high}" in names, names
    response = client.post(reverse("meetings:attendance", args=[meeting.pk]), {name: "present" for name in names})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert Attendee.objects.get(pk=high).status == AttendanceStatus.PRESENT
