"""The « Bilan annuel » PDF as a job of the task queue: four themes of charts take longer than a page."""

from django.http import QueryDict

from mdo.jobs import JobFile

ANNUAL_REPORT = "indicators.annual_report"


def run_annual_report(job, progress) -> JobFile:
    """The same report as the page's link gave, for the owner's scope and the filters they had chosen."""
    from indicators import selectors
    from indicators.filters import IndicatorFilterForm
    from indicators.pdf import render_annual_report
    from indicators.themes import THEMES

    user = job.owner
    form = IndicatorFilterForm(
        QueryDict(job.params.get("query", "")), user=user, years=selectors.filter_years(user=user)
    )
    filters = form.filters()
    themes = list(THEMES.values())
    steps = len(themes) + 1  # each theme, then the PDF itself
    sections = []
    for index, theme in enumerate(themes):
        progress(index, steps)
        sections.append((theme, theme.build(user=user, filters=filters)))
    progress(len(themes), steps)
    pdf = render_annual_report(sections=sections, filters=filters, user=user)
    progress(steps, steps)
    name = filters.edition.number if filters.edition else (filters.year or "tout")
    return JobFile(content=pdf, filename=f"bilan-annuel-{name}.pdf", content_type="application/pdf")
