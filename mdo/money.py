"""Money, declared once: how an amount is stored, summed in SQL, typed in a form, read from a file and shown.

Every amount is a ``Decimal`` of euros with cents, rounded half-up to the cent (:func:`to_cents`). Models
declare their amounts with ``models.DecimalField(_("montant"), **MONEY)``, SQL sums take ``MONEY_OUTPUT``,
forms use :class:`MoneyField`, imports read French decimals with :func:`parse_decimal` and templates, tables
and e-mails show amounts with :func:`euros` (the ``euros`` template filter of ``mdo_money``).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypedDict

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class DecimalKwargs(TypedDict):
    max_digits: int
    decimal_places: int


#: An amount of a record: up to a thousand billion euros, with cents.
MONEY: DecimalKwargs = {"max_digits": 14, "decimal_places": 2}
#: A rate in percent (VAT, the ECB's rate, late-payment interest): 0,00 to 999,99.
RATE: DecimalKwargs = {"max_digits": 5, "decimal_places": 2}
#: The type of a sum of amounts computed in SQL: two more digits than one amount, so that a total never overflows.
MONEY_OUTPUT = models.DecimalField(max_digits=16, decimal_places=2)

#: Spaces a French user or a spreadsheet puts between thousands (space, no-break, narrow no-break).
THOUSANDS_SPACES = (" ", "\u00a0", "\u202f")


def to_cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def ttc_from_ht(amount_ht: Decimal, vat_rate: Decimal) -> Decimal:
    """``vat_rate`` in percent (20 for 20 %)."""
    return to_cents(Decimal(amount_ht) * (Decimal(100) + Decimal(vat_rate)) / Decimal(100))


def parse_decimal(text: str) -> Decimal:
    """A French decimal: « 1234,56 », « 1 234,56 », « 1 234,56 € », « 1.234,56 »; also « 1234.56 ».

    Raises ``ValueError`` with a French message when the text is not a number.
    """
    cleaned = str(text).replace("€", "").strip()
    for space in THOUSANDS_SPACES:
        cleaned = cleaned.replace(space, "")
    if "," in cleaned:
        # The comma is the decimal separator; dots are then thousands separators (« 1.234,56 »).
        cleaned = cleaned.replace(".", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"montant illisible « {text} » (attendu par exemple 1 234,56)") from None
    if not number.is_finite():
        raise ValueError(f"montant illisible « {text} »")
    return number


def amount_text(value: Decimal | int | str | None, symbol: str = "€") -> str:
    """« 1 234,56 € » in the active language's grouping and decimal mark (Django's l10n); « — » when empty."""
    if value is None or value == "":
        return "—"
    cents = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{number_format(cents, decimal_pos=2, use_l10n=True, force_grouping=True)} {symbol}"


def euros(value: Decimal | int | str | None, suffix: str = "") -> str:
    """The one way an amount is shown: tables, pages, e-mails, messages, timelines and PDFs (the ``euros``
    filter); « 8 000,00 € HT » with ``suffix``."""
    text = amount_text(value)
    return f"{text} {suffix}" if suffix and text != "—" else text


class MoneyField(forms.DecimalField):
    """Euros with cents, typed the French way (« 1 234,56 ») or with a dot; shown back with a comma.

    A text input with ``inputmode="decimal"``: a browser's number input would refuse the comma and
    the spaces before the server ever sees them.
    """

    default_error_messages = {"invalid": _("Saisissez un montant, par exemple 1 234,56.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY["max_digits"])
        kwargs.setdefault("decimal_places", MONEY["decimal_places"])
        kwargs.setdefault("localize", True)
        # A bound written as a float (min_value=0.01) would be compared with Decimal("0.01") as the binary
        # 0.01000000000000000020816…, refusing exactly one cent: bounds are decimals, read from their text.
        for bound in ("min_value", "max_value"):
            if isinstance(kwargs.get(bound), float):
                kwargs[bound] = Decimal(str(kwargs[bound]))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs say int (IntegerField)
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


#: For the admin's forms where amounts are typed (envelopes, thresholds, rates): the same field.
MONEY_FORMFIELDS = {models.DecimalField: {"form_class": MoneyField}}
