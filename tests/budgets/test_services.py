"""Money: Decimal half-up to the cent; commitments within the available amount, payments within their commitment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets import services
from budgets.models import BudgetLine
from budgets.money import to_cents, ttc_from_ht
from tests.budgets.factories import approved_line, make_line, submitted_line

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 28)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0.005", "0.01"),
        ("0.015", "0.02"),
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),
        ("10", "10.00"),
        ("1.004", "1.00"),
    ],
)
def test_to_cents_rounds_half_up(value, expected):
    assert to_cents(Decimal(value)) == Decimal(expected)


def test_ttc_from_ht_rounds_half_up_to_the_cent():
    assert ttc_from_ht(Decimal("10.05"), Decimal("5.5")) == Decimal("10.60")  # 10.60275
    assert ttc_from_ht(Decimal("0.25"), Decimal("10")) == Decimal("0.28")  # 0.275


def test_commitments_never_exceed_the_available_amount(mdo_officer, mdo_manager):
    line = approved_line(mdo_officer, mdo_manager, amount_ht="1000.00")  # 1 200,00 TTC
    services.commitment_create(budget_line=line, amount=Decimal("700.004"), committed_on=TODAY, by=mdo_manager)
    assert BudgetLine.objects.get(pk=line.pk).available == Decimal("500.00")
    with pytest.raises(ValidationError) as error:
        services.commitment_create(budget_line=line, amount=Decimal("500.01"), committed_on=TODAY, by=mdo_manager)
    assert "amount" in error.value.message_dict
    services.commitment_create(budget_line=line, amount=Decimal("500.00"), committed_on=TODAY, by=mdo_manager)
    assert BudgetLine.objects.get(pk=line.pk).available == Decimal("0.00")


def test_commitment_refused_on_a_line_not_approved(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    with pytest.raises(ValidationError):
        services.commitment_create(budget_line=line, amount=Decimal("10"), committed_on=TODAY, by=mdo_manager)
    assert not line.commitments.exists()


def test_commitment_amount_must_be_positive(mdo_officer, mdo_manager):
    line = approved_line(mdo_officer, mdo_manager)
    with pytest.raises(ValidationError):
        services.commitment_create(budget_line=line, amount=Decimal("0.004"), committed_on=TODAY, by=mdo_manager)


def test_payments_never_exceed_their_commitment(mdo_officer, mdo_manager):
    line = approved_line(mdo_officer, mdo_manager)
    commitment = services.commitment_create(budget_line=line, amount=Decimal("100"), committed_on=TODAY, by=mdo_manager)
    services.payment_create(commitment=commitment, amount=Decimal("60"), paid_on=TODAY, reference="M1", by=mdo_manager)
    with pytest.raises(ValidationError) as error:
        services.payment_create(
            commitment=commitment, amount=Decimal("40.01"), paid_on=TODAY, reference="M2", by=mdo_manager
        )
    assert "reste à payer" in error.value.message_dict["amount"][0]
    services.payment_create(commitment=commitment, amount=Decimal("40"), paid_on=TODAY, reference="M3", by=mdo_manager)


@pytest.mark.parametrize("amount", ["0", "0.004", "-5"])
def test_a_zero_or_negative_payment_is_refused_by_the_service(mdo_officer, mdo_manager, amount):
    line = approved_line(mdo_officer, mdo_manager)
    commitment = services.commitment_create(budget_line=line, amount=Decimal("100"), committed_on=TODAY, by=mdo_manager)
    with pytest.raises(ValidationError) as error:
        services.payment_create(
            commitment=commitment, amount=Decimal(amount), paid_on=TODAY, reference="M0", by=mdo_manager
        )
    assert error.value.message_dict == {"amount": ["Le montant doit être positif."]}
    assert not commitment.payments.exists()


def test_line_refuses_a_zero_amount_at_the_field(mdo_officer):
    with pytest.raises(ValidationError) as error:
        make_line(mdo_officer, amount_ht="0.001")
    assert "amount_ht" in error.value.message_dict
