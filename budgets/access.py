"""Budget lines follow their project's scope; lines of a district's état spécial are seen by its town hall."""

from django.db.models import Q

from mdo import access
from mdo.enums import Role


def budget_line_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    org = user.organisation
    if org is None:
        return queryset.none()
    if user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall:
        return queryset.filter(
            Q(holder_district=org.district)
            | Q(holder_district__isnull=True, project__district=org.district)
            | Q(holder_district__isnull=True, project__isnull=False, project__district__isnull=True)
        )
    if user.has_role(Role.DIRECTORATE_AGENT):
        return queryset.filter(project__lead_directorate=org)
    return queryset.none()


def budget_line_can_change(user, line) -> bool:
    return user.has_role(Role.MDO_OFFICER, Role.MDO_MANAGER, Role.ADMIN)
