"""The indicator pages in a browser: axe on the charts, the data table a click away, screenshots at
desktop and phone widths (``test-artifacts/indicators-*.png``)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from mdo.seed import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["participation", "livraison", "budget", "prestataires"]


def test_indicator_pages_and_dashboards_are_accessible_at_desktop_and_phone_widths_and_by_keyboard(page):
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    violations = []
    for username in ("mdo.manager", "mairie3.agent", "dev.agent"):
        page.context.clear_cookies()
        login(page, username, DEMO_PASSWORD)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for path in [f"/indicateurs/{key}/" for key in PAGES] + ["/"]:
                assert page.goto(path).status == 200
                charts = page.locator("img.indicator-chart")
                assert charts.count() >= 2, path
                # Every chart has its words and its table: the table opens with one click.
                first = page.locator("figure.indicator-figure").first
                assert first.locator("img").get_attribute("alt")
                first.locator("summary").click()
                expect(first.locator("table")).to_be_visible()
                try:
                    assert_accessible(page)
                except AssertionError as error:
                    violations.append(f"{username} {width}px : {error}")
                name = path.strip("/").replace("indicateurs/", "") or "tableau-de-bord"
                screenshot(page, f"indicators-{username}-{name}-{width}")
        page.set_viewport_size({"width": 1366, "height": 900})
    assert not violations, "\n\n".join(violations)

    # The filters and the theme tabs work from the keyboard, and the tabs keep the filter.
    page.context.clear_cookies()
    login(page, "mdo.manager", DEMO_PASSWORD)
    page.goto("/indicateurs/participation/")
    page.get_by_label("Arrondissement", exact=True).select_option("3")
    page.get_by_role("button", name="Filtrer").press("Enter")
    page.wait_for_url(re.compile(r"district=3"))
    expect(page.get_by_test_id("indicator-scope")).to_contain_text("Lyon 3e", use_inner_text=True)
    tab = page.get_by_role("link", name="Exécution budgétaire")
    tab.focus()
    tab.press("Enter")
    page.wait_for_url(re.compile(r"/indicateurs/budget/.*district=3"))

    # « Planning », from the projects list with its filter: bars and diamonds reached with Tab.
    page.goto("/projects/?district=3")
    page.get_by_role("link", name="Planning", exact=True).click()
    page.wait_for_url(re.compile(r"/projects/planning/.*district=3"))
    bars = page.locator("a.gantt-bar")
    assert bars.count() > 0 and page.locator("a.gantt-bar.late").count() > 0
    bars.first.focus()
    assert "prévue du" in page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith(("gantt-bar", "gantt-diamond"))
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
        screenshot(page, f"planning-mdo.manager-{width}")
    page.emulate_media(media="print")
    screenshot(page, "planning-mdo.manager-impression")
