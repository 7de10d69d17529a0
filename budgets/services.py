"""Writes on budget lines, commitments and payments."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from budgets.enums import BudgetLineStatus
from budgets.models import BudgetLine, Commitment, Payment
from budgets.money import to_cents

ZERO = Decimal("0.00")


def line_committed_total(line: BudgetLine) -> Decimal:
    return line.commitments.aggregate(total=Sum("amount"))["total"] or ZERO


def line_available(line: BudgetLine) -> Decimal:
    """Available = approved amount (TTC) − committed; zero unless the line is approved."""
    if line.status != BudgetLineStatus.APPROVED:
        return ZERO
    return line.amount_ttc - line_committed_total(line)


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
    available = line_available(line)
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
