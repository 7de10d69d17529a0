"""The budget report as PDF: the summary table and its bar chart for a year and the user's scope."""

from django.template.loader import render_to_string
from django.utils import timezone


def render_budget_report(*, context: dict) -> bytes:
    from weasyprint import HTML  # slow import: only when a report is asked for

    html = render_to_string("budgets/report_pdf.html", {**context, "generated_at": timezone.localtime()})
    return HTML(string=html).write_pdf()
