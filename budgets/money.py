"""Money is Decimal euros, rounded half-up to the cent."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def ttc_from_ht(amount_ht: Decimal, vat_rate: Decimal) -> Decimal:
    """``vat_rate`` in percent (20 for 20 %)."""
    return to_cents(Decimal(amount_ht) * (Decimal(100) + Decimal(vat_rate)) / Decimal(100))
