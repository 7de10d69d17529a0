"""Journey: an officer submits a line, the manager approves it from « Mes tâches », the officer sees it approved.
The manager's daily job, from the dashboard to the decision, is counted in interactions."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, screenshot
from tests.browser.test_meetings_fewer_steps import Steps
from tests.budgets.factories import make_line
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page):
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/accounts/login/")


def test_officer_submits_manager_approves_from_the_inbox(page, mdo_officer, mdo_manager):
    line = make_line(mdo_officer, label="Bancs de la place Sathonay", amount_ht="8400")

    login(page, "camille", TEST_PASSWORD)
    page.goto("/budgets/lines/new/")
    assert_accessible(page)
    page.goto("/budgets/")
    assert_accessible(page)
    page.get_by_role("link", name="Bancs de la place Sathonay").click()
    page.get_by_role("button", name="Soumettre pour validation").click()
    expect(page.get_by_test_id("line-status")).to_have_text("Soumise", use_inner_text=True)
    assert_accessible(page)
    _logout(page)

    login(page, "nadia", TEST_PASSWORD)
    assert page.get_by_test_id("task-count").inner_text().startswith("1")
    steps = Steps(page)
    steps.click(page.get_by_role("link", name="Mes tâches"))
    assert_accessible(page)
    screenshot(page, "budgets-inbox")
    steps.click(page.get_by_role("link", name="Bancs de la place Sathonay (2026)"))
    expect(page.get_by_role("heading", name="Validation par la Responsable MDO")).to_be_visible()
    assert_accessible(page)
    steps.click(page.get_by_role("button", name="Prendre la tâche"))
    steps.check(page.get_by_label("Approuvée"))
    steps.fill(page.get_by_label("Motif ou commentaire"), "Conforme au chiffrage de la direction.")
    screenshot(page, "budgets-task")
    steps.click(page.get_by_role("button", name="Enregistrer la décision"))
    expect(page.get_by_role("alert").first).to_contain_text("Décision enregistrée", use_inner_text=True)
    # From the dashboard: the inbox, the task, take it, the answer, the reason, send.
    assert steps.count == 6, f"{steps.count} interactions"
    expect(page.get_by_test_id("task-count")).to_have_text(re.compile(r"^0"), use_inner_text=True)
    _logout(page)

    login(page, "camille", TEST_PASSWORD)
    page.goto(line.get_absolute_url())
    expect(page.get_by_test_id("line-status")).to_have_text("Approuvée", use_inner_text=True)
    expect(page.get_by_text("Conforme au chiffrage de la direction.")).to_be_visible()
    screenshot(page, "budgets-line-approved")
    assert_accessible(page)
    page.goto("/budgets/summary/")
    screenshot(page, "budgets-summary")
    assert_accessible(page)
