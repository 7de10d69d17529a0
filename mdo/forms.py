"""Form fields every app shares: one way to type an amount of money (declared in mdo/money.py)."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

# Re-exported: the apps' forms import the money field from here.
from mdo.money import MONEY_FORMFIELDS, MoneyField  # noqa: F401
from mdo.money import parse_decimal as parse_amount  # noqa: F401


class PickerSelect(forms.Select):
    """A type-ahead picker (Tom Select, vendored in ``vendor/tom-select``) for a long list of choices.

    The page holds only the chosen option: the others are fetched as one types from
    ``/choix/<kind>/`` (``mdo.views.picker_options``), which applies the same scope as the field's
    queryset, so a page with a picker of 5 000 projects stays light and the form still refuses
    any value outside the user's scope. ``params`` narrows the list (e.g. ``{"project": 12}``).
    """

    def __init__(self, kind: str, *, params: dict | None = None, attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.params = params or {}

    def get_context(self, name, value, attrs):
        from urllib.parse import urlencode

        from django.urls import reverse

        attrs = {
            **(attrs or {}),
            "data-picker-url": reverse("picker_options", args=[self.kind]),
            "data-picker-placeholder": str(_("Tapez pour chercher…")),
        }
        if self.params:
            attrs["data-picker-params"] = urlencode(self.params)
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        chosen = [item for item in value if item not in (None, "")]  # Select.format_value gives strings
        original = self.choices
        try:
            narrowed = copy.copy(original)
            # One query for the chosen rows only (none when nothing is chosen), not the whole list.
            narrowed.queryset = queryset.filter(pk__in=[item for item in chosen if item.isdigit()])
            self.choices = narrowed
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = original


class PickerSelectMultiple(PickerSelect, forms.SelectMultiple):
    """The type-ahead picker for several choices (invitees, organisations): each chosen one is a tag with a
    button to remove it; the page still holds only the chosen rows."""
