"""The role groups of the design, keyed by stable codes, and their permissions on the core's reference data."""

from django.contrib.auth.models import Group, Permission

from mdo.enums import Role

#: Model permissions on reference data, by role. Apps add theirs in their own ``ready()``.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.ADMIN: {
        "mdo.add_organisation",
        "mdo.change_organisation",
        "mdo.view_organisation",
        "mdo.add_neighbourhood",
        "mdo.change_neighbourhood",
        "mdo.view_neighbourhood",
        "mdo.add_user",
        "mdo.change_user",
        "mdo.view_user",
        "mdo.add_directoryrule",
        "mdo.change_directoryrule",
        "mdo.delete_directoryrule",
        "mdo.view_directoryrule",
        "mdo.view_rolekey",
        "mdo.change_rolekey",
    },
    Role.MDO_OFFICER: {"mdo.view_organisation", "mdo.view_neighbourhood", "mdo.change_neighbourhood"},
    Role.MDO_MANAGER: {"mdo.view_organisation", "mdo.view_neighbourhood", "mdo.change_neighbourhood"},
    Role.TOWN_HALL_AGENT: {"mdo.view_organisation", "mdo.view_neighbourhood"},
    Role.DIRECTORATE_AGENT: {"mdo.view_organisation", "mdo.view_neighbourhood"},
    Role.DIRECTOR: {"mdo.view_organisation", "mdo.view_neighbourhood", "mdo.view_user"},
}


def add_role_permissions(role: str, codenames: set[str]) -> None:
    ROLE_PERMISSIONS.setdefault(role, set()).update(codenames)


def role_group(role: str) -> Group:
    """The group that carries ``role``, found by its code key (created with the French label if missing)."""
    from mdo.models import RoleKey

    key = RoleKey.objects.select_related("group").filter(code=role).first()
    if key is not None:
        return key.group
    group = Group.objects.get_or_create(name=str(Role(role).label))[0]
    return RoleKey.objects.get_or_create(code=role, defaults={"group": group})[0].group


def role_members(role: str):
    """The users holding ``role`` (a queryset), whatever the label of its group."""
    from mdo.models import User

    return User.objects.filter(groups__role_key__code=role)


def ensure_role_groups(**kwargs) -> None:
    """Create each role's group and grant its permissions (run after every migrate)."""
    for role, codenames in ROLE_PERMISSIONS.items():
        group = role_group(role)
        wanted = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                wanted.append(perm)
        group.permissions.add(*wanted)
