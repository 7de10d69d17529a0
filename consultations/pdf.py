"""PDFs of a consultation: the paper questionnaire (with answer boxes) and the bilan, on the shared base."""

from mdo.pdf import render_pdf as _render_pdf


def render_pdf(template: str, context: dict) -> bytes:
    return _render_pdf(template, context)
