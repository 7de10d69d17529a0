"""PDFs of a consultation: the paper questionnaire (with answer boxes) and the bilan."""

import logging

from django.template.loader import render_to_string

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # slow import: only when a PDF is asked for

    return HTML(string=render_to_string(template, context)).write_pdf()
