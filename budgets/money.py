"""Money is Decimal euros, rounded half-up to the cent: the rules live in mdo/money.py."""

from mdo.money import CENT, to_cents, ttc_from_ht  # noqa: F401
