from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def euros(value) -> str:
    """« 1 234,56 € » (French grouping and decimal comma), '—' when empty."""
    if value is None or value == "":
        return "—"
    return f"{floatformat(Decimal(value), '2g')} €"
