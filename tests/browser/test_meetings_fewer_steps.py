"""The network's daily meeting job in the browser, interactions counted: a bimonthly series with five
agenda points and two organisations invited in at most twenty; the minutes typed survive adding a
decision; leaving with unsaved text warns; a feasibility opinion cannot be sent without choosing."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Minutes
from tests.browser.conftest import assert_accessible, login, screenshot
from tests.factories import TEST_PASSWORD, directorate, town_hall

pytestmark = pytest.mark.django_db(transaction=True)

POINTS = [
    "Tour de table des mairies",
    "Budget participatif : avancement",
    "Consultations en cours",
    "Calendrier des conseils de quartier",
    "Questions diverses",
]


class Steps:
    """Counts what the user does: each navigation, click, fill, check or choice is one interaction."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def goto(self, url):
        self.count += 1
        self.page.goto(url)

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, locator, value):
        self.count += 1
        locator.fill(value)

    def check(self, locator):
        self.count += 1
        locator.check()

    def pick(self, label, typed, shown):
        """A type-ahead picker: a click into it, the typing, Enter on the choice (three interactions)."""
        self.click(self.page.get_by_role("combobox", name=label))
        self.count += 1
        self.page.keyboard.type(typed, delay=30)
        self.page.locator(".ts-dropdown .option", has_text=shown).first.wait_for()
        self.count += 1
        self.page.keyboard.press("Enter")
        self.page.keyboard.press("Escape")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _look_at_both_widths(page, name):
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
        assert _no_horizontal_scroll(page), f"{name} défile horizontalement à {width} px"
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_bimonthly_meeting_with_five_points_and_two_organisations_in_twenty_interactions(
    page, mdo_officer, town_hall_agent, directorate_agent
):
    directorate("Direction de la Voirie")  # more than the two invited, as in the city
    login(page, "camille", TEST_PASSWORD)
    steps = Steps(page)
    steps.goto("/meetings/")
    steps.click(page.get_by_role("link", name="Nouvelle série"))
    first_day = timezone.localdate() + dt.timedelta(days=14)
    steps.fill(page.get_by_label("Date de la première réunion"), first_day.isoformat())
    steps.fill(page.get_by_label("Lieu"), "Hôtel de Ville, salle Henri IV")
    for number, title in enumerate(POINTS, 1):
        steps.fill(page.get_by_label(f"Point {number}", exact=True), title)
    steps.pick("Organisations invitées (tous leurs agents)", "3e", "Mairie du 3e")
    steps.pick("Organisations invitées (tous leurs agents)", "espaces", "Direction des Espaces verts")
    page.wait_for_function("() => document.querySelector('#id_organisations').selectedOptions.length === 2")
    assert_accessible(page)
    _look_at_both_widths(page, "meetings-series-one-page")
    steps.click(page.get_by_role("button", name="Enregistrer"))
    expect(page.locator("body")).to_contain_text("Série créée : 6 réunions")
    assert steps.count <= 20, f"{steps.count} interactions"
    assert page.get_by_test_id("agenda-title").all_inner_texts() == POINTS
    assert page.locator("#presence").inner_text() == "Participant·e·s (2)"  # one agent per organisation invited
    assert "Julien Moreau" in page.content()
    _look_at_both_widths(page, "meetings-series-first-occurrence")
    assert_accessible(page)

    # The next one in two months, duplicated: only the date is typed.
    steps = Steps(page)
    steps.click(page.get_by_role("link", name="Dupliquer"))
    steps.fill(page.locator("#id_day"), (first_day + dt.timedelta(days=61)).isoformat())
    steps.click(page.get_by_role("button", name="Enregistrer"))
    expect(page.locator("body")).to_contain_text("Réunion créée")
    assert steps.count == 3
    assert page.get_by_test_id("agenda-title").all_inner_texts() == POINTS


def test_the_minutes_typed_survive_adding_a_decision_and_leaving_warns(page, mdo_officer, town_hall_agent):
    from tests.meetings.factories import make_meeting

    meeting = make_meeting(
        mdo_officer,
        organisations=[town_hall(3)],
        agenda=["Point budgétaire"],
        start=timezone.now() - dt.timedelta(hours=3),
    )
    login(page, "camille", TEST_PASSWORD)
    page.goto(meeting.get_absolute_url())
    page.get_by_role("textbox", name="Synthèse").click()
    page.get_by_role("textbox", name="Synthèse").fill("Les mairies présentent l'avancement de leurs projets.")
    page.get_by_text("Ajouter une décision").click()
    page.locator("#id_decision-text").fill("Le calendrier est adopté.")
    page.get_by_role("button", name="Ajouter la décision").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Le calendrier est adopté.", use_inner_text=True)
    assert (
        Minutes.objects.get(meeting=meeting).summary == "<p>Les mairies présentent l'avancement de leurs projets.</p>"
    )
    assert "Les mairies présentent" in page.get_by_role("textbox", name="Synthèse").inner_text()
    assert not [d for d in page.dialogs if d[0] == "beforeunload"]  # sending the form does not warn

    # Typed but not saved: leaving the page asks first.
    page.get_by_role("textbox", name="Synthèse").click()
    page.get_by_role("textbox", name="Synthèse").fill("Un ajout pas encore enregistré")
    page.goto("/meetings/")
    assert [d for d in page.dialogs if d[0] == "beforeunload"]


def test_an_opinion_cannot_be_sent_without_choosing(page, mdo_officer, town_hall_agent, directorate_agent):
    from projects.enums import ProjectStatus
    from projects.services import TransitionData, project_transition
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(
        title="Verger urbain Montchat",
        district=3,
        status=ProjectStatus.ADMISSIBLE,
        lead_directorate=directorate_agent.organisation,
    )
    project_transition(project=project, name="start_review", by=mdo_officer, data=TransitionData(open_review=True))
    login(page, "julien", TEST_PASSWORD)
    page.goto("/tasks/")
    page.get_by_role("link", name="Avis de la mairie d'arrondissement — Verger urbain Montchat").click()
    assert not page.get_by_label("Favorable", exact=True).is_checked()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("body")).to_contain_text("Choisissez l'avis de la mairie.")
    page.get_by_label("Défavorable").check()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("body")).to_contain_text("le commentaire est obligatoire")
    assert page.get_by_label("Défavorable").is_checked()
    page.get_by_label("Commentaire").fill("Le square vient d'être rénové.")
    page.get_by_role("button", name="Envoyer").click()
    assert (
        "confirm",
        "Envoyer cette réponse ? Vous pourrez la corriger tant que la MDO n'a pas rendu sa décision.",
    ) in page.dialogs
    expect(page.locator("body")).to_contain_text("Tâche terminée")
    assert_accessible(page)
