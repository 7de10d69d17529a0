"""Money, declared once (mdo/money.py): rounding, VAT, French decimals and the one way an amount is shown."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from consultations import imports as consultation_imports
from mdo import forms, money
from projects import imports as project_imports
from vendors import imports as vendor_imports


@pytest.mark.parametrize(
    "value, cents",
    [("0.005", "0.01"), ("0.004", "0.00"), ("1.125", "1.13"), ("-1.125", "-1.13"), (3, "3.00"), ("2.675", "2.68")],
)
def test_to_cents_rounds_half_up(value, cents):
    assert money.to_cents(value) == Decimal(cents)


def test_ttc_from_ht_adds_the_rate_in_percent_then_rounds_to_the_cent():
    assert money.ttc_from_ht(Decimal("100.00"), Decimal("20")) == Decimal("120.00")
    assert money.ttc_from_ht(Decimal("10.01"), Decimal("5.5")) == Decimal("10.56")  # 10.56055
    assert money.ttc_from_ht(Decimal("99.99"), Decimal("0")) == Decimal("99.99")


@pytest.mark.parametrize(
    "text, number",
    [
        ("40000.0", "40000.0"),
        ("1 234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1\xa0234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("-12,5", "-12.5"),
    ],
)
def test_french_decimals_are_read_once_for_forms_and_imports(text, number):
    assert money.parse_decimal(text) == Decimal(number)


@pytest.mark.parametrize("text", ["douze", "NaN", "Infinity", "", "1,2,3"])
def test_unreadable_decimals_raise_a_french_value_error(text):
    with pytest.raises(ValueError, match="montant illisible"):
        money.parse_decimal(text)


def test_the_imports_and_the_forms_share_the_parser():
    assert project_imports.parse_decimal is money.parse_decimal
    assert vendor_imports.parse_decimal is money.parse_decimal
    assert consultation_imports.parse_decimal is money.parse_decimal
    assert forms.parse_amount is money.parse_decimal


def test_euros_groups_thousands_and_writes_a_decimal_comma():
    assert money.euros(Decimal("1234567.5")) == "1\xa0234\xa0567,50 €"
    assert money.euros(Decimal("-38500")) == "-38\xa0500,00 €"
    assert money.euros(0) == "0,00 €"
    assert money.euros(None) == "—"
    assert money.euros("") == "—"


def test_an_amount_in_another_currency_keeps_its_symbol():
    assert money.amount_text(Decimal("201710"), "zł") == "201\xa0710,00 zł"


def test_the_euros_filter_is_the_same_function():
    rendered = Template("{% load budgets_tags %}{{ amount|euros }}|{{ missing|euros }}").render(
        Context({"amount": Decimal("1234.5"), "missing": None})
    )
    assert rendered == "1\xa0234,50 €|—"
