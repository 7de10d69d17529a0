import datetime as dt
import io
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from meetings.models import Meeting
from tests.browser.conftest import assert_accessible, login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_runs_a_bimonthly_series_and_the_manager_approves_the_minutes(
    page, mdo_officer, mdo_manager, town_hall_agent
):
    login(page, "camille", TEST_PASSWORD)
    page.goto("/meetings/")
    assert_accessible(page)
    page.get_by_role("link", name="Nouvelle série").click()
    first_day = timezone.localdate() + dt.timedelta(days=14)
    page.get_by_label("Date de la première réunion").fill(first_day.isoformat())
    page.get_by_label("Heure de début").fill("09:30")
    page.get_by_label("Lieu").fill("Hôtel de Ville, salle Henri IV")
    page.get_by_role("combobox", name="Organisations invitées (tous leurs agents)").click()
    page.keyboard.type("3e", delay=30)
    page.locator(".ts-dropdown .option", has_text="Mairie du 3e").first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('#id_organisations').selectedOptions.length === 1")
    page.keyboard.press("Escape")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("body")).to_contain_text("Série créée : 6 réunions")

    # The agenda, then the attendance and the minutes of the first occurrence.
    page.get_by_role("link", name="Ajouter un point").click()
    assert_accessible(page)
    page.get_by_label("Intitulé du point").fill("Budget participatif : avancement des lauréats")
    page.get_by_role("button", name="Ajouter le point").click()
    expect(page.get_by_test_id("agenda-title").first).to_have_text(
        "Budget participatif : avancement des lauréats", use_inner_text=True
    )
    # What the page did from here: the navigations and the form's own submissions, for a failure message.
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    presence = page.get_by_label("Présence de Julien Moreau")
    presence.select_option(label="Présent·e")
    expect(presence).to_have_value("present")
    with (
        page.expect_request(lambda request: request.method == "POST" and "/presence" in request.url) as sent,
        page.expect_navigation(),
    ):
        page.get_by_role("button", name="Enregistrer la présence").click()
    expect(page.locator("body")).to_contain_text("Feuille de présence enregistrée")
    held = Meeting.objects.get(pk=int(page.url.split("/meetings/", 1)[1].split("/", 1)[0]))
    assert held.status == "held", (
        held.pk,
        held.status,
        list(held.attendees.values_list("pk", "user__username", "status")),
        sent.value.url,
        sent.value.post_data,
        navigations,
        list(held.agenda_items.values_list("title", flat=True)),
    )
    expect(page.get_by_test_id("meeting-status")).to_have_text("Tenue", use_inner_text=True)
    page.get_by_role("textbox", name="Synthèse").fill("Les mairies partagent l'avancement de leurs projets.")
    page.get_by_role("textbox", name="Notes : Budget participatif").fill("Douze projets sont en travaux.")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    page.get_by_text("Ajouter une décision").click()
    page.locator("#id_decision-text").fill("Le calendrier de la deuxième édition est adopté.")
    page.get_by_role("button", name="Ajouter la décision").click()
    page.get_by_text("Ajouter une action").click()
    page.get_by_label("Action à mener").fill("Envoyer la liste des idées recevables")
    page.get_by_label("Responsable").select_option(label="Julien Moreau (Mairie du 3e)")
    page.get_by_role("button", name="Ajouter l'action").click()
    page.get_by_role("button", name="Soumettre à la relecture").click()
    expect(page.get_by_test_id("minutes-status")).to_have_text("En relecture", use_inner_text=True)
    screenshot(page, "meetings-detail-review")
    assert_accessible(page)
    meeting_url = page.url.split("#")[0]

    # The manager approves; the PDF downloads.
    page.context.clear_cookies()
    login(page, "nadia", TEST_PASSWORD)
    page.goto(meeting_url)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_test_id("minutes-status")).to_have_text("Validé", use_inner_text=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("minutes-pdf").click()
    download = download_info.value
    assert download.suggested_filename == f"compte-rendu-{first_day:%Y-%m-%d}.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages)
    assert "Budget participatif : avancement des lauréats" in text
    assert "Le calendrier de la deuxième édition est adopté." in text
    screenshot(page, "meetings-detail-approved")
    assert_accessible(page)

    for path in (
        "/meetings/calendrier/?mois=" + f"{first_day:%Y-%m}",
        "/calendar/",
        "/meetings/decisions/",
        "/meetings/mes-actions/",
        "/",
    ):
        page.goto(path)
        assert_accessible(page)
        screenshot(page, "meetings-" + (path.strip("/").split("?")[0].replace("/", "-") or "dashboard"))


def test_month_view_keeps_contrast_on_the_days_of_the_neighbouring_months(page, mdo_officer):
    """Meetings drawn on the grey cells of the previous and next months stay readable (axe colour-contrast)."""
    import calendar as pycalendar

    from tests.meetings.factories import make_meeting

    # The first month from today whose grid shows days of both neighbouring months.
    first = timezone.localdate().replace(day=1)
    while True:
        weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        if weeks[0][0].month != first.month and weeks[-1][-1].month != first.month:
            break
        first = (first + dt.timedelta(days=32)).replace(day=1)
    for day in (weeks[0][0], first + dt.timedelta(days=9), weeks[-1][-1]):
        start = dt.datetime.combine(day, dt.time(14, 0), tzinfo=timezone.get_current_timezone())
        make_meeting(mdo_officer, start=start, title=f"COPIL du {day:%d/%m}")

    login(page, "camille", TEST_PASSWORD)
    page.goto(f"/meetings/calendrier/?mois={first:%Y-%m}")
    for day in (weeks[0][0], weeks[-1][-1]):
        link = page.get_by_role("link", name=f"14:00 COPIL du {day:%d/%m}")
        expect(link).to_be_visible()
        assert link.locator("xpath=ancestor::td").get_attribute("class").endswith("calendar-outside")
    assert_accessible(page)
    screenshot(page, "meetings-calendar-neighbouring-months")
