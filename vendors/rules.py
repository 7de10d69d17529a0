"""The money rules of public procurement, as pure functions with worked examples in the tests.

- Late-delivery penalties, CCAG 2021 (FCS art. 14.1.1, PI art. 14.1.1): P = V × R / 1000 for
  services and supplies, V × R / 3000 for intellectual services, V the value of the late
  services HT and R the days late; capped at 10 % of the order's amount HT; the vendor is
  exempted when the penalties do not exceed 1 000 € HT.
- Late-payment interest (code de la commande publique, R2192-31 and D2192-35): the ECB's main
  refinancing rate in force on the first day of the half-year + 8 points, prorated by day
  (365-day year), plus the 40 € flat fee for recovery costs (D2192-35).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from budgets.money import to_cents

PENALTY_DIVISOR_SERVICES = Decimal(1000)
PENALTY_DIVISOR_INTELLECTUAL = Decimal(3000)
PENALTY_CAP_RATE = Decimal("0.10")
PENALTY_EXEMPTION_HT = Decimal("1000.00")
INTEREST_MARGIN_POINTS = Decimal(8)
RECOVERY_FLAT_FEE = Decimal("40.00")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PenaltyProposal:
    raw: Decimal  # V × R / divisor, before cap and exemption
    capped: bool
    exempted: bool
    amount: Decimal  # what the officer is proposed to apply


def penalty_proposal(*, value_ht: Decimal, late_days: int, intellectual: bool, order_amount_ht: Decimal) -> PenaltyProposal:
    if late_days <= 0:
        return PenaltyProposal(ZERO, False, False, ZERO)
    divisor = PENALTY_DIVISOR_INTELLECTUAL if intellectual else PENALTY_DIVISOR_SERVICES
    raw = to_cents(Decimal(value_ht) * late_days / divisor)
    cap = to_cents(Decimal(order_amount_ht) * PENALTY_CAP_RATE)
    capped = raw > cap
    amount = min(raw, cap)
    exempted = amount <= PENALTY_EXEMPTION_HT
    return PenaltyProposal(raw, capped, exempted, ZERO if exempted else amount)


@dataclass(frozen=True)
class LateInterest:
    days: int
    rate: Decimal  # annual, in percent
    interest: Decimal
    flat_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.interest + self.flat_fee


def late_payment_interest(*, amount_ttc: Decimal, late_days: int, ecb_rate: Decimal) -> LateInterest:
    if late_days <= 0:
        return LateInterest(0, ZERO, ZERO, ZERO)
    rate = Decimal(ecb_rate) + INTEREST_MARGIN_POINTS
    interest = to_cents(Decimal(amount_ttc) * rate / 100 * late_days / 365)
    return LateInterest(late_days, rate, interest, RECOVERY_FLAT_FEE)


def half_year_start(day: datetime.date) -> datetime.date:
    """The first day of the half-year: the rate in force then applies to the whole delay."""
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)
