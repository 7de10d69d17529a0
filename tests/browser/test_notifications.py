"""The bell and the notification centre in a browser, at desktop and phone widths, checked by axe
(screenshots in ``test-artifacts/notifications-*.png``)."""

import re

import pytest
from playwright.sync_api import expect

from mdo.enums import Role
from notifications.services import notify
from tests.browser.conftest import assert_accessible, login, screenshot
from tests.factories import TEST_PASSWORD, directorate, make_user, mdo_organisation, town_hall
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_bell_and_notification_page_at_desktop_and_phone_widths(page):
    officer = make_user(
        Role.MDO_OFFICER, mdo_organisation(), username="camille", first_name="Camille", last_name="Girard"
    )
    agent = make_user(Role.TOWN_HALL_AGENT, town_hall(3), username="julien", first_name="Julien", last_name="Moreau")
    project = ProjectFactory(
        title="Végétalisation de la place Guichard",
        district=3,
        officer=officer,
        lead_directorate=directorate("Direction des Espaces verts"),
    )
    for verb in ("Nouveau statut : Recevable", "Camille Girard vous a mentionné·e dans le fil du projet"):
        notify(recipients=[agent], kind="project_status", verb=verb, target=project, actor=officer)
    login(page, "julien", TEST_PASSWORD)
    violations = []
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        if width < 992:
            page.get_by_role("button", name="Ouvrir le menu").click()
        bell = page.get_by_test_id("bell")
        # The phone menu unfolds with an animation: wait for the bell rather than read it at once.
        expect(bell).to_be_visible()
        expect(page.get_by_test_id("unread-count")).to_have_text(re.compile(r"^2"))
        bell.click()
        expect(page.locator("h1")).to_have_text("Notifications")
        expect(page.get_by_test_id("notification")).to_have_count(2)
        link = page.get_by_role("link", name="Végétalisation de la place Guichard").first
        assert link.get_attribute("href") == project.get_absolute_url()
        try:
            assert_accessible(page)
        except AssertionError as error:
            violations.append(f"{width}px : {error}")
        screenshot(page, f"notifications-list-{width}")
    assert not violations, "\n\n".join(violations)

    # Mark one read, then all: the bell follows.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Marquer comme lue : Nouveau statut : Recevable").click()
    expect(page.get_by_test_id("unread-count")).to_have_text(re.compile(r"^1"), use_inner_text=True)
    page.get_by_test_id("read-all").click()
    expect(page.get_by_test_id("unread-count")).to_have_text(re.compile(r"^0"), use_inner_text=True)
    assert_accessible(page)

    # The project page's follow button and the preferences of the profile page pass axe too.
    page.goto(project.get_absolute_url())
    page.get_by_test_id("follow-button").click()
    expect(page.get_by_test_id("follow-button")).to_have_text("Ne plus suivre", use_inner_text=True)
    assert_accessible(page)
    page.goto(f"/personnes/{agent.pk}/")
    page.get_by_test_id("notification-preferences").get_by_label("Par e-mail aussitôt").first.check()
    assert_accessible(page)
    screenshot(page, "notifications-preferences-1366")
