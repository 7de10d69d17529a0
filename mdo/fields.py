"""Model helpers: sums of amounts computed in SQL, properties an annotation fills, one-line texts."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Subquery, Sum, Value
from django.db.models.functions import Coalesce

# Re-exported: the models import the money declarations (mdo/money.py) from here.
from mdo.money import MONEY, MONEY_OUTPUT, ZERO  # noqa: F401


def subquery_sum(queryset, field: str):
    """``SUM(field)`` of ``queryset`` (correlated with ``OuterRef``) as an expression, 0 when empty.

    One grouped subquery per row rather than a JOIN + GROUP BY: the outer query keeps its own
    ordering and filters, and two sums on different relations do not multiply each other.
    """
    grouped = (
        queryset.order_by().annotate(_group=Value(1)).values("_group").annotate(total=Sum(field)).values("total")[:1]
    )
    return Coalesce(Subquery(grouped, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)


def annotated_property(compute):
    """A model property that a queryset annotation of the same name fills.

    A list annotates the value in SQL for all its rows at once; a single object read without
    the annotation computes it on first use (``compute(self)``). Either way the rule lives in the
    model's queryset method and this property, side by side, and nowhere else.
    """
    key = f"_annotated_{compute.__name__}"

    def getter(self):
        if key not in self.__dict__:
            self.__dict__[key] = compute(self)
        return self.__dict__[key]

    def setter(self, value):
        self.__dict__[key] = value

    return property(getter, setter, doc=compute.__doc__)


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
