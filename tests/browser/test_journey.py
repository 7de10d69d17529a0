import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, screenshot
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_dashboard_logout_journey(page, town_hall_agent):
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert_accessible(page)

    login(page, "julien", TEST_PASSWORD)
    expect(page.get_by_role("heading", name="Mon tableau de bord")).to_be_visible()
    expect(page.get_by_test_id("greeting")).to_contain_text("Julien", use_inner_text=True)
    expect(page.get_by_test_id("current-user")).to_contain_text("Mairie du 3e", use_inner_text=True)
    screenshot(page, "dashboard")
    assert_accessible(page)

    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_skip_link_moves_focus_to_content(page, town_hall_agent):
    login(page, "julien", TEST_PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


@pytest.mark.parametrize("path", ["/organisations/", "/accounts/password_change/"])
def test_core_pages_are_accessible(page, mdo_officer, path):
    login(page, "camille", TEST_PASSWORD)
    page.goto(path)
    assert_accessible(page)


def test_wrong_password_message_is_accessible(page, town_hall_agent):
    login(page, "julien", "mauvais")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
