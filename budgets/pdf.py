"""The budget report as PDF: the summary table and its bar chart for a year and the user's scope."""

from mdo.pdf import render_pdf


def render_budget_report(*, context: dict) -> bytes:
    return render_pdf("budgets/report_pdf.html", context)
