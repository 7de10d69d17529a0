"""The dashboard's charts: the three or four that matter to the reader's role."""

from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from indicators import selectors
from indicators.charts import DANGER, Chart
from indicators.filters import IndicatorFilters, own_district
from mdo import access
from mdo.enums import Role, district_label
from projects.enums import ProjectStatus


def _status_chart(*, user, filters, key: str, title: str, projects=None) -> Chart:
    """Projects by status: one grouped query."""
    if projects is None:
        projects = selectors.scoped_projects(user=user, filters=filters, kind=None)
    counts = dict(projects.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    statuses = [(value, label) for value, label in ProjectStatus.choices if counts.get(value)]
    return Chart(
        key=key,
        title=title,
        kind="hbar",
        labels=[str(label) for _v, label in statuses],
        series=[("Projets", [counts[value] for value, _l in statuses])],
    )


def _late_winners_chart(*, user, filters) -> Chart:
    rows = selectors.delivery_late_by_district(user=user, filters=filters)
    return Chart(
        key="late-winners",
        title="Lauréats en retard de livraison, par arrondissement",
        kind="bar",
        labels=[district_label(key) for key, _n in rows],
        colours=(DANGER,),
        series=[("Lauréats en retard", [n for _key, n in rows])],
    )


def _execution_chart(*, user, filters) -> Chart:
    years = selectors.budget_years(user=user, filters=filters)
    return Chart(
        key="execution-years",
        title="Exécution budgétaire par exercice",
        kind="line",
        labels=[str(row.year) for row in years],
        unit="€",
        series=[
            ("Approuvé", [r.approved for r in years]),
            ("Engagé", [r.committed for r in years]),
            ("Mandaté", [r.paid for r in years]),
        ],
    )


def _envelope_chart(*, user, filters) -> Chart:
    rows = selectors.envelope_rows(user=user, filters=filters)
    return Chart(
        key="envelope",
        title=f"Enveloppe de {district_label(filters.district)} par édition",
        kind="bar",
        labels=[row.edition for row in rows],
        unit="€",
        series=[
            ("Enveloppe", [r.envelope for r in rows]),
            ("Lauréats (coût estimé)", [r.winners for r in rows]),
            ("Mandaté", [r.paid for r in rows]),
        ],
    )


def _late_milestones_chart(*, user, filters) -> Chart:
    milestones = selectors.scoped_milestones(user=user, filters=filters).filter(
        delivered_on__isnull=True, due_on__lt=timezone.localdate()
    )
    rows = list(milestones.order_by().values("contract__vendor__name").annotate(n=Count("pk")).order_by("-n")[:10])
    return Chart(
        key="late-milestones",
        title="Jalons en retard (non livrés), par titulaire",
        kind="hbar",
        colours=(DANGER,),
        labels=[row["contract__vendor__name"] for row in rows],
        series=[("Jalons en retard", [row["n"] for row in rows])],
    )


def _punctuality_chart(*, user, filters, title: str) -> Chart:
    """The winners delivered on time, late, or not yet: one grouped query (no median is drawn)."""
    winners = selectors.scoped_projects(user=user, filters=filters).filter(selected=True)
    counts = dict(
        winners.annotate(punctuality=selectors.punctuality_case())
        .order_by()
        .values("punctuality")
        .annotate(n=Count("pk"))
        .values_list("punctuality", "n")
    )
    labels = selectors.PUNCTUALITY_LABELS
    return Chart(
        key="winners-punctuality",
        title=title,
        kind="hbar",
        labels=[str(label) for label in labels.values()],
        series=[("Lauréats", [counts.get(key, 0) for key in labels])],
    )


def charts_for(user) -> tuple[str, list[tuple[Chart, str]]]:
    """The panel's title and its charts, each with the indicator page it comes from."""
    url = lambda key: reverse("indicators:theme", args=[key])  # noqa: E731
    district = own_district(user)
    if district:
        filters = IndicatorFilters(district=district, district_locked=True)
        return f"Indicateurs de {district_label(district)}", [
            (
                _status_chart(
                    user=user,
                    filters=filters,
                    key="district-status",
                    title=f"Projets de {district_label(district)} par statut",
                ),
                url("livraison"),
            ),
            (_envelope_chart(user=user, filters=filters), url("budget")),
            (
                _punctuality_chart(
                    user=user, filters=filters, title=f"Lauréats de {district_label(district)} : livrés à temps ou non"
                ),
                url("livraison"),
            ),
        ]
    filters = IndicatorFilters()
    if user.has_role(Role.DIRECTORATE_AGENT) and not access.sees_everything(user):
        return "Indicateurs de ma direction", [
            (
                _status_chart(
                    user=user, filters=filters, key="directorate-status", title="Projets de ma direction par phase"
                ),
                url("livraison"),
            ),
            (_late_milestones_chart(user=user, filters=filters), url("prestataires")),
            (_execution_chart(user=user, filters=filters), url("budget")),
        ]
    if user.has_role(Role.MDO_MANAGER, Role.DIRECTOR):
        return "Indicateurs de la ville", [
            (_execution_chart(user=user, filters=filters), url("budget")),
            (_late_winners_chart(user=user, filters=filters), url("livraison")),
            (_punctuality_chart(user=user, filters=filters, title="Lauréats livrés à temps ou non"), url("livraison")),
            (_late_milestones_chart(user=user, filters=filters), url("prestataires")),
        ]
    if user.has_role(Role.MDO_OFFICER):
        mine = selectors.scoped_projects(user=user, filters=filters, kind=None).filter(officer=user)
        return "Mes indicateurs", [
            (
                _status_chart(
                    user=user, filters=filters, key="my-status", title="Mes projets par statut", projects=mine
                ),
                url("livraison"),
            ),
            (_late_winners_chart(user=user, filters=filters), url("livraison")),
            (_late_milestones_chart(user=user, filters=filters), url("prestataires")),
        ]
    return "", []


def chart_of(user, key: str) -> Chart | None:
    """One of the reader's dashboard charts, for its download (the same scope as the panel)."""
    _title, charts = charts_for(user)
    return next((chart for chart, _url in charts if chart.key == key), None)


def render_panel(request) -> str:
    title, charts = charts_for(request.user)
    if not charts:
        return ""
    return render_to_string(
        "indicators/panel.html",
        {"title": title, "charts": charts, "download_url": reverse("indicators:dashboard_chart")},
        request=request,
    )
