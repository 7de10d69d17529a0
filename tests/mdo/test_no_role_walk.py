"""A signed-in agent whose directory groups map to no role reads the no-role page on every page.

The walk reads the URL configuration: a page added later is walked without being listed here. Only
the exemptions are listed, by hand, so that a new one is a decision seen in review.
"""

import html
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from mdo.enums import Role
from mdo.models import Organisation
from tests.factories import make_user, mdo_organisation, town_hall
from tests.meetings.factories import make_meeting
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

NO_ROLE_TEXT = "Votre compte n'a pas encore de rôle dans MDO Pilotage — contactez l'administrateur."

# Public without signing in (login_not_required): the same answer signed in, role or not.
PUBLIC = {
    "healthz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "projects:open_data",
    "projects:open_data_json",
    "projects:open_data_csv",
    "meetings:guest_ics",
    "meetings:personal_feed",
    "meetings:token_network_feed",
    "meetings:token_organisation_feed",
    "consultations:open_data_bilans",
}
# What an agent without a role still needs: to sign out, to read why a sign-in was refused, to change
# a local password, and to sign in again through the city's provider once the groups are mapped.
FOR_THE_AGENT_WITHOUT_ROLE = {
    "logout",
    "sign_in_failed",
    "password_change",
    "password_change_done",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "oidc_authentication_init",
    "oidc_authentication_callback",
}
EXEMPT = PUBLIC | FOR_THE_AGENT_WITHOUT_ROLE

# Values of the regular-expression routes' named groups that are not numbers.
REGEX_VALUES = {"direction": "up", "name": "submit"}


def all_patterns(resolver=None, namespace="", prefix=()):
    """(view name or None, the route's pieces from the root, the pattern) of every URL of the project."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pieces = (*prefix, entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry, inner, pieces)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), pieces, entry


def _pk_for(entry) -> str:
    """The first existing row of the view's model, or 1 (the page must refuse before reading it)."""
    model = getattr(getattr(entry.callback, "view_class", None), "model", None)
    first = model.objects.order_by("pk").first() if model is not None else None
    return str(first.pk) if first is not None else "1"


def _sample(piece, entry) -> str:
    route = str(piece)
    if route.startswith("^") or route.endswith("$"):  # re_path
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: REGEX_VALUES.get(m[1], _pk_for(entry)), route)
        return re.sub(r"\([^)]*\)", "1", route).lstrip("^").rstrip("$")

    def value(match):
        converter, name = match[1] or "str", match[2]
        if converter == "int":
            return _pk_for(entry) if name == "pk" else "1"
        return "1" if converter == "path" else "x"

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _walk_urls():
    """(view name, URL) of every pattern, each URL checked to reach that pattern's view."""
    seen = set()
    for name, pieces, entry in all_patterns():
        url = "/" + "".join(_sample(piece, entry) for piece in pieces)
        match = resolve(url)
        if match.func is not entry.callback:
            continue  # shadowed by an earlier pattern (django.contrib.auth's login and logout after ours)
        if url not in seen:
            seen.add(url)
            yield name or match.view_name, url


def _is_no_role_page(response) -> bool:
    return response.status_code == 403 and NO_ROLE_TEXT in html.unescape(response.content.decode())


@pytest.fixture
def records(db):
    officer = make_user(Role.MDO_OFFICER, mdo_organisation(), username="organisateur")
    ProjectFactory(title="Projet de la tournée", district=3)
    make_meeting(officer)
    town_hall(3)


@pytest.fixture
def no_role_client(client, no_role_user):
    client.force_login(no_role_user)
    return client


def test_the_walk_reads_every_part_of_the_url_configuration():
    names = {name for name, _ in _walk_urls()}
    assert {"dashboard", "projects:index", "meetings:detail", "vendors:invoice_pay", "admin:index"} <= names
    assert {"meetings:agenda_move", "consultations:question_move"} <= names  # regular-expression routes
    assert not EXEMPT - names, f"Exemptions sans adresse : {EXEMPT - names}"


def test_a_user_without_role_reads_the_no_role_page_on_every_page(no_role_client, records):
    missed, exempt_refused = [], []
    for name, url in _walk_urls():
        response = no_role_client.get(url)
        if name in EXEMPT:
            if _is_no_role_page(response):
                exempt_refused.append(f"{name} {url}")
        elif not _is_no_role_page(response):
            missed.append(f"{name} {url} : {response.status_code}")
    assert not missed, f"Pages ouvertes à un compte sans rôle : {missed}"
    assert not exempt_refused, f"Pages exemptées refusées : {exempt_refused}"


def test_the_no_role_page_is_french_and_lets_the_agent_sign_out(no_role_client):
    response = no_role_client.get(reverse("dashboard"))
    assert response.status_code == 403
    content = response.content.decode()
    assert 'data-testid="no-role"' in content
    assert "pas encore de rôle dans MDO Pilotage" in content
    assert f'action="{reverse("logout")}"' in content


def test_a_user_without_role_can_still_sign_out(no_role_client):
    response = no_role_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    # Signed out: the app asks to sign in, no more the no-role page.
    after = no_role_client.get(reverse("dashboard"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("login"))


def test_a_user_without_role_can_still_change_a_local_password(no_role_client):
    response = no_role_client.get(reverse("password_change"))
    assert response.status_code == 200


def test_a_user_with_a_role_is_unaffected(client, town_hall_agent, records):
    client.force_login(town_hall_agent)
    for name in ("dashboard", "projects:index", "meetings:index"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'data-testid="no-role"' not in response.content.decode()
    organisation = Organisation.objects.get(kind="town_hall", district=3)
    assert client.get(reverse("organisation_detail", args=[organisation.pk])).status_code == 200


def test_a_superuser_without_role_group_is_unaffected(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("super", password="x"))
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_staff_account_without_role_reads_the_no_role_page_even_in_the_admin(client, django_user_model):
    staff = django_user_model.objects.create_user("equipe", password="x", is_staff=True)
    client.force_login(staff)
    assert _is_no_role_page(client.get(reverse("admin:index")))


def test_a_staff_account_without_role_still_changes_its_password_and_signs_out_of_the_admin(client, django_user_model):
    staff = django_user_model.objects.create_user("equipe", password="ancien-mot-de-passe", is_staff=True)
    client.force_login(staff)
    form = client.get(reverse("admin:password_change"))
    assert form.status_code == 200
    assert not _is_no_role_page(form)
    changed = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "ancien-mot-de-passe",
            "new_password1": "Nouveau-mot-de-passe-42",
            "new_password2": "Nouveau-mot-de-passe-42",
        },
    )
    assert changed.status_code == 302
    assert changed["Location"] == reverse("admin:password_change_done")
    staff.refresh_from_db()
    assert staff.check_password("Nouveau-mot-de-passe-42")
    assert client.get(reverse("admin:password_change_done")).status_code == 200
    signed_out = client.post(reverse("admin:logout"))
    assert signed_out.status_code == 302
    assert signed_out["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    # Signed out: the admin asks to sign in, no more the no-role page.
    after = client.get(reverse("admin:index"))
    assert after.status_code == 302
    assert after["Location"].startswith(reverse("admin:login"))
