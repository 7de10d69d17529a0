"""The "Bons de commande et jalons" section of the project page (``projects.registry``)."""

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from budgets.enums import BudgetLineStatus
from budgets.models import BudgetLine
from mdo import access, policy
from vendors.enums import ORDERABLE_KINDS
from vendors.models import Milestone, PurchaseOrder
from vendors.selectors import ZERO

PROJECT = "commitment__budget_line__project"


def project_orders(*, user, project) -> list[PurchaseOrder]:
    """The project's orders the user may see, with invoiced/paid HT and their milestones: three queries."""
    milestones = access.visible(user, Milestone).select_related("service_done_by").order_by("due_on", "pk")
    return list(
        access.visible(user, PurchaseOrder)
        .filter(**{PROJECT: project})
        .select_related("contract__vendor", "commitment__budget_line")
        .with_invoiced()
        .prefetch_related(Prefetch("milestones", queryset=milestones, to_attr="visible_milestones"))
        .order_by("issued_on", "pk")
    )


def project_annotations(user) -> dict:
    """How many approved budget lines the project has, and the first one, in the project page's own query."""
    approved = BudgetLine.objects.filter(project=OuterRef("pk"), status=BudgetLineStatus.APPROVED).order_by()
    return {
        "vendors_approved_lines": Subquery(approved.values("project").annotate(n=Count("pk")).values("n")),
        "vendors_approved_line": Subquery(approved.order_by("pk").values("pk")[:1]),
    }


def _new_order_links(project, orders) -> list[tuple[str, str]]:
    """For the MDO: issue a new order on each contract already used by the project, prefilled
    with the project's approved budget line (when it has exactly one) and its title."""
    contracts = {}
    for order in orders:
        if order.contract.kind in ORDERABLE_KINDS:
            contracts.setdefault(order.contract.pk, order.contract)
    if not contracts:  # nothing to prefill: the budget line is not looked up
        return []
    if hasattr(project, "vendors_approved_lines"):  # read in the project page's own query
        count, first = project.vendors_approved_lines or 0, project.vendors_approved_line
        lines = [first] if count == 1 else []
    else:
        approved = BudgetLine.objects.filter(project=project, status=BudgetLineStatus.APPROVED)
        lines = list(approved.values_list("pk", flat=True)[:2])
    initial = {"subject": project.title}
    if len(lines) == 1:
        initial["budget_line"] = lines[0]
    return [
        (contract.reference, f"{reverse('vendors:order_create', args=[contract.pk])}?{urlencode(initial)}")
        for contract in contracts.values()
    ]


def render_project_orders(request, project) -> str:
    user = request.user
    orders = project_orders(user=user, project=project)
    is_mdo = policy.allows(user, "create", "vendors.purchaseorder")
    if not orders and not is_mdo:
        return ""
    totals = {
        "amount_ht": sum((order.amount_ht for order in orders), ZERO),
        "amount_ttc": sum((order.amount_ttc for order in orders), ZERO),
        "invoiced_ht": sum((order.invoiced_ht for order in orders), ZERO),
        "paid_ht": sum((order.paid_ht for order in orders), ZERO),
        "paid_ttc": sum((order.paid_ttc for order in orders), ZERO),
    }
    return render_to_string(
        "vendors/_project_section.html",
        {
            "orders": orders,
            "totals": totals,
            "milestone_count": sum(len(order.visible_milestones) for order in orders),
            "is_mdo": is_mdo,
            "new_order_links": _new_order_links(project, orders) if is_mdo else [],
        },
        request=request,
    )
