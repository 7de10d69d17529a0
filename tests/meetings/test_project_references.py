"""A decision or an agenda point about a project out of the reader's scope: the text stays, the reference does not."""

import html

import pytest
from django.urls import reverse

from meetings import services
from tests.factories import town_hall
from tests.meetings.factories import make_meeting
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(mdo_officer, mdo_manager, town_hall_agent):
    """A COPIL with the 3rd district invited; one point about a 5th-district project, one about a 3rd-district one."""
    fifth = ProjectFactory(title="Kiosque du parc des Hauteurs", district=5)
    third = ProjectFactory(title="Jardin partagé Montchat", district=3)
    meeting = make_meeting(mdo_officer, title="COPIL inter-arrondissements", organisations=[town_hall(3)])
    point_5 = services.agenda_item_add(meeting=meeting, by=mdo_officer, title="Point sur le 5e", project=fifth)
    point_3 = services.agenda_item_add(meeting=meeting, by=mdo_officer, title="Point sur le 3e", project=third)
    services.decision_add(meeting=meeting, by=mdo_officer, text="Le kiosque est reporté.", agenda_item=point_5)
    services.decision_add(meeting=meeting, by=mdo_officer, text="Le jardin est lancé.", agenda_item=point_3)
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="submit")
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    return meeting, fifth, third


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_meeting_page_links_only_the_projects_the_reader_may_open(client, decided, town_hall_agent, mdo_officer):
    meeting, fifth, third = decided
    client.force_login(town_hall_agent)
    page = _text(client.get(meeting.get_absolute_url()))
    assert "Le kiosque est reporté." in page and "Point sur le 5e" in page  # the words are the writer's choice
    assert fifth.title not in page and fifth.get_absolute_url() not in page
    assert f'href="{third.get_absolute_url()}"' in page
    client.force_login(mdo_officer)
    page = _text(client.get(meeting.get_absolute_url()))
    assert f'href="{fifth.get_absolute_url()}"' in page


def test_decision_register_and_its_export_name_only_visible_projects(client, decided, town_hall_agent, mdo_officer):
    meeting, fifth, third = decided
    client.force_login(town_hall_agent)
    page = _text(client.get(reverse("meetings:decisions")))
    assert "Le kiosque est reporté." in page and fifth.title not in page and fifth.get_absolute_url() not in page
    assert f'href="{third.get_absolute_url()}"' in page
    export = client.get(reverse("meetings:decisions") + "?_export=csv")
    content = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Le kiosque est reporté." in content and fifth.title not in content and third.title in content
    client.force_login(mdo_officer)
    export = client.get(reverse("meetings:decisions") + "?_export=csv")
    content = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert fifth.title in content and third.title in content
