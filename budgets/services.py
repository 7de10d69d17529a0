"""Writes on budget lines, commitments and payments."""

import datetime
from contextlib import contextmanager
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed

from budgets.access import task_refusal
from budgets.enums import ApprovalStep, BudgetLineStatus, DecisionOutcome
from budgets.models import BudgetApproval, BudgetDecision, BudgetLine, Commitment, Payment
from budgets.money import to_cents, ttc_from_ht

ZERO = Decimal("0.00")


@transaction.atomic
def commitment_create(
    *, budget_line: BudgetLine, amount: Decimal, committed_on: datetime.date, by, number: str = "", label: str = ""
) -> Commitment:
    """Set aside ``amount`` on an approved line.

    The line's row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises writers)
    so that two commitments arriving together never exceed the line's available amount.
    Raises ValidationError (message on the ``amount`` field) otherwise. Side effects: none.
    """
    amount = to_cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": "Le montant doit être positif."})
    line = BudgetLine.objects.select_for_update().get(pk=budget_line.pk)
    if line.status != BudgetLineStatus.APPROVED:
        raise ValidationError({"budget_line": "Seule une ligne approuvée peut être engagée."})
    available = line.available
    if amount > available:
        raise ValidationError(
            {"amount": f"Le montant ({amount} €) dépasse le disponible de la ligne ({available} €)."}
        )
    return Commitment.objects.create(
        budget_line=line, amount=amount, committed_on=committed_on, number=number, label=label, created_by=by
    )


@transaction.atomic
def payment_create(*, commitment: Commitment, amount: Decimal, paid_on: datetime.date, reference: str, by) -> Payment:
    """Record a mandat; never more than what remains of the commitment (row-locked). Side effects: none."""
    amount = to_cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": "Le montant doit être positif."})
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    paid = locked.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    remaining = locked.amount - paid
    if amount > remaining:
        raise ValidationError({"amount": f"Le montant ({amount} €) dépasse le reste à payer de l'engagement ({remaining} €)."})
    return Payment.objects.create(commitment=locked, amount=amount, paid_on=paid_on, reference=reference, created_by=by)


# --- budget lines and their approval ----------------------------------------------------------

LINE_FIELDS = ("fiscal_year", "section", "chapter", "nature", "function", "label", "project", "holder_district")


def _amounts(amount_ht, vat_rate) -> tuple[Decimal, Decimal]:
    amount_ht = to_cents(amount_ht)
    if amount_ht <= 0:
        raise ValidationError({"amount_ht": "Le montant HT doit être positif."})
    return amount_ht, ttc_from_ht(amount_ht, vat_rate)


@transaction.atomic
def budget_line_create(*, by, amount_ht: Decimal, vat_rate: Decimal = Decimal("20"), **fields) -> BudgetLine:
    """A draft line requested by ``by``; TTC computed from HT and the VAT rate. Side effects: none."""
    amount_ht, amount_ttc = _amounts(amount_ht, vat_rate)
    line = BudgetLine(requester=by, amount_ht=amount_ht, amount_ttc=amount_ttc,
                      **{key: value for key, value in fields.items() if key in LINE_FIELDS})
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_line_update(*, line: BudgetLine, by, amount_ht: Decimal, vat_rate: Decimal = Decimal("20"), **fields) -> BudgetLine:
    """Edit a draft line or one sent back for changes (row-locked). Side effects: none."""
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if not locked.is_editable:
        raise ValidationError("Seule une ligne en brouillon ou renvoyée pour modification peut être modifiée.")
    locked.amount_ht, locked.amount_ttc = _amounts(amount_ht, vat_rate)
    for key, value in fields.items():
        if key in LINE_FIELDS:
            setattr(locked, key, value)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def budget_line_submit(*, line: BudgetLine, by) -> BudgetApproval:
    """Submit a draft line: starts its approval flow.

    Side effects: the manager's review task is created and its assignees are e-mailed after commit.
    """
    from budgets.flows import BudgetApprovalFlow, BudgetLineLifecycle

    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if locked.status != BudgetLineStatus.DRAFT:
        raise ValidationError("Seule une ligne en brouillon peut être soumise.")
    BudgetLineLifecycle(locked).submit()
    locked.save(update_fields=["status", "updated_at"])
    process = BudgetApprovalFlow.start.run(line=locked, by=by)
    BudgetDecision.objects.create(
        budget_line=locked, approval=process, step=ApprovalStep.SUBMISSION, outcome=DecisionOutcome.SUBMITTED,
        decided_by=by, organisation=by.organisation, amount_ht=locked.amount_ht,
    )
    line.refresh_from_db()
    return process


@contextmanager
def _task_activation(task):
    """The task's activation under the flow's process lock; a lock held elsewhere becomes a French refusal.

    The process row is first locked *waiting* (inside our transaction): a second decision on the
    same task then waits for the first to commit and finds the task done. Viewflow's
    ``select_for_update_lock`` (NOWAIT) then finds the row already ours; left alone inside an
    outer transaction, its NOWAIT failure would abort that transaction on PostgreSQL.
    """
    BudgetApproval.objects.select_for_update().filter(pk=task.process_id).exists()
    try:
        with task.activation() as activation:
            yield activation
    except FlowLockFailed:
        raise ValidationError("Quelqu'un traite cette tâche en ce moment : réessayez dans un instant.") from None


def _locked_line(activation) -> BudgetLine:
    return BudgetLine.objects.select_for_update().select_related("requester").get(pk=activation.process.budget_line_id)


@transaction.atomic
def approval_task_take(*, task, by) -> None:
    """Take a task of the inbox (it leaves the others' inboxes). Side effects: none."""
    from viewflow.workflow.status import STATUS

    with _task_activation(task) as activation:
        line = _locked_line(activation)
        refusal = task_refusal(by, activation.task, line)
        if refusal:
            raise ValidationError(refusal)
        if activation.task.status != STATUS.NEW:
            raise ValidationError("Cette tâche est déjà prise.")
        activation.task.assigned = timezone.now()
        activation.assign(by)


@transaction.atomic
def approval_task_release(*, task, by) -> None:
    """Give a taken task back to the inbox of its role. Side effects: none."""
    from viewflow.workflow.status import STATUS

    with _task_activation(task) as activation:
        current = activation.task
        if current.flow_task.step == ApprovalStep.REWORK:
            raise ValidationError("Cette tâche revient à la personne qui a demandé la ligne : elle ne peut pas être libérée.")
        if current.status != STATUS.ASSIGNED or current.owner_id != by.pk:
            raise ValidationError("Vous ne pouvez libérer qu'une tâche que vous avez prise.")
        current.assigned = None
        activation.unassign()


@transaction.atomic
def approval_task_decide(*, task, by, outcome: str, comment: str = "") -> BudgetDecision:
    """Record ``by``'s decision on ``task`` and move the flow on.

    Refused (ValidationError, nothing changes) when the outcome does not belong to the step,
    a reason is missing, or ``by`` may not decide (scope, role, organisation, own request).
    Side effects: the decision is recorded; the line's status may change; the next task is
    created (its assignees e-mailed after commit) or the line is decided (its requester e-mailed).
    """
    from budgets.flows import REASON_REQUIRED, STEP_OUTCOMES, BudgetLineLifecycle
    from viewflow.workflow.status import STATUS

    comment = (comment or "").strip()
    with _task_activation(task) as activation:
        current = activation.task
        line = _locked_line(activation)
        refusal = task_refusal(by, current, line)
        if refusal:
            raise ValidationError(refusal)
        step = current.flow_task.step
        if outcome not in STEP_OUTCOMES[step]:
            raise ValidationError({"outcome": "Cette décision n'est pas possible à cette étape."})
        if outcome in REASON_REQUIRED and not comment:
            raise ValidationError({"comment": "Indiquez le motif de votre décision."})
        lifecycle = BudgetLineLifecycle(line)
        if step == ApprovalStep.REWORK:
            lifecycle.resubmit()
            line.save(update_fields=["status", "updated_at"])
        elif outcome == DecisionOutcome.CHANGES_REQUESTED:
            lifecycle.send_back()
            line.save(update_fields=["status", "updated_at"])
        process = activation.process
        decision = BudgetDecision.objects.create(
            budget_line=line, approval=process, step=step, outcome=outcome, comment=comment,
            decided_by=by, organisation=by.organisation, amount_ht=line.amount_ht,
        )
        process.outcome = outcome
        process.save(update_fields=["outcome"])
        if current.status == STATUS.NEW:
            current.assigned = timezone.now()
            activation.assign(by)
        activation.start(None)
        activation.execute()
    return decision
