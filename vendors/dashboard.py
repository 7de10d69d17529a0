"""The vendors' panel of « Mon tableau de bord » and their entries in « Mes tâches »."""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from mdo.registry import TaskItem
from vendors import selectors

PANEL_ROWS = 5


def render_panel(request) -> str:
    user = request.user
    to_certify = selectors.milestones_to_certify(user=user)
    due_soon = selectors.invoices_due_soon(user=user)
    milestones = list(to_certify[:PANEL_ROWS])
    invoices = list(due_soon[:PANEL_ROWS])
    if not milestones and not invoices:
        return ""
    return render_to_string(
        "vendors/_panel.html",
        {
            "milestones": milestones,
            "milestone_count": to_certify.count() if len(milestones) == PANEL_ROWS else len(milestones),
            "invoices": invoices,
            "invoice_count": due_soon.count() if len(invoices) == PANEL_ROWS else len(invoices),
            "today": timezone.localdate(),
        },
        request=request,
    )


def task_count(user) -> int:
    return selectors.milestones_to_certify(user=user).count()


def task_items(user) -> list[TaskItem]:
    items = []
    queue = selectors.milestones_to_certify(user=user).select_related("order__commitment__budget_line__project")
    for milestone in queue[:100]:
        delivered = milestone.delivered_on or timezone.localdate()
        project = milestone.order.commitment.budget_line.project if milestone.order_id else None
        reference = milestone.order.number if milestone.order_id else milestone.contract.reference
        items.append(TaskItem(
            title=f"Certifier le service fait : {milestone.label} ({reference}, {milestone.contract.vendor.name})",
            url=milestone.get_absolute_url(),
            created=timezone.make_aware(datetime.datetime.combine(delivered, datetime.time(9))),
            kind="Attestation de service fait",
            due=milestone.due_on,
            amount=milestone.amount_ht,
            project=str(project) if project else "",
        ))
    return items
