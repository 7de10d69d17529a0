"""Money: how amounts are stored, summed in SQL and exposed on models."""

from decimal import Decimal

from django.db import models
from django.db.models import Subquery, Sum, Value
from django.db.models.functions import Coalesce

ZERO = Decimal("0.00")

#: Every amount is stored as Decimal euros with cents (rounded half-up by budgets.money.to_cents).
MONEY = {"max_digits": 14, "decimal_places": 2}

#: The output type of a sum of amounts computed in SQL.
MONEY_OUTPUT = models.DecimalField(max_digits=16, decimal_places=2)


def subquery_sum(queryset, field: str):
    """``SUM(field)`` of ``queryset`` (correlated with ``OuterRef``) as an expression, 0 when empty.

    One grouped subquery per row rather than a JOIN + GROUP BY: the outer query keeps its own
    ordering and filters, and two sums on different relations do not multiply each other.
    """
    grouped = queryset.order_by().annotate(_group=Value(1)).values("_group").annotate(total=Sum(field)).values("total")[:1]
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
