"""The penalty and interest formulas, on worked examples computed by hand."""

import datetime
from decimal import Decimal

from vendors.rules import half_year_label, half_year_start, interest_start, late_payment_interest, penalty_proposal


def test_penalty_services_is_value_times_days_over_1000():
    # 50 000 € × 30 days / 1000 = 1 500 € (cap 5 000 €, above the 1 000 € exemption)
    proposal = penalty_proposal(
        value_ht=Decimal("50000"), late_days=30, intellectual=False, order_amount_ht=Decimal("50000")
    )
    assert proposal.raw == Decimal("1500.00")
    assert proposal.amount == Decimal("1500.00")
    assert not proposal.capped and not proposal.exempted


def test_penalty_intellectual_services_is_value_times_days_over_3000():
    # AMO: 60 000 € × 90 days / 3000 = 1 800 €
    proposal = penalty_proposal(
        value_ht=Decimal("60000"), late_days=90, intellectual=True, order_amount_ht=Decimal("60000")
    )
    assert proposal.amount == Decimal("1800.00")


def test_penalty_capped_at_ten_percent_of_the_order():
    # 50 000 € × 200 / 1000 = 10 000 €, capped at 10 % of the 50 000 € order = 5 000 €
    proposal = penalty_proposal(
        value_ht=Decimal("50000"), late_days=200, intellectual=False, order_amount_ht=Decimal("50000")
    )
    assert proposal.raw == Decimal("10000.00")
    assert proposal.capped
    assert proposal.amount == Decimal("5000.00")


def test_no_penalty_when_total_at_most_1000_euros():
    # AMO: 60 000 € × 45 / 3000 = 900 € ≤ 1 000 € HT: exempted
    proposal = penalty_proposal(
        value_ht=Decimal("60000"), late_days=45, intellectual=True, order_amount_ht=Decimal("60000")
    )
    assert proposal.raw == Decimal("900.00")
    assert proposal.exempted
    assert proposal.amount == Decimal("0.00")
    # exactly 1 000 € is still exempted: 100 000 × 10 / 1000
    assert penalty_proposal(
        value_ht=Decimal("100000"), late_days=10, intellectual=False, order_amount_ht=Decimal("100000")
    ).amount == Decimal("0.00")


def test_no_penalty_without_delay():
    assert penalty_proposal(
        value_ht=Decimal("90000"), late_days=0, intellectual=False, order_amount_ht=Decimal("90000")
    ).amount == Decimal("0.00")


def test_penalty_rounds_half_up_to_the_cent():
    # 12 345,67 × 7 / 3000 = 28,8065... → 28,81 — below the exemption, but the raw value is exact
    proposal = penalty_proposal(
        value_ht=Decimal("12345.67"), late_days=7, intellectual=True, order_amount_ht=Decimal("20000")
    )
    assert proposal.raw == Decimal("28.81")


def test_late_payment_interest_is_ecb_plus_8_points_prorated_plus_40_euros():
    # 12 000 € TTC, ECB 2,15 % → 10,15 %; 20 days: 12 000 × 10,15 % × 20 / 365 = 66,739… → 66,74 €; + 40 € = 106,74 €
    interest = late_payment_interest(amount_ttc=Decimal("12000.00"), late_days=20, ecb_rate=Decimal("2.15"))
    assert interest.rate == Decimal("10.15")
    assert interest.interest == Decimal("66.74")
    assert interest.flat_fee == Decimal("40.00")
    assert interest.total == Decimal("106.74")


def test_no_interest_when_paid_on_time():
    interest = late_payment_interest(amount_ttc=Decimal("12000.00"), late_days=0, ecb_rate=Decimal("2.15"))
    assert interest.total == Decimal("0.00")


def test_rate_of_the_half_year():
    assert half_year_start(datetime.date(2026, 11, 28)) == datetime.date(2026, 7, 1)
    assert half_year_start(datetime.date(2026, 6, 30)) == datetime.date(2026, 1, 1)


def test_an_invoice_paid_one_day_late_owes_interest_and_the_40_euro_fee():
    # 12 000 € × 10,15 % × 1 / 365 = 3,3369… → 3,34 €; the flat fee is owed from the first day
    interest = late_payment_interest(amount_ttc=Decimal("12000.00"), late_days=1, ecb_rate=Decimal("2.15"))
    assert interest.days == 1
    assert interest.interest == Decimal("3.34")
    assert interest.flat_fee == Decimal("40.00")
    assert interest.total == Decimal("43.34")


def test_july_takes_the_rate_of_the_second_half_year():
    assert half_year_start(datetime.date(2026, 7, 1)) == datetime.date(2026, 7, 1)
    assert half_year_start(datetime.date(2026, 7, 31)) == datetime.date(2026, 7, 1)
    assert half_year_start(datetime.date(2026, 1, 1)) == datetime.date(2026, 1, 1)
    assert half_year_start(datetime.date(2026, 12, 31)) == datetime.date(2026, 7, 1)


def test_interest_on_an_invoice_due_on_30_june_starts_in_july():
    start = interest_start(datetime.date(2026, 6, 30))
    assert start == datetime.date(2026, 7, 1)
    assert half_year_start(start) == datetime.date(2026, 7, 1)
    assert half_year_label(half_year_start(start)) == "1er juillet 2026 (2d semestre 2026)"
    assert half_year_label(datetime.date(2027, 1, 1)) == "1er janvier 2027 (1er semestre 2027)"


def test_a_penalty_equal_to_the_cap_is_not_said_capped():
    # 50 000 € × 100 / 1000 = 5 000 € = 10 % of the order: the cap is reached, not exceeded
    proposal = penalty_proposal(
        value_ht=Decimal("50000"), late_days=100, intellectual=False, order_amount_ht=Decimal("50000")
    )
    assert proposal.raw == Decimal("5000.00") and not proposal.capped and proposal.amount == Decimal("5000.00")


def test_one_day_late_is_a_penalty_but_below_the_exemption():
    proposal = penalty_proposal(
        value_ht=Decimal("2000000"), late_days=1, intellectual=False, order_amount_ht=Decimal("2000000")
    )
    assert proposal.raw == Decimal("2000.00") and not proposal.exempted and proposal.amount == Decimal("2000.00")
