"""Who sees a project: MDO and directors all; a town hall its district and city-wide ones;
a directorate the projects it leads or has been asked to review."""

from django.db.models import Q

from mdo import access, policy
from mdo.enums import Role


def project_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    org = user.organisation
    if org is None:
        return queryset.none()
    condition = Q(pk__in=[])
    if user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall:
        condition |= Q(district=org.district) | Q(district__isnull=True)
    if user.has_role(Role.DIRECTORATE_AGENT) and org.is_directorate:
        from projects.models import FeasibilityReview

        # A subquery, not a join: one row per project whatever the number of reviews.
        reviewed = FeasibilityReview.objects.filter(directorate=org).values("project_id")
        condition |= Q(lead_directorate=org) | Q(pk__in=reviewed)
    return queryset.filter(condition)


def project_can_change(user, project) -> bool:
    return policy.allows(user, "change", project)


def project_can_comment(user, project) -> bool:
    """Anyone involved may comment: the MDO, the lead directorate, the district's town hall (mdo/policy.py)."""
    return policy.allows(user, "comment", project)


def edition_scope(user, queryset):
    return queryset


def edition_can_change(user, edition) -> bool:
    return policy.allows(user, "change", edition)
