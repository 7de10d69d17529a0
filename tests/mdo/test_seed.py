import io

import pytest
from django.core.management import call_command

from mdo.enums import OrganisationKind, Role
from mdo.models import Neighbourhood, Organisation, User
from mdo.seed import DEMO_PASSWORD, DEMO_USERS

pytestmark = pytest.mark.django_db


def _counts():
    return (Organisation.objects.count(), Neighbourhood.objects.count(), User.objects.count())


def test_seed_creates_lyon_and_one_user_per_role():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert Organisation.objects.filter(kind=OrganisationKind.TOWN_HALL).count() == 9
    assert set(Organisation.objects.filter(kind="town_hall").values_list("district", flat=True)) == set(range(1, 10))
    assert Organisation.objects.filter(kind=OrganisationKind.DIRECTORATE, name="Direction des Espaces verts").exists()
    assert Neighbourhood.objects.filter(district=3, name="Montchat").exists()
    assert set(Neighbourhood.objects.values_list("district", flat=True)) == set(range(1, 10))
    for username, *_ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="mairie3.agent").organisation.district == 3
    assert User.objects.get(username="mairie5.agent").organisation.district == 5
    assert User.objects.get(username="dev.agent").organisation.name == "Direction des Espaces verts"
    assert User.objects.get(username="mdo.manager").has_role(Role.MDO_MANAGER)
    assert User.objects.get(username="admin").is_superuser
    assert "mdo.officer" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


def test_seed_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO())
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == first


def test_each_demo_user_logs_in_and_sees_the_dashboard(client):
    # One seed for all the users: the whole demo (every app's seeder) takes seconds to build.
    call_command("seed_demo", stdout=io.StringIO(), quiet_logins=True)
    for username, *_ in DEMO_USERS:
        user = User.objects.select_related("organisation").get(username=username)
        response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True)
        assert response.status_code == 200, username
        assert "Mon tableau de bord" in response.text, username
        assert user.first_name in response.text, username
        assert user.organisation.name in response.text, username
        client.post("/accounts/logout/")
