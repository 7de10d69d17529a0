"""The rich-text editor of the minutes, a project's description and a consultation's presentation and
scopes: formatting from the toolbar and the keyboard is kept as the sanitiser's HTML; markup typed as text
stays text (no script reaches a reader); the editor and its toolbar are named for assistive technology (axe)
and pass the Content-Security-Policy (the fixture fails on a violation); screenshots at 1366 and 390 px."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Minutes
from tests.browser.conftest import assert_accessible, login, screenshot
from tests.factories import TEST_PASSWORD, town_hall

pytestmark = pytest.mark.django_db(transaction=True)


def test_minutes_are_formatted_with_the_toolbar_and_typed_markup_stays_text(page, mdo_officer, town_hall_agent):
    from tests.meetings.factories import make_meeting

    meeting = make_meeting(
        mdo_officer,
        organisations=[town_hall(3)],
        agenda=["Point budgétaire"],
        start=timezone.now() - dt.timedelta(hours=3),
    )
    login(page, "camille", TEST_PASSWORD)
    page.goto(meeting.get_absolute_url())
    editor = page.get_by_role("textbox", name="Synthèse")
    editor.click()
    page.keyboard.type("Avancement ")
    page.keyboard.press("Control+b")
    page.keyboard.type("validé")
    page.keyboard.press("Control+b")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Liste à puces").first.click()
    page.keyboard.type('<img src=x onerror="document.title=1">')
    assert_accessible(page)
    screenshot(page, "minutes-richtext-editor")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le compte rendu").click()

    summary = Minutes.objects.get(meeting=meeting).summary
    assert summary.startswith("<p>Avancement <strong>validé</strong></p><ul><li>")
    assert "&lt;img src=x onerror=" in summary and "<img" not in summary
    shown = page.get_by_test_id("minutes-summary")
    assert shown.locator("strong").inner_text() == "validé"
    assert shown.locator("img").count() == 0 and '<img src=x onerror="document.title=1">' in shown.inner_text()
    assert page.title() != "1"
    # The saved text comes back into the editor, formatted.
    assert page.get_by_role("textbox", name="Synthèse").locator("strong").inner_text() == "validé"


def test_a_project_description_is_made_bold_with_the_toolbar_and_reads_bold_on_a_desktop_and_a_phone(page, mdo_officer):
    from playwright.sync_api import expect

    from projects.models import Project
    from tests.browser.test_finding import assert_no_horizontal_scroll
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(
        title="Bancs du square Sathonay", district=1, officer=mdo_officer, description="Trois bancs."
    )
    login(page, "camille", TEST_PASSWORD)
    page.goto(reverse("projects:edit", args=[project.pk]))
    editor = page.get_by_role("textbox", name="Description")
    # The older plain text comes into the editor as its paragraph.
    expect(editor).to_have_text("Trois bancs.")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" En ")
    page.get_by_role("button", name="Gras").first.click()
    page.keyboard.type("chêne massif")
    page.get_by_role("button", name="Gras").first.click()
    page.keyboard.type(", posés au printemps.")
    assert_accessible(page)
    screenshot(page, "project-description-editor-1366")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()

    assert Project.objects.get(pk=project.pk).description == (
        "<p>Trois bancs. En <strong>chêne massif</strong>, posés au printemps.</p>"
    )
    shown = page.get_by_test_id("project-description")
    expect(shown.locator("strong")).to_have_text("chêne massif")
    assert shown.locator("strong").evaluate("node => getComputedStyle(node).fontWeight") in ("700", "bold", "bolder")
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    screenshot(page, "project-description-shown-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(shown.locator("strong")).to_have_text("chêne massif")
    assert_no_horizontal_scroll(page)
    screenshot(page, "project-description-shown-390")
    page.goto(reverse("projects:edit", args=[project.pk]))
    expect(page.get_by_role("textbox", name="Description").locator("strong")).to_have_text("chêne massif")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    screenshot(page, "project-description-editor-390")


def test_a_consultations_three_long_texts_each_have_their_toolbar_and_read_formatted(page, mdo_officer):
    from playwright.sync_api import expect

    from consultations.models import Consultation
    from tests.browser.test_finding import assert_no_horizontal_scroll
    from tests.consultations.conftest import build_consultation

    consultation = build_consultation(mdo_officer, partners=[town_hall(3)])
    login(page, "camille", TEST_PASSWORD)
    page.goto(reverse("consultations:edit", args=[consultation.pk]))
    expect(page.get_by_role("toolbar")).to_have_count(3)
    page.get_by_role("textbox", name="Ce qui est ouvert à la concertation").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("Le mobilier")
    page.keyboard.press("Enter")
    page.get_by_role("toolbar", name="Mise en forme : Ce qui est ouvert à la concertation").get_by_role(
        "button", name="Liste à puces"
    ).click()
    page.keyboard.type("les jeux")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_horizontal_scroll(page)
    screenshot(page, "consultation-richtext-editor-390")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer").click()

    assert Consultation.objects.get(pk=consultation.pk).scope_open == "<p>Le mobilier</p><ul><li>les jeux</li></ul>"
    expect(page.get_by_test_id("scope-open").locator("li")).to_have_text("les jeux")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
