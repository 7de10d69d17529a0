"""PDFs of a meeting: the approved minutes and the attendance sheet (émargement)."""

import logging

from django.template.loader import render_to_string

# WeasyPrint narrates each layout step at INFO: keep the logs for what matters.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # slow import: only when a PDF is asked for

    html = render_to_string(template, context)
    return HTML(string=html).write_pdf()
