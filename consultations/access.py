"""Who sees a consultation: like projects. The MDO and directors all; a town hall those of its
district, the city-wide ones and those it is a partner of; a directorate those it is a partner of.
The network's library is open to every agent."""

from django.db.models import Q

from mdo import access
from mdo.enums import Role


def is_mdo(user) -> bool:
    return access.is_active_user(user) and user.has_role(Role.MDO_OFFICER, Role.MDO_MANAGER)


def consultation_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    org = user.organisation
    if org is None or not user.has_role(Role.TOWN_HALL_AGENT, Role.DIRECTORATE_AGENT):
        return queryset.none()
    from consultations.models import Partner

    # A subquery, not a join: one row per consultation whatever the number of partners.
    condition = Q(pk__in=Partner.objects.filter(organisation=org).values("consultation_id"))
    if user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall:
        condition |= Q(district=org.district) | Q(district__isnull=True)
    return queryset.filter(condition)


def consultation_can_change(user, consultation) -> bool:
    return user.has_role(Role.MDO_OFFICER, Role.MDO_MANAGER, Role.ADMIN)


def everyone_sees(user, queryset):
    return queryset


def mdo_changes(user, obj) -> bool:
    return user.has_role(Role.MDO_OFFICER, Role.MDO_MANAGER, Role.ADMIN)


def resource_can_change(user, resource) -> bool:
    return mdo_changes(user, resource) or resource.author_id == user.pk


def register_policies() -> None:
    from consultations.models import Consultation, EvaluationCriterion, GlossaryTerm, Resource, Theme

    access.register(Consultation, scope=consultation_scope, can_change=consultation_can_change)
    access.register(Resource, scope=everyone_sees, can_change=resource_can_change)
    access.register(GlossaryTerm, scope=everyone_sees, can_change=mdo_changes)
    access.register(EvaluationCriterion, scope=everyone_sees, can_change=mdo_changes)
    access.register(Theme, scope=everyone_sees, can_change=mdo_changes)
