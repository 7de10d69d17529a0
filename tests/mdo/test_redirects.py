"""``next`` parameters send the user back inside the site only."""

import pytest
from django.urls import reverse

from meetings import services as meeting_services
from tests.meetings.factories import make_meeting
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "http:evil.example",
    " //evil.example/",
    "javascript:alert(1)",
    "0",
    "projects:index",
    "evil.example",
]


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_bulk_transition_never_redirects_off_site(client, mdo_officer, next_url):
    project = ProjectFactory()
    client.force_login(mdo_officer)
    response = client.post(
        reverse("projects:bulk"), {"transition": "declare_admissible", "projects": [project.pk], "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:index")


def test_bulk_transition_keeps_a_local_next(client, mdo_officer):
    project = ProjectFactory()
    client.force_login(mdo_officer)
    local = reverse("projects:index") + "?status=submitted"
    response = client.post(
        reverse("projects:bulk"), {"transition": "declare_admissible", "projects": [project.pk], "next": local}
    )
    assert response["Location"] == local


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_action_status_never_redirects_off_site(client, mdo_officer, town_hall_agent, next_url):
    meeting = make_meeting(mdo_officer)
    action = meeting_services.action_add(meeting=meeting, by=mdo_officer, title="Relancer", owner=town_hall_agent)
    client.force_login(town_hall_agent)
    response = client.post(reverse("meetings:action_status", args=[action.pk]), {"status": "done", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
