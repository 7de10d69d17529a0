"""Malformed input on the meetings pages: a form error in French, never a server error, nothing written."""

import pytest
from django.urls import reverse

from meetings.models import ActionItem, Decision, Minutes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("meetings:decision_add", {"decision-text": ""}),
        ("meetings:action_add", {"action-title": "", "action-due_on": "pas une date"}),
        ("meetings:minutes_save", {"minutes-summary": "Synthèse\x00"}),
    ],
)
def test_invalid_minutes_forms_on_a_meeting_without_minutes_show_the_errors(
    client, meeting, mdo_officer, url_name, data
):
    client.force_login(mdo_officer)
    response = client.post(reverse(url_name, args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode() or "errorlist" in response.content.decode()
    assert not Minutes.objects.filter(meeting=meeting).exists()
    assert not Decision.objects.exists() and not ActionItem.objects.exists()
