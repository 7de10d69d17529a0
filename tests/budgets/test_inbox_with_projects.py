"""« Mes tâches » with the merged apps: a town hall's budget opinions and feasibility opinions side by side."""

import pytest
from django.urls import reverse

from budgets.enums import DecisionOutcome
from projects.enums import ProjectStatus
from projects.models import Project
from projects.services import TransitionData, project_transition
from tests.budgets.factories import decide, submitted_line
from tests.factories import directorate

pytestmark = pytest.mark.django_db


def _project_under_review(title, district, officer):
    project = Project.objects.create(
        title=title,
        district=district,
        status=ProjectStatus.ADMISSIBLE,
        lead_directorate=directorate("Direction des Espaces verts"),
        officer=officer,
    )
    project_transition(project=project, name="start_review", by=officer, data=TransitionData(open_review=True))
    return project


def test_inbox_lists_budget_and_feasibility_tasks_of_the_agent_district_only(
    client, mdo_officer, mdo_manager, town_hall_agent, other_town_hall_agent
):
    _project_under_review("Jardin partagé de Montchat", 3, mdo_officer)
    _project_under_review("Escaliers fleuris de Saint-Just", 5, mdo_officer)
    line = submitted_line(mdo_officer, label="Jardinières de la rue Paul-Bert", holder_district=3)
    decide(line, mdo_manager, DecisionOutcome.APPROVED)  # now awaiting the 3e town hall's opinion

    client.force_login(town_hall_agent)
    page = client.get(reverse("tasks")).content.decode()
    assert "Jardin partagé de Montchat" in page and "Jardinières de la rue Paul-Bert" in page
    assert "Saint-Just" not in page

    client.force_login(other_town_hall_agent)
    page = client.get(reverse("tasks")).content.decode()
    assert "Saint-Just" in page
    assert "Montchat" not in page and "Paul-Bert" not in page
