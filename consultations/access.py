"""Who sees a consultation: like projects. The MDO and directors all; a town hall those of its
district (one of the territory's), the city-wide ones and those it is a partner of; a directorate those it is a partner of.
The network's library is open to every agent."""

from django.db.models import Q

from mdo import access, policy
from mdo.enums import Role


def consultation_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    org = user.organisation
    if org is None or not user.has_role(Role.TOWN_HALL_AGENT, Role.DIRECTORATE_AGENT):
        return queryset.none()
    from consultations.models import Partner, TerritoryDistrict

    # A subquery, not a join: one row per consultation whatever the number of partners.
    condition = Q(pk__in=Partner.objects.filter(organisation=org).values("consultation_id"))
    if user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall:
        # Its district is in the territory, or the territory is the whole city (no district at all).
        territory = TerritoryDistrict.objects.values("consultation_id")
        condition |= Q(pk__in=territory.filter(district=org.district)) | ~Q(pk__in=territory)
    return queryset.filter(condition)


def everyone_sees(user, queryset):
    return queryset


def may_change(user, record) -> bool:
    """Who may change a record of this app: its "change" line of mdo/policy.py."""
    return policy.allows(user, "change", record)


def register_policies() -> None:
    from consultations.models import Consultation, EvaluationCriterion, GlossaryTerm, Resource, Theme

    access.register(Consultation, scope=consultation_scope, can_change=may_change)
    access.register(Resource, scope=everyone_sees, can_change=may_change)
    access.register(GlossaryTerm, scope=everyone_sees, can_change=may_change)
    access.register(EvaluationCriterion, scope=everyone_sees, can_change=may_change)
    access.register(Theme, scope=everyone_sees, can_change=may_change)
