"""Writes on budget lines, commitments and payments."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from budgets.access import task_refusal
from budgets.enums import ApprovalStep, BudgetLineStatus, DecisionOutcome
from budgets.models import BudgetApproval, BudgetDecision, BudgetLine, Commitment, Payment
from budgets.money import to_cents, ttc_from_ht
from mdo import policy, workflow
from mdo.money import euros

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
            {"amount": f"Le montant ({euros(amount)}) dépasse le disponible de la ligne ({euros(available)})."}
        )
    return Commitment.objects.create(
        budget_line=line, amount=amount, committed_on=committed_on, number=number, label=label, created_by=by
    )


@transaction.atomic
def payment_create(
    *, commitment: Commitment, amount: Decimal, paid_on: datetime.date, reference: str, by, for_invoice: bool = False
) -> Payment:
    """Record a mandat; never more than what remains of the commitment (row-locked). The commitment of
    a purchase order is paid only through its invoices (``for_invoice``, from ``vendors.services.invoice_pay``):
    a second, hand-entered mandat would count the same money twice. Side effects: none."""
    amount = to_cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": "Le montant doit être positif."})
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if locked.released_on:
        raise ValidationError({"commitment": "Cet engagement a été dégagé : il ne peut plus être mandaté."})
    if not for_invoice and Commitment.objects.filter(pk=locked.pk, purchase_order__isnull=False).exists():
        raise ValidationError(
            {
                "commitment": (
                    "Cet engagement est celui d'un bon de commande : son mandat est enregistré au paiement de chaque facture."
                )
            }
        )
    paid = locked.payments.aggregate(total=Sum("amount"))["total"] or ZERO
    remaining = locked.amount - paid
    if amount > remaining:
        raise ValidationError(
            {"amount": f"Le montant ({euros(amount)}) dépasse le reste à payer de l'engagement ({euros(remaining)})."}
        )
    return Payment.objects.create(commitment=locked, amount=amount, paid_on=paid_on, reference=reference, created_by=by)


@transaction.atomic
def commitment_release(*, commitment: Commitment, on: datetime.date, by) -> Commitment:
    """Give a commitment's money back to its line (dégagement), e.g. for a refused purchase order.
    Refused once anything is paid on it. Side effects: a historical record; the line's available grows."""
    locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if locked.released_on:
        raise ValidationError({"commitment": "Cet engagement est déjà dégagé."})
    if locked.payments.exists():
        raise ValidationError(
            {"commitment": "Des mandats ont été émis sur cet engagement : il ne peut plus être dégagé."}
        )
    locked.released_on = on
    locked.save(update_fields=["released_on"])
    return locked


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
    line = BudgetLine(
        requester=by,
        amount_ht=amount_ht,
        amount_ttc=amount_ttc,
        **{key: value for key, value in fields.items() if key in LINE_FIELDS},
    )
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_line_update(
    *, line: BudgetLine, by, amount_ht: Decimal, vat_rate: Decimal = Decimal("20"), **fields
) -> BudgetLine:
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
def budget_line_delete(*, line: BudgetLine, by) -> None:
    """Delete a draft line (row-locked): nothing has been asked nor committed on it yet.

    Side effects: the line removed; its history keeps a deletion row naming who deleted it."""
    locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
    if locked.status != BudgetLineStatus.DRAFT:
        raise ValidationError("Seule une ligne en brouillon peut être supprimée : celle-ci a été soumise.")
    locked._history_user = by  # simple_history names who deleted it
    locked.delete()


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
        budget_line=locked,
        approval=process,
        step=ApprovalStep.SUBMISSION,
        outcome=DecisionOutcome.SUBMITTED,
        decided_by=by,
        organisation=by.organisation,
        amount_ht=locked.amount_ht,
    )
    line.refresh_from_db()
    return process


def _locked_line(activation) -> BudgetLine:
    return BudgetLine.objects.select_for_update().select_related("requester").get(pk=activation.process.budget_line_id)


def approval_task_take(*, task, by) -> None:
    """Take a task of the inbox (it leaves the others' inboxes). Side effects: none."""

    workflow.task_take(
        task=task, by=by, refusal=lambda activation: task_refusal(by, activation.task, _locked_line(activation))
    )


def approval_task_release(*, task, by) -> None:
    """Give a taken task back to the inbox of its role. Side effects: none."""

    def refusal(activation):
        if activation.task.flow_task.step == ApprovalStep.REWORK:
            return "Cette tâche revient à la personne qui a demandé la ligne : elle ne peut pas être libérée."
        return None

    workflow.task_release(task=task, by=by, refusal=refusal)


def approval_task_decide(*, task, by, outcome: str, comment: str = "") -> BudgetDecision:
    """Record ``by``'s decision on ``task`` and move the flow on.

    Refused (ValidationError, nothing changes) when the outcome does not belong to the step,
    a reason is missing, or ``by`` may not decide (scope, role, organisation, own request).
    Side effects: the decision is recorded; the line's status may change; the next task is
    created (its assignees e-mailed after commit) or the line is decided (its requester e-mailed).
    """
    from budgets.flows import REASON_REQUIRED, STEP_OUTCOMES, BudgetLineLifecycle

    comment = (comment or "").strip()

    def decide(activation) -> BudgetDecision:
        line = _locked_line(activation)
        step = activation.task.flow_task.step
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
            budget_line=line,
            approval=process,
            step=step,
            outcome=outcome,
            comment=comment,
            decided_by=by,
            organisation=by.organisation,
            amount_ht=line.amount_ht,
        )
        process.outcome = outcome
        process.save(update_fields=["outcome"])
        return decision

    return workflow.task_complete(
        task=task,
        by=by,
        apply=decide,
        refusal=lambda activation: task_refusal(by, activation.task, _locked_line(activation)),
    )


# --- correcting the town hall's opinion ------------------------------------------------------------

ONLY_THE_AUTHOR = "Seul·e l'auteur·rice de cet avis, ou un·e administrateur·rice, peut le corriger."
NEXT_STEP_STARTED = "La décision finale est prise sur cette ligne : l'avis de la mairie ne peut plus être corrigé."


def opinion_correction_refusal(user, decision: BudgetDecision, *, decided: bool | None = None) -> str | None:
    """Why ``user`` may not correct the town hall's opinion ``decision`` (a French message), or None.

    The one rule, read by the button, the view and the service: the opinion is its author's (or an
    administrator's) to correct until the next step has started, that is while the line still waits for
    its final decision. ``decided``: whether that decision is taken, when the caller already knows it."""
    if decision.step != ApprovalStep.TOWN_HALL_OPINION:
        return "Seul l'avis de la mairie d'arrondissement se corrige ici."
    if not policy.allows(user, "correct", decision):
        return ONLY_THE_AUTHOR
    if decided is None:
        decided = BudgetDecision.objects.filter(
            approval_id=decision.approval_id, step=ApprovalStep.FINAL_DECISION
        ).exists()
    if decided or decision.approval_id is None or decision.budget_line.status != BudgetLineStatus.SUBMITTED:
        return NEXT_STEP_STARTED
    return None


def correctable_opinions(user, line: BudgetLine, decisions) -> set[int]:
    """The pks of the opinions among ``decisions`` (the line's, already read) that ``user`` may correct."""
    decided = {decision.approval_id for decision in decisions if decision.step == ApprovalStep.FINAL_DECISION}
    correctable = set()
    for decision in decisions:
        if decision.step == ApprovalStep.TOWN_HALL_OPINION:
            decision.budget_line = line
            if opinion_correction_refusal(user, decision, decided=decision.approval_id in decided) is None:
                correctable.add(decision.pk)
    return correctable


@workflow.refusals_logged
def opinion_correct(*, decision: BudgetDecision, by, outcome: str, comment: str = "") -> bool:
    """The town hall's agent corrects their opinion on a line (same rules as when it was given).

    Refused (``Refused``, nothing written) as :func:`opinion_correction_refusal` says, read again under
    the line's lock, the one the final decision takes too: whichever comes first wins. Side effects: the
    opinion's answer and reason; a row of its history (old and new, and who), shown in the line's history.
    False when nothing changed."""
    from budgets.flows import REASON_REQUIRED, STEP_OUTCOMES

    comment = (comment or "").strip()
    if outcome not in STEP_OUTCOMES[ApprovalStep.TOWN_HALL_OPINION]:
        raise workflow.Refused({"outcome": "Choisissez l'avis de la mairie."})
    if outcome in REASON_REQUIRED and not comment:
        raise workflow.Refused(
            {"comment": "Indiquez le motif de votre avis : il est obligatoire pour un avis défavorable."}
        )
    with transaction.atomic():
        line = BudgetLine.objects.select_for_update().get(pk=decision.budget_line_id)
        locked = BudgetDecision.objects.get(pk=decision.pk)
        locked.budget_line = line
        refusal = opinion_correction_refusal(by, locked)
        if refusal:
            raise workflow.Refused(refusal)
        if (locked.outcome, locked.comment) == (outcome, comment):
            return False
        locked.outcome, locked.comment = outcome, comment
        locked._history_user = by  # simple_history names who corrected it
        locked.save(update_fields=["outcome", "comment"])
    decision.outcome, decision.comment = outcome, comment
    return True
