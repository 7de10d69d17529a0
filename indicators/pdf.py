"""The « Bilan annuel » as PDF: the charts of the pages, the same SVG, with their tables."""

from django.template.loader import render_to_string
from django.utils import timezone

from mdo import access


def render_annual_report(*, sections, filters, user) -> bytes:
    from weasyprint import HTML  # slow import: only when a report is asked for

    scope = "Toute la ville" if access.sees_everything(user) else (str(user.organisation) if user.organisation else "—")
    html = render_to_string("indicators/annual_report_pdf.html", {
        "sections": sections, "filters": filters, "scope_label": scope, "generated_at": timezone.localtime(),
    })
    return HTML(string=html).write_pdf()
