"""The « Bilan annuel » as PDF: the charts of the pages, the same SVG, with their tables."""

from django.utils import timezone

from mdo import access
from mdo.pdf import render_pdf


def render_annual_report(*, sections, filters, user) -> bytes:
    scope = "Toute la ville" if access.sees_everything(user) else (str(user.organisation) if user.organisation else "—")
    return render_pdf(
        "indicators/annual_report_pdf.html",
        {
            "sections": sections,
            "filters": filters,
            "scope_label": scope,
            "generated_at": timezone.localtime(),
        },
    )
