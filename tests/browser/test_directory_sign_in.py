"""Agents sign in through the real login page with the city's directory: OIDC provider and OpenLDAP."""

import threading
from http.server import ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from mdo.enums import Role
from mdo.models import User
from tests.browser.conftest import assert_accessible, screenshot
from tests.mdo.test_oidc import TamperingProxy
from tests.projects.factories import ProjectFactory
from tests.servers import AGENT_PASSWORD, directory_mapping, ldap_server, oidc_provider_factory, use_ldap, use_oidc  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(settings, live_server, oidc_provider_factory, directory_mapping):
    provider = oidc_provider_factory(live_server.url)
    use_oidc(settings, provider)
    return provider


@pytest.fixture
def projects(db):
    return ProjectFactory(title="Jardin partagé du 3e", district=3), ProjectFactory(title="Skatepark du 5e", district=5)


def sign_in_with_the_city_account(page, login: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Se connecter avec le compte de la Ville").click()
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(AGENT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Valider").click()


def test_town_hall_agent_signs_in_with_the_city_account_and_sees_their_district(
    page, provider, projects, directory_mapping
):
    page.goto("/accounts/login/")
    assert_accessible(page)
    sign_in_with_the_city_account(page, "julien.moreau")
    expect(page.get_by_role("heading", name="Mon tableau de bord")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("Mairie du 3e", use_inner_text=True)
    user = User.objects.get(username="julien.moreau")
    assert user.roles == {Role.TOWN_HALL_AGENT} and user.organisation == directory_mapping["town_hall_3"]
    page.goto("/projects/")
    assert page.get_by_text("Jardin partagé du 3e").count() == 1
    assert page.get_by_text("Skatepark du 5e").count() == 0
    screenshot(page, "sign-in-city-account")

    # Logging out ends the session at the provider too, which sends the agent back to the login page.
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="Se déconnecter").click()
    page.locator("button[name=logout]").click()
    page.wait_for_url("**/accounts/login/")
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_mdo_officer_signs_in_and_sees_every_district(page, provider, projects):
    sign_in_with_the_city_account(page, "camille.girard")
    page.goto("/projects/")
    assert page.get_by_text("Jardin partagé du 3e").count() == 1 and page.get_by_text("Skatepark du 5e").count() == 1


def test_unmapped_agent_sees_the_french_page(page, provider):
    sign_in_with_the_city_account(page, "paul.sansrole")
    assert (
        "Votre compte n'a pas encore de rôle dans MDO Pilotage — contactez l'administrateur."
        in page.get_by_test_id("no-role").inner_text()
    )
    assert_accessible(page)
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_disabled_account_is_refused_by_the_provider(page, provider):
    sign_in_with_the_city_account(page, "nadia.desactivee")
    expect(page.get_by_test_id("sign-in-failed")).to_be_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_tampered_id_token_is_refused(page, provider, settings, monkeypatch):
    from mdo.directory import oidc_setting

    monkeypatch.setattr(TamperingProxy, "tamper", True)
    TamperingProxy.target = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), TamperingProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{proxy.server_address[1]}/token"
    settings.OIDC_OP_USER_ENDPOINT = ""
    try:
        sign_in_with_the_city_account(page, "paul.sansrole")
    finally:
        proxy.shutdown()
    expect(page.get_by_test_id("sign-in-failed")).to_be_visible()
    assert not User.objects.filter(username__in=["admin", "paul.sansrole"]).exists()


@pytest.fixture
def ldap(settings, ldap_server, directory_mapping):
    use_ldap(settings, ldap_server)
    return ldap_server


def sign_in_with_the_directory_password(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(AGENT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()


def test_directorate_agent_signs_in_with_ldap_and_lands_in_the_directorate(page, ldap, directory_mapping):
    sign_in_with_the_directory_password(page, "thomas.petit")
    expect(page.get_by_role("heading", name="Mon tableau de bord")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("Direction des Espaces verts", use_inner_text=True)


def test_ldap_removed_group_removes_the_role(page, ldap):
    sign_in_with_the_directory_password(page, "lucie.roux")
    expect(page.get_by_test_id("current-user")).to_contain_text("Mairie du 5e", use_inner_text=True)
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="Se déconnecter").click()
    ldap.modify(
        "dn: cn=APP-MDO-Mairies,ou=groups,dc=ville,dc=test\nchangetype: modify\ndelete: member\n"
        "member: uid=lucie.roux,ou=people,dc=ville,dc=test\n"
    )
    try:
        sign_in_with_the_directory_password(page, "lucie.roux")
        expect(page.get_by_test_id("no-role")).to_be_visible()
    finally:
        ldap.modify(
            "dn: cn=APP-MDO-Mairies,ou=groups,dc=ville,dc=test\nchangetype: modify\nadd: member\n"
            "member: uid=lucie.roux,ou=people,dc=ville,dc=test\n"
        )


def test_ldap_locked_account_is_refused(page, ldap):
    sign_in_with_the_directory_password(page, "nadia.benali")
    expect(page.get_by_role("alert")).to_be_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url
