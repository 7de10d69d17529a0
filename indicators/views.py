from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from indicators import selectors
from indicators.filters import IndicatorFilterForm
from indicators.themes import THEMES

INDICATORS = ("Indicateurs", None)


def _filters(request):
    form = IndicatorFilterForm(request.GET, user=request.user, years=selectors.filter_years(user=request.user))
    return form, form.filters()


def index(request):
    return render(
        request,
        "indicators/index.html",
        {
            "themes": THEMES.values(),
            "breadcrumbs": [INDICATORS],
        },
    )


def theme(request, key: str):
    """One indicator page; ``?chart=KEY&format=svg|png|csv`` downloads one of its charts."""
    if key not in THEMES:
        raise Http404("Aucun indicateur à cette adresse.")
    current = THEMES[key]
    form, filters = _filters(request)
    context = current.build(user=request.user, filters=filters)
    chart_key = request.GET.get("chart")
    if chart_key:
        return _download(context["charts"], chart_key, request.GET.get("format", "svg"), key)
    context.update(
        {
            "theme": current,
            "themes": THEMES.values(),
            "form": form,
            "filters": filters,
            "query": _query(request),
            "breadcrumbs": [("Indicateurs", reverse("indicators:index")), (current.title, None)],
        }
    )
    return render(request, f"indicators/{key}.html", context)


def _query(request) -> str:
    query = request.GET.copy()
    for name in ("chart", "format"):
        query.pop(name, None)
    return query.urlencode()


@require_GET
def dashboard_chart(request):
    """``?chart=KEY&format=svg|png|csv``: one chart of the reader's dashboard panel, in their scope."""
    from indicators.panels import chart_of

    chart = chart_of(request.user, request.GET.get("chart", ""))
    return _download(
        [chart] if chart else [], request.GET.get("chart", ""), request.GET.get("format", "svg"), "accueil"
    )


def _download(charts, chart_key: str, fmt: str, theme_key: str) -> HttpResponse:
    chart = next((chart for chart in charts if chart.key == chart_key), None)
    if chart is None or fmt not in ("svg", "png", "csv"):
        raise Http404("Aucun graphique à cette adresse.")
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse("\ufeff" + chart.csv(), content_type="text/csv; charset=utf-8")
    elif fmt == "png":
        response = HttpResponse(chart.png(), content_type="image/png")
    else:
        response = HttpResponse(chart.svg(), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicateur-{theme_key}-{chart.key}-{stamp}.{fmt}"'
    return response


@require_POST
def annual_report_job(request):
    """« Bilan annuel » made by the task queue: the user follows it on the job's page, then downloads it."""
    from indicators.jobs import ANNUAL_REPORT
    from mdo import jobs

    form, filters = _filters(request)
    scope = filters.edition.name if filters.edition else (str(filters.year) if filters.year else "toutes éditions")
    job = jobs.job_start(
        kind=ANNUAL_REPORT, label=f"Bilan annuel (PDF), {scope}", params={"query": _query(request)}, by=request.user
    )
    return redirect(job)


def annual_report_pdf(request):
    """« Bilan annuel »: the four themes for a year or an edition, in the reader's scope."""
    from indicators.pdf import render_annual_report

    form, filters = _filters(request)
    sections = [(theme, theme.build(user=request.user, filters=filters)) for theme in THEMES.values()]
    pdf = render_annual_report(sections=sections, filters=filters, user=request.user)
    name = filters.edition.number if filters.edition else (filters.year or "tout")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bilan-annuel-{name}.pdf"'
    return response
