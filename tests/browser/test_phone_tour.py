"""Every page of the accessibility tour on a phone (390 px) and a desktop (1366 px), on the demo data, as
the MDO and as a town hall: the page itself never scrolls sideways (a wide table scrolls inside its own
frame). Screenshots in ``test-artifacts/tour-<role>-<page>-<width>.png``, to be looked at."""

import io

import pytest
from django.core.management import call_command

from mdo.models import User
from mdo.seed import DEMO_PASSWORD
from tests.browser.conftest import login, screenshot
from tests.browser.test_accessibility_tour import FORMS, MAIN_PAGES, _tour

pytestmark = pytest.mark.django_db(transaction=True)


#: The first element, in document order, whose right edge passes the window and which is not inside a
#: frame that scrolls by itself: what makes the page scroll.
_OUTERMOST_OVERFLOW = """() => {
    const scrolls = el => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
    for (const el of document.body.querySelectorAll('*')) {
        if (el.getBoundingClientRect().right <= window.innerWidth + 0.5) continue;
        let inside = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (scrolls(up)) { inside = true; break; }
        }
        if (!inside) {
            const name = el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '');
            return name + ' « ' + el.textContent.trim().slice(0, 60) + ' »';
        }
    }
    return '?';
}"""


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "accueil"


def test_no_page_of_the_tour_scrolls_sideways_at_phone_and_desktop_widths(page):
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    overflowing = []
    for username in ("mdo.manager", "mairie3.agent"):
        page.context.clear_cookies()
        login(page, username, DEMO_PASSWORD)
        checked = 0
        for path in _tour(User.objects.get(username=username)):
            for width in (390, 1366):
                page.set_viewport_size({"width": width, "height": 844})
                response = page.goto(path)
                if response.status != 200 or not page.url.endswith(path):
                    assert path in FORMS or "/orders/new/" in path, f"{username} : {path} → {response.status}"
                    break
                page_width, view_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                screenshot(page, f"tour-{username}-{_name(path)}-{width}")
                if page_width > view_width:  # every page is reported, with what sticks out first
                    culprit = page.evaluate(_OUTERMOST_OVERFLOW)
                    overflowing.append(f"{username} {path} à {width} px : {page_width} px de large ({culprit})")
                checked += 1
        assert checked >= 2 * len(MAIN_PAGES), username
    assert not overflowing, "La page défile horizontalement :\n" + "\n".join(overflowing)
