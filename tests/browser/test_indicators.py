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

#: For each chart: the drawing loaded, the wide one, the narrow one, the width shown, the drawing's
#: width in units and its smallest font size (read from the loaded SVG itself).
CHARTS_LOADED = r"""() => [...document.querySelectorAll('img.indicator-chart')].map((img) => {
    // Read as text: parsing the drawing into a document would apply its <style>, which the page's
    // Content-Security-Policy (rightly) refuses.
    const svg = atob(img.currentSrc.split(',')[1]);
    const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((match) => parseFloat(match[1]));
    return {
        key: img.dataset.chart,
        current: img.currentSrc,
        wide: img.src,
        narrow: img.parentElement.querySelector('source').srcset,
        shown: img.getBoundingClientRect().width,
        units: parseFloat(svg.match(/viewBox="([^"]+)"/)[1].split(' ')[2]),
        smallest: Math.min(...sizes),
    };
})"""


def assert_charts_fit(page, width: int) -> None:
    """A phone loads the narrow drawing, with text of 11 CSS pixels or more, and nothing scrolls sideways."""
    charts = page.evaluate(CHARTS_LOADED)
    assert charts, page.url
    for chart in charts:
        if width <= 600:
            assert chart["current"] == chart["narrow"] != chart["wide"], chart["key"]
            assert chart["shown"] * chart["smallest"] / chart["units"] >= 11, (page.url, chart["key"], chart)
        else:
            assert chart["current"] == chart["wide"], chart["key"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


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
                # The colours are said in words beside the drawing too, whatever the width.
                expect(first.locator("ul.chart-legend li").first).to_be_visible()
                assert_charts_fit(page, width)
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
