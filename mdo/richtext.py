"""Rich text (minutes, a project's description, a consultation's presentation and scope): a small
whitelist of HTML kept by nh3, everything else dropped.

Text is cleaned when saved and again when rendered, so that no script written in a text
(``<script>``, ``onerror=``, ``javascript:`` links) ever reaches a reader's browser or the PDF.
Texts written before the toolbar existed are plain: they get their paragraphs and line breaks.
"""

import html
import re

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
_TAG = re.compile(r"<[a-zA-Z/!]")


def sanitise(text: str) -> str:
    """Clean HTML; plain text (no tag) gets its paragraphs and line breaks."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _TAG.search(text):
        text = linebreaks(text, autoescape=True)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render(text: str) -> SafeString:
    return mark_safe(sanitise(text))  # noqa: S308 - cleaned by nh3 just above


_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote|tr|pre)>|<br\s*/?>", re.IGNORECASE)


def plain_text(text: str) -> str:
    """The text without its markup, for outputs that are plain (CSV, spreadsheets): one line per
    paragraph, list item or line break, entities decoded."""
    cleaned = sanitise(text)
    if not cleaned:
        return ""
    lines = nh3.clean(_BLOCK_END.sub("\n", cleaned), tags=set())
    return "\n".join(line.strip() for line in html.unescape(lines).splitlines() if line.strip())
