"""Sign-in through OpenID Connect against a real provider (the oidc-provider npm package, run by Node).

The Django test client plays the application's side; the agent's browser side at the provider
(its login form) is driven with ``requests``. The application talks to the provider itself:
discovery, token endpoint, JWKS, userinfo.
"""

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.urls import reverse

from mdo.enums import Role
from mdo.models import User
from tests.factories import TEST_PASSWORD, make_user
from tests.servers import AGENT_PASSWORD, use_oidc

pytestmark = pytest.mark.django_db
APP = "http://testserver"


@pytest.fixture
def provider(settings, oidc_provider_factory, directory_mapping):
    provider = oidc_provider_factory(APP)
    use_oidc(settings, provider)
    return provider


def at_provider(authorize_url: str, login: str, password: str = AGENT_PASSWORD) -> str:
    """The agent signs in on the provider's page; returns where the provider sends the browser back."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=10)
    action = re.search(r'action="([^"]+)"', page.text).group(1)
    response = browser.post(
        urljoin(page.url, action), data={"login": login, "password": password}, allow_redirects=False, timeout=10
    )
    while response.status_code in (302, 303) and not response.headers["Location"].startswith(APP):
        response = browser.get(urljoin(response.url, response.headers["Location"]), allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), response.text[:300]
    return response.headers["Location"]


def sign_in(client, login, password=AGENT_PASSWORD):
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    back = urlsplit(at_provider(start["Location"], login, password))
    return client.get(back.path, parse_qs(back.query)) if back.query else client.get(back.path)


def test_authorization_request_uses_pkce_state_and_nonce(client, provider):
    query = parse_qs(urlsplit(client.get(reverse("oidc_authentication_init"))["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["scope"] == ["openid email profile"]


def test_first_login_creates_the_agent_from_the_claims(client, provider, directory_mapping):
    response = sign_in(client, "camille.girard")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get(username="camille.girard")
    assert (user.first_name, user.last_name, user.email) == ("Camille", "Girard", "camille.girard@ville.test")
    assert user.roles == {Role.MDO_OFFICER} and user.organisation == directory_mapping["mdo"]
    assert client.get(reverse("dashboard")).status_code == 200


def test_town_hall_agent_gets_the_town_hall_from_the_department_claim(client, provider, directory_mapping):
    assert sign_in(client, "julien.moreau").status_code == 302
    user = User.objects.get(username="julien.moreau")
    assert user.roles == {Role.TOWN_HALL_AGENT} and user.organisation == directory_mapping["town_hall_3"]


def test_group_removed_at_the_provider_removes_the_role(client, provider, oidc_provider_factory):
    make_user(Role.DIRECTOR, None, username="thomas.petit")  # a role the directory no longer grants
    assert sign_in(client, "thomas.petit").status_code == 302
    assert User.objects.get(username="thomas.petit").roles == {Role.DIRECTORATE_AGENT}


def test_unmapped_agent_gets_the_french_page(client, provider):
    response = sign_in(client, "paul.sansrole")
    assert response.status_code == 403
    assert (
        "Votre compte n'a pas encore de rôle dans MDO Pilotage — contactez l'administrateur."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_disabled_account_is_refused(client, provider):
    response = sign_in(client, "nadia.desactivee")
    assert response.status_code == 302 and response["Location"] == reverse("sign_in_failed")
    assert "La connexion avec le compte de la Ville a échoué" in client.get(response["Location"]).content.decode()
    assert "_auth_user_id" not in client.session


def test_account_disabled_in_the_app_is_refused(client, provider):
    make_user(Role.MDO_OFFICER, None, username="camille.girard", is_active=False)
    response = sign_in(client, "camille.girard")
    assert response.status_code == 302 and response["Location"] == reverse("sign_in_failed")
    assert "_auth_user_id" not in client.session


def test_replayed_callback_is_refused(client, provider):
    start = client.get(reverse("oidc_authentication_init"))
    back = urlsplit(at_provider(start["Location"], "camille.girard"))
    assert client.get(back.path, parse_qs(back.query)).status_code == 302
    client.logout()
    assert client.get(back.path, parse_qs(back.query)).status_code in (302, 400)
    assert "_auth_user_id" not in client.session


def test_callback_with_a_state_this_browser_never_sent_is_refused(client, provider):
    from django.test import Client

    other_browser = Client()
    back = urlsplit(at_provider(other_browser.get(reverse("oidc_authentication_init"))["Location"], "camille.girard"))
    client.get(reverse("oidc_authentication_init"))  # this browser's own sign-in attempt, with its own state
    response = client.get(back.path, parse_qs(back.query))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="camille.girard").exists()


def test_id_token_issued_for_another_sign_in_attempt_is_refused(client, provider):
    start = client.get(reverse("oidc_authentication_init"))
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    back = urlsplit(at_provider(start["Location"], "camille.girard"))
    # The provider's ID token carries the nonce of this attempt; the session now expects another one.
    session = client.session
    session["oidc_states"][state]["nonce"] = "n" * 32
    session.save()
    response = client.get(back.path, parse_qs(back.query))
    assert response.status_code == 302 and response["Location"] == reverse("sign_in_failed")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username="camille.girard").exists()


class TamperingProxy(BaseHTTPRequestHandler):
    """Between the app and the token endpoint: changes the ID token's claims, keeps its signature."""

    target = ""
    tamper = True

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = requests.post(
            self.target, data=body, headers={"Content-Type": self.headers["Content-Type"]}, timeout=10
        )
        tokens = answer.json()
        if self.tamper:
            tokens["id_token"] = self.tampered(tokens["id_token"])
        data = json.dumps(tokens).encode()
        self.send_response(answer.status_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @staticmethod
    def tampered(id_token: str) -> str:
        header, payload, signature = id_token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = ["APP-MDO-Chargés"]
        claims["preferred_username"] = "admin"
        return ".".join(
            [header, base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode(), signature]
        )

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("tamper", [False, True])
def test_tampered_id_token_is_refused(client, provider, settings, tamper, monkeypatch):
    from mdo.directory import oidc_setting

    monkeypatch.setattr(TamperingProxy, "tamper", tamper)
    TamperingProxy.target = oidc_setting("OIDC_OP_TOKEN_ENDPOINT")
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), TamperingProxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{proxy.server_address[1]}/token"
    settings.OIDC_OP_USER_ENDPOINT = ""  # the claims come from the ID token alone
    try:
        response = sign_in(client, "paul.sansrole")
    finally:
        proxy.shutdown()
    if not tamper:  # the same path through the proxy, token untouched: the agent is known (no role)
        assert response.status_code == 403 and User.objects.filter(username="paul.sansrole").exists()
        return
    assert response.status_code == 302 and response["Location"] == reverse("sign_in_failed")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username__in=["admin", "paul.sansrole"]).exists()


def test_logout_ends_the_session_at_the_provider_too(client, provider):
    assert sign_in(client, "camille.girard").status_code == 302
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    end_session = urlsplit(response["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == provider.issuer
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == [f"{APP}{reverse('login')}"] and query["id_token_hint"]
    assert "_auth_user_id" not in client.session
    # The provider accepts the hint it signed: its logout confirmation page answers.
    assert requests.get(response["Location"], timeout=10).status_code == 200


def test_login_page_offers_the_city_account(client, provider):
    page = client.get(reverse("login")).content.decode()
    assert "Se connecter avec le compte de la Ville" in page


def test_no_city_button_without_provider(client):
    assert "Se connecter avec le compte de la Ville" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404


def test_local_passwords_off_except_break_glass(client, settings, town_hall_agent, admin_user):
    settings.LOCAL_PASSWORDS = False
    settings.BREAK_GLASS_USERNAME = admin_user.username
    response = client.post(reverse("login"), {"username": town_hall_agent.username, "password": TEST_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"username": admin_user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(admin_user.pk)


def test_throttling_still_works_for_local_passwords_with_a_provider(client, provider, town_hall_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": town_hall_agent.username, "password": "mauvais"})
    response = client.post(reverse("login"), {"username": town_hall_agent.username, "password": TEST_PASSWORD})
    assert response.status_code == 429


def test_provider_cannot_sign_in_as_the_break_glass_account(client, provider, settings):
    admin = make_user(Role.ADMIN, None, username="camille.girard", is_superuser=True, is_staff=True)
    settings.BREAK_GLASS_USERNAME = "camille.girard"
    response = sign_in(client, "camille.girard")
    assert response.status_code == 302 and response["Location"] == reverse("sign_in_failed")
    admin.refresh_from_db()
    assert admin.roles == {Role.ADMIN} and "_auth_user_id" not in client.session
