"""Who sees a project: MDO and directors all; a town hall its district and city-wide ones;
a directorate the projects it leads."""

from mdo import access
from mdo.enums import Role


def project_scope(user, queryset):
    return access.district_scope(user, queryset, district_field="district", organisation_fields=("lead_directorate",))


def project_can_change(user, project) -> bool:
    if user.has_role(Role.MDO_OFFICER, Role.MDO_MANAGER, Role.ADMIN):
        return True
    org = user.organisation
    return bool(user.has_role(Role.DIRECTORATE_AGENT) and org and project.lead_directorate_id == org.pk)


def edition_scope(user, queryset):
    return queryset


def edition_can_change(user, edition) -> bool:
    return user.has_role(Role.ADMIN, Role.MDO_MANAGER)
