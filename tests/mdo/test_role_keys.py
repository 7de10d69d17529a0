"""Roles follow stable code keys, not the French labels of their groups."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group

from mdo.enums import Role
from mdo.models import RoleKey
from mdo.roles import role_group, role_members

pytestmark = pytest.mark.django_db


def test_renaming_a_role_group_keeps_the_access(town_hall_agent):
    group = role_group(Role.TOWN_HALL_AGENT)
    group.name = "Référent·e démocratie participative en mairie"
    group.save()
    reloaded = type(town_hall_agent).objects.get(pk=town_hall_agent.pk)
    assert reloaded.has_role(Role.TOWN_HALL_AGENT)
    assert list(role_members(Role.TOWN_HALL_AGENT)) == [town_hall_agent]


def test_a_group_named_like_a_role_but_without_key_grants_nothing(no_role_user):
    no_role_user.groups.add(Group.objects.create(name="Responsable MDO (copie)"))
    assert no_role_user.roles == frozenset()


def test_every_role_has_one_keyed_group_after_migrate():
    assert set(RoleKey.objects.values_list("code", flat=True)) == set(Role.values)


def test_data_migration_keys_the_groups_named_by_their_old_labels():
    migration = importlib.import_module("mdo.migrations.0003_role_keys")
    RoleKey.objects.all().delete()
    legacy = Group.objects.get_or_create(name="Responsable MDO")[0]
    migration.key_existing_groups(global_apps, None)
    assert RoleKey.objects.get(code="mdo_manager").group == legacy


def test_the_signed_in_user_comes_with_its_roles_and_organisation_in_one_query(
    town_hall_agent, admin_user, no_role_user, django_assert_num_queries
):
    from mdo.directory import LocalPasswordBackend

    town_hall_agent.groups.add(role_group(Role.DIRECTOR))
    backend = LocalPasswordBackend()
    with django_assert_num_queries(1):
        agent = backend.get_user(town_hall_agent.pk)
        assert agent.roles == {Role.TOWN_HALL_AGENT, Role.DIRECTOR}
        assert agent.organisation.district == 3
    with django_assert_num_queries(2):
        assert backend.get_user(no_role_user.pk).roles == frozenset()
        assert backend.get_user(admin_user.pk).roles == {Role.ADMIN}
