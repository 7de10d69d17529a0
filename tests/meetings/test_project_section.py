"""The « Réunions » section that meetings hangs on the project page (projects.registry)."""

import datetime as dt
import html

import pytest
from django.utils import timezone

from meetings import services
from projects.models import Project
from tests.factories import town_hall
from tests.helpers import assert_constant_queries
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def _page(client, project) -> str:
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _days(n: int) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=n)).replace(microsecond=0)


@pytest.fixture
def project():
    """A city-wide project: every town hall sees it."""
    return Project.objects.create(title="Fontaines à boire dans les parcs")


def _meeting_about(project, organiser, *, title, days, point="Point d'étape du projet", **kwargs):
    meeting = make_meeting(organiser, title=title, start=_days(days), **kwargs)
    services.agenda_item_add(meeting=meeting, by=organiser, title=point, project=project)
    return meeting


def _approve(meeting, manager):
    services.minutes_transition(meeting=meeting, by=manager, name="submit")
    services.minutes_transition(meeting=meeting, by=manager, name="approve")


def test_project_page_lists_upcoming_meetings_first_then_past_ones(client, project, mdo_officer):
    _meeting_about(project, mdo_officer, title="COPIL de lancement", days=-60)
    _meeting_about(project, mdo_officer, title="COPIL d'étape", days=-10)
    _meeting_about(project, mdo_officer, title="COTECH travaux", days=20, kind="cotech")
    _meeting_about(project, mdo_officer, title="COPIL de clôture", days=90)
    make_meeting(mdo_officer, title="Réunion sans ce projet", start=_days(5))
    client.force_login(mdo_officer)
    page = _page(client, project)
    section = page[page.index('data-testid="project-meetings"') :]
    order = [
        section.index(title) for title in ("COTECH travaux", "COPIL de clôture", "COPIL d'étape", "COPIL de lancement")
    ]
    assert order == sorted(order)
    assert (
        section.index("À venir") < section.index("COTECH") < section.index("Passées") < section.index("COPIL d'étape")
    )
    assert "Réunion sans ce projet" not in section
    assert "COTECH" in section and "Point d'étape du projet" in section  # the kind and the point in words


def test_project_section_shows_the_decisions_of_approved_minutes_only(client, project, mdo_officer, mdo_manager):
    held = _meeting_about(project, mdo_officer, title="COPIL d'arbitrage", days=-15)
    point = held.agenda_items.get(project=project)
    services.decision_add(meeting=held, by=mdo_officer, text="Le lot 2 est reporté à 2027.", agenda_item=point)
    services.decision_add(meeting=held, by=mdo_officer, text="Décision sur un autre sujet.")
    draft = _meeting_about(project, mdo_officer, title="COPIL suivant", days=-2)
    services.decision_add(
        meeting=draft,
        by=mdo_officer,
        text="Décision encore en brouillon.",
        agenda_item=draft.agenda_items.get(project=project),
    )
    _approve(held, mdo_manager)
    client.force_login(mdo_officer)
    section = _page(client, project)
    section = section[section.index('data-testid="project-decisions"') :]
    assert "Le lot 2 est reporté à 2027." in section
    assert "Décision sur un autre sujet." not in section and "Décision encore en brouillon." not in section


def test_project_section_hides_meetings_the_user_may_not_see(
    client, project, mdo_officer, town_hall_agent, other_town_hall_agent
):
    _meeting_about(project, mdo_officer, title="Réunion avec la mairie du 3e", days=7, organisations=[town_hall(3)])
    _meeting_about(
        project, other_town_hall_agent, title="Conseil de quartier du 5e", days=8, kind="neighbourhood_council"
    )
    client.force_login(other_town_hall_agent)
    page = _page(client, project)
    assert "Conseil de quartier du 5e" in page and "Réunion avec la mairie du 3e" not in page
    client.force_login(town_hall_agent)
    page = _page(client, project)
    assert "Réunion avec la mairie du 3e" in page and "Conseil de quartier du 5e" not in page


def test_project_section_is_absent_without_meetings(client, project, mdo_officer):
    client.force_login(mdo_officer)
    assert 'data-testid="project-meetings"' not in _page(client, project)


def test_project_page_with_meetings_keeps_a_constant_number_of_queries(
    client, project, mdo_officer, mdo_manager, django_assert_max_num_queries
):
    held = _meeting_about(project, mdo_officer, title="COPIL 0", days=-30)
    services.decision_add(meeting=held, by=mdo_officer, text="Décision 0", agenda_item=held.agenda_items.get())
    _approve(held, mdo_manager)
    _meeting_about(project, mdo_officer, title="COPIL à venir", days=30)
    client.force_login(mdo_officer)
    url = project.get_absolute_url()

    def grow():
        for index in range(1, 6):
            past = _meeting_about(project, mdo_officer, title=f"COPIL {index}", days=-30 - index)
            point = past.agenda_items.get()
            services.agenda_item_add(meeting=past, by=mdo_officer, title="Second point", project=project)
            services.decision_add(meeting=past, by=mdo_officer, text=f"Décision {index}", agenda_item=point)
            _approve(past, mdo_manager)
            _meeting_about(project, mdo_officer, title=f"COTECH {index}", days=10 + index, kind="cotech")

    count = assert_constant_queries(client, url, grow)
    # 21 = the project page's 19 (tests/projects, which counts this section's meetings query) + the
    # points about the project (one prefetch) + the decisions, asked only when there are meetings.
    assert count <= 21
    with django_assert_max_num_queries(21):
        client.get(url)


def test_meeting_page_links_only_the_projects_the_reader_may_open(client, mdo_officer, other_town_hall_agent):
    third = Project.objects.create(title="Jardin partagé de Montchat", district=3)
    fifth = Project.objects.create(title="Escaliers fleuris de Saint-Just", district=5)
    meeting = make_meeting(mdo_officer, title="Réseau", start=_days(3), organisations=[town_hall(5)])
    for project in (third, fifth):
        services.agenda_item_add(meeting=meeting, by=mdo_officer, title=f"Point {project.title}", project=project)
    client.force_login(other_town_hall_agent)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{fifth.get_absolute_url()}"' in page
    assert f'href="{third.get_absolute_url()}"' not in page
    client.force_login(mdo_officer)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{third.get_absolute_url()}"' in page
