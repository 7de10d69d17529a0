"""The money rules of public procurement, as pure functions with worked examples in the tests.

- Late-delivery penalties, CCAG 2021 (FCS art. 14.1.1, PI art. 14.1.1): P = V × R / 1000 for
  services and supplies, V × R / 3000 for intellectual services, V the value of the late
  services HT and R the days late. The cap (10 % of the order's amount HT) and the exemption
  (penalties not exceeding 1 000 € HT) are judged on the TOTAL of the order's penalties, all its
  milestones together (a contract's, for a marché simple's own milestones), not milestone by milestone.
- Late-payment interest (code de la commande publique, L2192-13, R2192-31 and D2192-35): it runs
  from the day after the due date; the ECB's main refinancing rate in force on the first day of
  the half-year in which it starts + 8 points, prorated by day (365-day year), plus the 40 € flat
  fee for recovery costs (D2192-35). Without the rate of that half-year nothing is computed.
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


def raw_penalty(*, value_ht: Decimal, late_days: int, intellectual: bool) -> Decimal:
    """V × R / 1000 (or / 3000 for intellectual services), before cap and exemption."""
    if late_days <= 0:
        return ZERO
    divisor = PENALTY_DIVISOR_INTELLECTUAL if intellectual else PENALTY_DIVISOR_SERVICES
    return to_cents(Decimal(value_ht) * late_days / divisor)


def penalty_proposal(
    *,
    value_ht: Decimal,
    late_days: int,
    intellectual: bool,
    order_amount_ht: Decimal,
    others_raw: Decimal = ZERO,
    others_held: Decimal = ZERO,
) -> PenaltyProposal:
    """The penalty proposed for one milestone of an order.

    ``others_raw``: the raw penalties of the order's other late milestones (the exemption is judged on
    the order's total); ``others_held``: what its other milestones already hold (applied or notified),
    so that the order's total never passes 10 % of its amount.
    """
    raw = raw_penalty(value_ht=value_ht, late_days=late_days, intellectual=intellectual)
    if raw <= 0:
        return PenaltyProposal(ZERO, False, False, ZERO)
    cap = to_cents(Decimal(order_amount_ht) * PENALTY_CAP_RATE)
    exempted = min(raw + Decimal(others_raw), cap) <= PENALTY_EXEMPTION_HT
    room = max(cap - Decimal(others_held), ZERO)
    capped = raw > room
    amount = min(raw, room)
    return PenaltyProposal(raw, capped, exempted, ZERO if exempted else amount)


@dataclass(frozen=True)
class LateInterest:
    days: int
    rate: Decimal  # annual, in percent
    interest: Decimal
    flat_fee: Decimal
    #: The first day of the half-year whose ECB rate is not entered: then nothing could be computed.
    missing_rate_from: datetime.date | None = None

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


def interest_start(due_on: datetime.date) -> datetime.date:
    """Interest runs from the day after the due date (L2192-13): a due date of 30 June starts on 1 July."""
    return due_on + datetime.timedelta(days=1)


def half_year_label(start: datetime.date) -> str:
    """« 1er juillet 2026 (2d semestre 2026) » — how a missing rate is named to the user."""
    month = "janvier" if start.month == 1 else "juillet"
    half = "1er" if start.month == 1 else "2d"
    return f"1er {month} {start.year} ({half} semestre {start.year})"


def missing_rate_message(start: datetime.date) -> str:
    return (
        f"Le taux de la BCE du {half_year_label(start)} n'est pas saisi : les intérêts moratoires de cette facture "
        f"ne peuvent pas être calculés. Un administrateur doit l'enregistrer (Administration › Taux des intérêts "
        f"moratoires) ; aucun autre taux n'est utilisé à sa place."
    )
