"""Who sees contractors' records.

MDO staff and directors see everything. A town-hall agent sees the orders charged to budget
lines of its district's projects (order → commitment → budget line → project), and the
contracts, milestones, invoices and vendors behind those orders; a directorate agent the same
for the projects it leads. Everyone else sees nothing (404).
"""

from django.db.models import Q

from mdo import access, policy
from mdo.enums import Role

PROJECT = "commitment__budget_line__project"


def _order_condition(user, prefix: str = "") -> Q | None:
    """The Q selecting the orders ``user`` may see, or None when the user sees no order."""
    org = user.organisation
    if org is None:
        return None
    condition = Q(pk__in=[])
    matched = False
    if user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall:
        condition |= Q(**{f"{prefix}{PROJECT}__district": org.district})
        matched = True
    if user.has_role(Role.DIRECTORATE_AGENT, Role.TOWN_HALL_AGENT):
        condition |= Q(**{f"{prefix}{PROJECT}__lead_directorate": org.pk})
        matched = True
    return condition if matched else None


def visible_orders(user, queryset=None):
    from vendors.models import PurchaseOrder

    queryset = PurchaseOrder.objects.all() if queryset is None else queryset
    if access.sees_everything(user):
        return queryset
    condition = _order_condition(user)
    return queryset.none() if condition is None else queryset.filter(condition)


def order_scope(user, queryset):
    return visible_orders(user, queryset)


def contract_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    orders = visible_orders(user)
    # A framework is visible through the orders of its subsequent contracts.
    return queryset.filter(Q(pk__in=orders.values("contract_id")) | Q(pk__in=orders.values("contract__parent_id")))


def vendor_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    return queryset.filter(pk__in=visible_orders(user).values("contract__vendor_id"))


def milestone_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    from vendors.models import Contract

    contracts = contract_scope(user, Contract.objects.all())
    orders = visible_orders(user)
    return queryset.filter(Q(order__in=orders) | Q(order__isnull=True, contract__in=contracts))


def invoice_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    return queryset.filter(order__in=visible_orders(user))


def mdo_can_change(user, obj) -> bool:
    """The MDO keeps contracts, orders, milestones and invoices up to date (mdo/policy.py says who)."""
    return policy.allows(user, "change", obj)


def everyone_sees(user, queryset):
    return queryset


def admin_can_change(user, obj) -> bool:
    return policy.allows(user, "change", obj)
