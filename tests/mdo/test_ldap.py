"""Sign-in through LDAP against a real OpenLDAP (slapd started by the tests, agents from agents.ldif)."""

import pytest
from django.urls import reverse

from mdo.enums import Role
from mdo.models import User
from tests.projects.factories import ProjectFactory
from tests.servers import AGENT_PASSWORD, use_ldap

pytestmark = pytest.mark.django_db


@pytest.fixture
def ldap(settings, ldap_server, directory_mapping):
    use_ldap(settings, ldap_server)
    return ldap_server


def sign_in(client, username, password=AGENT_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_first_login_creates_the_agent_with_role_and_organisation(client, ldap, directory_mapping):
    response = sign_in(client, "camille.girard")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get(username="camille.girard")
    assert (user.first_name, user.last_name, user.email) == ("Camille", "Girard", "camille.girard@ville.test")
    assert user.roles == {Role.MDO_OFFICER}
    assert user.organisation == directory_mapping["mdo"]
    assert not user.has_usable_password() or not user.check_password(AGENT_PASSWORD)


def test_town_hall_agent_gets_the_district_from_the_department_attribute(client, ldap, directory_mapping):
    ProjectFactory(title="Jardin partagé du 3e", district=3)
    ProjectFactory(title="Skatepark du 5e", district=5)
    assert sign_in(client, "julien.moreau").status_code == 302
    user = User.objects.get(username="julien.moreau")
    assert user.roles == {Role.TOWN_HALL_AGENT}
    assert user.organisation == directory_mapping["town_hall_3"]
    page = client.get(reverse("projects:index")).content.decode()
    assert "Jardin partagé du 3e" in page and "Skatepark du 5e" not in page


def test_nested_group_gives_the_directorate_role(client, ldap, directory_mapping):
    assert sign_in(client, "thomas.petit").status_code == 302
    user = User.objects.get(username="thomas.petit")
    assert user.roles == {Role.DIRECTORATE_AGENT}
    assert user.organisation == directory_mapping["dev"]


def test_removed_group_loses_the_role_at_next_login(client, ldap, directory_mapping):
    assert sign_in(client, "lucie.roux").status_code == 302
    assert User.objects.get(username="lucie.roux").roles == {Role.TOWN_HALL_AGENT}
    client.logout()
    ldap.modify(
        "dn: cn=APP-MDO-Mairies,ou=groups,dc=ville,dc=test\nchangetype: modify\ndelete: member\n"
        "member: uid=lucie.roux,ou=people,dc=ville,dc=test\n"
    )
    try:
        response = sign_in(client, "lucie.roux")
    finally:
        ldap.modify(
            "dn: cn=APP-MDO-Mairies,ou=groups,dc=ville,dc=test\nchangetype: modify\nadd: member\n"
            "member: uid=lucie.roux,ou=people,dc=ville,dc=test\n"
        )
    assert response.status_code == 403
    assert (
        "Votre compte n'a pas encore de rôle dans MDO Pilotage — contactez l'administrateur."
        in response.content.decode()
    )
    assert User.objects.get(username="lucie.roux").roles == frozenset()
    assert "_auth_user_id" not in client.session


def test_unmapped_agent_gets_the_french_page_and_no_session(client, ldap):
    response = sign_in(client, "paul.durand")
    assert response.status_code == 403
    assert (
        "Votre compte n'a pas encore de rôle dans MDO Pilotage — contactez l'administrateur."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302


def test_locked_directory_account_is_refused(client, ldap):
    response = sign_in(client, "nadia.benali")
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused(client, ldap):
    assert sign_in(client, "camille.girard", "mauvais").status_code == 200
    assert "_auth_user_id" not in client.session


def test_account_disabled_in_the_app_is_refused_even_with_the_right_password(client, ldap):
    assert sign_in(client, "camille.girard").status_code == 302
    client.logout()
    User.objects.filter(username="camille.girard").update(is_active=False)
    assert sign_in(client, "camille.girard").status_code == 200
    assert "_auth_user_id" not in client.session


def test_ldaps_without_starttls(client, settings, ldap_server, directory_mapping):
    use_ldap(settings, ldap_server, LDAP_SERVER_URI=ldap_server.ldaps_uri, LDAP_START_TLS="0")
    assert sign_in(client, "camille.girard").status_code == 302


def test_untrusted_certificate_is_refused(client, settings, ldap_server, directory_mapping, tmp_path):
    from tests.servers import make_tls_certificate

    other_ca, _ = make_tls_certificate(tmp_path)
    use_ldap(settings, ldap_server, LDAP_CA_CERT_FILE=str(other_ca))
    assert sign_in(client, "camille.girard").status_code == 200
    assert not User.objects.filter(username="camille.girard").exists()


def test_throttling_still_locks_after_repeated_failures(client, ldap, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "camille.girard", "mauvais")
    response = sign_in(client, "camille.girard")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_page_says_to_use_the_city_account(client, ldap):
    assert (
        "Identifiez-vous avec votre identifiant et votre mot de passe de la Ville"
        in client.get(reverse("login")).content.decode()
    )
