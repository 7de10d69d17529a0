from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from indicators import selectors
from indicators.filters import IndicatorFilterForm
from indicators.themes import THEMES

INDICATORS = ("Indicateurs", None)


def _filters(request):
    form = IndicatorFilterForm(request.GET, user=request.user, years=selectors.filter_years(user=request.user))
    return form, form.filters()


def index(request):
    return render(request, "indicators/index.html", {
        "themes": THEMES.values(), "breadcrumbs": [INDICATORS],
    })


def theme(request, key: str):
    """One indicator page; ``?chart=KEY&format=svg|csv`` downloads one of its charts."""
    if key not in THEMES:
        raise Http404("Aucun indicateur à cette adresse.")
    current = THEMES[key]
    form, filters = _filters(request)
    context = current.build(user=request.user, filters=filters)
    chart_key = request.GET.get("chart")
    if chart_key:
        return _download(context["charts"], chart_key, request.GET.get("format", "svg"), key)
    context.update({
        "theme": current, "themes": THEMES.values(), "form": form, "filters": filters,
        "query": _query(request), "breadcrumbs": [("Indicateurs", reverse("indicators:index")), (current.title, None)],
    })
    return render(request, f"indicators/{key}.html", context)


def _query(request) -> str:
    query = request.GET.copy()
    for name in ("chart", "format"):
        query.pop(name, None)
    return query.urlencode()


def _download(charts, chart_key: str, fmt: str, theme_key: str) -> HttpResponse:
    chart = next((chart for chart in charts if chart.key == chart_key), None)
    if chart is None or fmt not in ("svg", "csv"):
        raise Http404("Aucun graphique à cette adresse.")
    stamp = f"{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse("\ufeff" + chart.csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(chart.svg(), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="indicateur-{theme_key}-{chart.key}-{stamp}.{fmt}"'
    return response


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
