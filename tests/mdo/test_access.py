import pytest
from django.http import Http404

from mdo import access, policy
from mdo.models import Neighbourhood, Organisation
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbourhoods():
    """Two conseils de quartier in the 3rd, one in the 5th."""
    return {
        "montchat": NeighbourhoodFactory(name="Montchat", district=3),
        "part_dieu": NeighbourhoodFactory(name="Part-Dieu", district=3),
        "vieux_lyon": NeighbourhoodFactory(name="Vieux Lyon", district=5),
    }


def test_inactive_user_sees_nothing_through_the_selector(mdo_manager, neighbourhoods):
    mdo_manager.is_active = False
    assert not access.visible(mdo_manager, Neighbourhood).exists()


def test_anonymous_sees_nothing():
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible(AnonymousUser(), Organisation).exists()


@pytest.mark.parametrize(
    "role_fixture, may_change_3rd, may_change_5th",
    [
        ("mdo_officer", True, True),
        ("mdo_manager", True, True),
        ("admin_user", True, True),
        ("town_hall_agent", True, False),
        ("other_town_hall_agent", False, True),
        ("directorate_agent", False, False),
        ("director", False, False),
        ("outsider", False, False),
        ("no_role_user", False, False),
    ],
)
def test_who_may_change_a_conseil_de_quartier(request, neighbourhoods, role_fixture, may_change_3rd, may_change_5th):
    user = request.getfixturevalue(role_fixture)
    assert access.can_change(user, neighbourhoods["montchat"]) is may_change_3rd
    assert access.can_change(user, neighbourhoods["vieux_lyon"]) is may_change_5th


def test_only_admins_change_organisations(admin_user, mdo_manager, town_hall_agent):
    org = town_hall_agent.organisation
    assert access.can_change(admin_user, org)
    assert not access.can_change(mdo_manager, org)
    assert not access.can_change(town_hall_agent, org)


def test_get_changeable_or_404_refuses_read_only_users(town_hall_agent, neighbourhoods):
    assert access.get_changeable_or_404(town_hall_agent, Neighbourhood, pk=neighbourhoods["montchat"].pk)
    with pytest.raises(Http404):
        access.get_changeable_or_404(town_hall_agent, Neighbourhood, pk=neighbourhoods["vieux_lyon"].pk)


def test_get_visible_or_404_on_missing_object(mdo_manager):
    with pytest.raises(Http404):
        access.get_visible_or_404(mdo_manager, Organisation, pk=999_999)


def test_unregistered_model_is_a_configuration_error(mdo_manager):
    from django.contrib.auth.models import Group
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        access.visible(mdo_manager, Group)


def test_roles_are_groups_named_in_french(town_hall_agent):
    assert town_hall_agent.groups.get().name == "Agent de mairie d'arrondissement"
    assert town_hall_agent.role_labels == ["Agent de mairie d'arrondissement"]
    assert town_hall_agent.district == 3


def test_an_inactive_user_may_change_nothing(mdo_manager, admin_user, neighbourhoods):
    for user in (mdo_manager, admin_user):
        assert access.can_change(user, neighbourhoods["montchat"])  # active: allowed
        user.is_active = False
        assert not access.can_change(user, neighbourhoods["montchat"])
        assert not access.can_change(user, user)  # not even oneself
        assert not policy.allows(user, "change", neighbourhoods["montchat"])
        assert not policy.allows(user, "create", "projects.project")
