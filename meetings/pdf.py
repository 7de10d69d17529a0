"""PDFs of a meeting: the approved minutes and the attendance sheet (émargement)."""

from mdo.pdf import render_pdf as _render_pdf


def render_pdf(template: str, context: dict) -> bytes:
    return _render_pdf(template, context)
