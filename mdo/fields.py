import re

from django import forms
from django.core.exceptions import ValidationError

#: Every amount is stored as Decimal euros with cents (rounded half-up by budgets.money.to_cents).
MONEY = {"max_digits": 14, "decimal_places": 2}

#: Line breaks and the other control characters (tab excepted) that a one-line text may not hold.
_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u0085\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` on one line: what a title becomes in an e-mail subject (a header cannot hold a line break)."""
    return " ".join(_BREAKS.sub(" ", str(text)).split())


def validate_one_line(value: str) -> None:
    if _BREAKS.search(value or ""):
        raise ValidationError("Ce champ tient sur une seule ligne : retirez les retours à la ligne.", code="one_line")


class OneLineCharField(forms.CharField):
    """A title: one line of text (it becomes the subject of e-mails and the SUMMARY of calendar events)."""

    default_validators = [validate_one_line]
