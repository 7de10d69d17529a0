import pytest
from playwright.sync_api import expect

from projects.enums import ProjectStatus
from tests.browser.conftest import assert_accessible, login, screenshot
from tests.browser.test_meetings_fewer_steps import Steps
from tests.factories import TEST_PASSWORD
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_takes_a_project_from_submitted_to_winner_through_the_buttons(page, mdo_officer):
    project = ProjectFactory(title="Îlot de fraîcheur place Guichard", district=3, officer=mdo_officer)
    login(page, "camille", TEST_PASSWORD)

    page.goto("/projects/")
    expect(page.get_by_role("link", name=project.title)).to_be_visible()
    assert_accessible(page)
    screenshot(page, "projects-list")

    page.get_by_role("link", name=project.title).click()
    expect(page.get_by_test_id("status")).to_have_text("Soumise", use_inner_text=True)
    assert_accessible(page)

    page.get_by_role("button", name="Déclarer recevable").click()
    expect(page.get_by_test_id("status")).to_have_text("Recevable", use_inner_text=True)

    page.locator("summary", has_text="Mettre à l'étude").click()
    page.get_by_role("button", name="Mettre à l'étude", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("À l'étude", use_inner_text=True)

    page.locator("summary", has_text="Déclarer faisable").click()
    page.get_by_label("Avis technique").fill("Réalisable avec des essences locales")
    page.get_by_label("Coût estimé (€ TTC)").fill("38 500,00")
    page.get_by_role("button", name="Déclarer faisable", exact=True).click()
    expect(page.get_by_test_id("status")).to_have_text("Faisable", use_inner_text=True)

    page.get_by_role("button", name="Soumettre au vote").click()
    page.get_by_role("button", name="Déclarer lauréate").click()
    expect(page.get_by_test_id("status")).to_have_text("Lauréate", use_inner_text=True)
    expect(page.get_by_test_id("progress")).to_have_text("25", use_inner_text=True)
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Soumise au vote → Lauréate" in timeline and "Camille Girard" in timeline
    assert_accessible(page)
    screenshot(page, "project-detail")

    project.refresh_from_db()
    assert project.status == ProjectStatus.WINNER and project.selected
    assert str(project.estimated_cost) == "38500.00"
    assert project.timeline.count() == 5

    page.goto("/projects/import/")
    assert_accessible(page)
    screenshot(page, "projects-import")

    for path in ("/projects/new/", "/projects/editions/", f"/projects/{project.pk}/edit/", "/"):
        page.goto(path)
        assert_accessible(page)
    screenshot(page, "dashboard-my-projects")


def test_directorate_answers_its_feasibility_task_from_the_inbox(page, mdo_officer, directorate_agent):
    from projects.services import TransitionData, project_transition

    project = ProjectFactory(
        title="Verger urbain Montchat",
        district=3,
        status=ProjectStatus.ADMISSIBLE,
        lead_directorate=directorate_agent.organisation,
    )
    project_transition(project=project, name="start_review", by=mdo_officer, data=TransitionData(open_review=True))
    login(page, "thomas", TEST_PASSWORD)
    assert page.get_by_test_id("task-count").inner_text().startswith("1")
    steps = Steps(page)
    steps.click(page.get_by_role("link", name="Mes tâches"))
    steps.click(page.get_by_role("link", name="Avis technique de faisabilité — Verger urbain Montchat"))
    assert_accessible(page)
    steps.check(page.get_by_label("Faisable", exact=True))
    steps.fill(page.get_by_label("Coût estimé (€ TTC)"), "22 000")
    steps.fill(page.get_by_label("Délai de réalisation (mois)"), "6")
    steps.click(page.get_by_role("button", name="Envoyer"))
    expect(page.get_by_test_id("verdict")).to_have_text("Faisable", use_inner_text=True)
    # The directorate's daily job, from the dashboard: the inbox, the task, the verdict, cost, delay, send.
    assert steps.count == 6, f"{steps.count} interactions"
    assert page.get_by_test_id("task-count").inner_text().startswith("0")
    screenshot(page, "project-review")
    assert_accessible(page)
