"""Form fields every app shares: one way to type an amount of money."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Spaces a French user or a spreadsheet puts between thousands (space, no-break, narrow no-break).
THOUSANDS_SPACES = (" ", "\u00a0", "\u202f")


def parse_amount(text: str) -> Decimal:
    """A French amount: « 1234,56 », « 1 234,56 », « 1 234,56 € », « 1.234,56 »; also « 1234.56 ».

    Raises ValueError with a French message when the text is not an amount.
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


class MoneyField(forms.DecimalField):
    """Euros with cents, typed the French way (« 1 234,56 ») or with a dot; shown back with a comma.

    A text input with ``inputmode="decimal"``: a browser's number input would refuse the comma and
    the spaces before the server ever sees them.
    """

    default_error_messages = {"invalid": _("Saisissez un montant, par exemple 1 234,56.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


#: For the admin's forms where amounts are typed (envelopes, thresholds, rates): the same field.
MONEY_FORMFIELDS = {models.DecimalField: {"form_class": MoneyField}}
