import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/", "/organisations/", "/projects/", "/budgets/", "/vendors/", "/meetings/", "/admin/"]
)
def test_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(("/accounts/login/", "/admin/login/"))


def test_login_page_is_public_and_french(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Connexion à MDO Pilotage" in response.text
    assert 'lang="fr"' in response.text


def test_login_then_dashboard_shows_name_and_organisation(client, town_hall_agent):
    response = client.post(reverse("login"), {"username": "julien", "password": TEST_PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "Mon tableau de bord" in response.text
    assert "Julien" in response.text
    assert "Mairie du 3e" in response.text


def test_wrong_password_gives_a_french_message(client, town_hall_agent):
    response = client.post(reverse("login"), {"username": "julien", "password": "mauvais"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.text


def test_repeated_failed_logins_lock_the_account(client, town_hall_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "julien", "password": "mauvais"})
    # Even the right password is refused while locked.
    response = client.post(reverse("login"), {"username": "julien", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username(client, town_hall_agent, other_town_hall_agent, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "julien", "password": "mauvais"})
    response = client.post(reverse("login"), {"username": "sophie", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_logout_needs_post_and_ends_the_session(client, town_hall_agent):
    client.force_login(town_hall_agent)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_french_email(client, town_hall_agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # written to the outbox, delivered after commit
        response = client.post(reverse("password_reset"), {"email": town_hall_agent.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Choisissez un nouveau mot de passe" in mail.outbox[0].body


def test_password_change(client, town_hall_agent):
    client.force_login(town_hall_agent)
    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Nouveau-mdp-2026!", "new_password2": "Nouveau-mdp-2026!"},
    )
    assert response.status_code == 302
    town_hall_agent.refresh_from_db()
    assert town_hall_agent.check_password("Nouveau-mdp-2026!")
