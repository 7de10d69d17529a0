"""The minutes' rich text is the app-wide one (mdo.richtext); kept importable from here."""

from mdo.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, plain_text, render, sanitise

__all__ = ["ALLOWED_ATTRIBUTES", "ALLOWED_TAGS", "plain_text", "render", "sanitise"]
