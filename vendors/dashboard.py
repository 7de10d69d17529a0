"""The vendors' panel of « Mon tableau de bord » and their entries in « Mes tâches »."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from mdo.querysets import first_rows_and_total
from mdo.registry import TaskItem
from vendors import selectors

PANEL_ROWS = 5


def render_panel(request) -> str:
    user = request.user
    to_certify = selectors.milestones_to_certify(user=user)
    due_soon = selectors.invoices_due_soon(user=user)
    milestones, milestone_count = first_rows_and_total(to_certify, PANEL_ROWS)
    invoices, invoice_count = first_rows_and_total(due_soon, PANEL_ROWS)
    if not milestones and not invoices:
        return ""
    return render_to_string(
        "vendors/_panel.html",
        {
            "milestones": milestones,
            "milestone_count": milestone_count,
            "invoices": invoices,
            "invoice_count": invoice_count,
            "today": timezone.localdate(),
        },
        request=request,
    )


def task_count(user) -> int:
    return selectors.milestones_to_certify(user=user).count()


def task_items(user) -> list[TaskItem]:
    items = []
    from projects.selectors import openable_project_fields

    queue = (
        selectors.milestones_to_certify(user=user)
        .select_related("order")
        .annotate(**openable_project_fields(user=user, path="order__commitment__budget_line__project"))
    )
    for milestone in queue[:100]:
        delivered = milestone.delivered_on or timezone.localdate()
        reference = milestone.order.number if milestone.order_id else milestone.contract.reference
        items.append(
            TaskItem(
                title=f"Certifier le service fait : {milestone.label} ({reference}, {milestone.contract.vendor.name})",
                url=milestone.get_absolute_url(),
                created=timezone.make_aware(datetime.datetime.combine(delivered, datetime.time(9))),
                kind="Attestation de service fait",
                due=milestone.due_on,
                amount=milestone.amount_ht,
                project=milestone.visible_project_title or "",
            )
        )
    return items


def _order_tasks(user):
    """Open approval tasks of orders ``user`` may decide: their role's step, orders in scope, not their own."""
    from mdo import access
    from projects.selectors import openable_project_fields
    from vendors.approval import ORDER_PERMISSION_ROLES, open_order_tasks
    from vendors.models import PurchaseOrder

    if not access.is_active_user(user):
        return open_order_tasks().none()
    permissions = [perm for perm, role in ORDER_PERMISSION_ROLES.items() if user.has_role(role)]
    if not permissions:
        return open_order_tasks().none()
    visible = access.visible(user, PurchaseOrder).values("pk")
    return (
        open_order_tasks()
        .filter(owner_permission__in=permissions, process__orderapproval__order__in=visible)
        .exclude(process__orderapproval__order__issued_by=user)
        .select_related("process__orderapproval__order__contract__vendor")
        .annotate(
            **openable_project_fields(user=user, path="process__orderapproval__order__commitment__budget_line__project")
        )
        .order_by("created", "pk")
    )


def order_task_count(user) -> int:
    return _order_tasks(user).count()


def order_task_items(user) -> list[TaskItem]:
    from vendors.enums import OrderApprovalStep

    items = []
    for task in _order_tasks(user)[:100]:
        order = task.process.orderapproval.order
        items.append(
            TaskItem(
                title=f"Valider le bon de commande {order.number} : {order.subject} ({order.contract.vendor.name})",
                url=order.get_absolute_url() + "#validation",
                created=task.created,
                kind=str(OrderApprovalStep(task.flow_task.step).label),
                amount=order.amount_ht,
                project=task.visible_project_title or "",
            )
        )
    return items
