"""The dashboard's charts: the three or four that matter to the reader's role, from one query."""

from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from indicators import selectors
from indicators.db import figures, part
from indicators.filters import IndicatorFilters, own_district
from mdo import access
from mdo.charts import DANGER, Chart
from mdo.enums import Role, district_label
from projects.enums import ProjectStatus
from projects.selectors import late_q


def _status_part(*, user, filters, projects=None):
    """Projects by status."""
    if projects is None:
        projects = selectors.scoped_projects(user=user, filters=filters, kind=None)
    return part(projects, label="status", value=Count("pk"))


def _status_chart(rows, *, key: str, title: str) -> Chart:
    counts = {status: int(n) for _key, status, n in rows}
    statuses = [(value, label) for value, label in ProjectStatus.choices if counts.get(value)]
    return Chart(
        key=key,
        title=title,
        kind="hbar",
        labels=[str(label) for _v, label in statuses],
        series=[("Projets", [counts[value] for value, _l in statuses])],
    )


def _late_winners_part(*, user, filters):
    """Winners past their planned delivery and not delivered, per district."""
    winners = selectors.scoped_projects(user=user, filters=filters).filter(selected=True).filter(late_q())
    return part(winners, key="district", value=Count("pk"))


def _late_winners_chart(rows) -> Chart:
    rows = sorted(((district, int(n)) for district, _label, n in rows), key=lambda row: (row[0] is None, row[0] or 0))
    return Chart(
        key="late-winners",
        title="Lauréats en retard de livraison, par arrondissement",
        kind="bar",
        labels=[district_label(key) for key, _n in rows],
        colours=(DANGER,),
        series=[("Lauréats en retard", [n for _key, n in rows])],
    )


def _execution_chart(sums) -> Chart:
    years = selectors.budget_year_rows(sums)
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


def _envelope_chart(sums, *, user, filters) -> Chart:
    rows = selectors.envelope_rows_of(sums, user=user, filters=filters)
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


def _late_milestones_part(*, user, filters):
    """Milestones past due and not delivered, per vendor."""
    milestones = selectors.scoped_milestones(user=user, filters=filters).filter(
        delivered_on__isnull=True, due_on__lt=timezone.localdate()
    )
    return part(milestones, label="contract__vendor__name", value=Count("pk"))


def _late_milestones_chart(rows) -> Chart:
    """The ten vendors with the most late milestones (the most first, then by name)."""
    top = sorted(((name, int(n)) for _key, name, n in rows), key=lambda row: (-row[1], row[0]))[:10]
    return Chart(
        key="late-milestones",
        title="Jalons en retard (non livrés), par titulaire",
        kind="hbar",
        colours=(DANGER,),
        labels=[name for name, _n in top],
        series=[("Jalons en retard", [n for _name, n in top])],
    )


def _punctuality_part(*, user, filters):
    """The winners delivered on time, late, or not yet (no median is drawn)."""
    winners = selectors.scoped_projects(user=user, filters=filters).filter(selected=True)
    return part(winners.annotate(punctuality=selectors.punctuality_case()), label="punctuality", value=Count("pk"))


def _punctuality_chart(rows, *, title: str) -> Chart:
    counts = {key: int(n) for _key, key, n in rows}
    labels = selectors.PUNCTUALITY_LABELS
    return Chart(
        key="winners-punctuality",
        title=title,
        kind="hbar",
        labels=[str(label) for label in labels.values()],
        series=[("Lauréats", [counts.get(key, 0) for key in labels])],
    )


def charts_for(user) -> tuple[str, list[tuple[Chart, str]]]:
    """The panel's title and its charts, each with the indicator page it comes from.

    Every chart's aggregates are parts of one query (:func:`indicators.db.figures`), whatever the role;
    the envelope's districts are read by a second one."""
    url = lambda key: reverse("indicators:theme", args=[key])  # noqa: E731
    district = own_district(user)
    if district:
        filters = IndicatorFilters(district=district, district_locked=True)
        sums = figures(
            {
                "status": _status_part(user=user, filters=filters),
                "punctuality": _punctuality_part(user=user, filters=filters),
                **selectors.envelope_parts(user=user, filters=filters),
            }
        )
        return f"Indicateurs de {district_label(district)}", [
            (
                _status_chart(
                    sums["status"], key="district-status", title=f"Projets de {district_label(district)} par statut"
                ),
                url("livraison"),
            ),
            (_envelope_chart(sums, user=user, filters=filters), url("budget")),
            (
                _punctuality_chart(
                    sums["punctuality"], title=f"Lauréats de {district_label(district)} : livrés à temps ou non"
                ),
                url("livraison"),
            ),
        ]
    filters = IndicatorFilters()
    if user.has_role(Role.DIRECTORATE_AGENT) and not access.sees_everything(user):
        sums = figures(
            {
                "status": _status_part(user=user, filters=filters),
                "late_milestones": _late_milestones_part(user=user, filters=filters),
                **selectors.budget_year_parts(user=user, filters=filters),
            }
        )
        return "Indicateurs de ma direction", [
            (
                _status_chart(sums["status"], key="directorate-status", title="Projets de ma direction par phase"),
                url("livraison"),
            ),
            (_late_milestones_chart(sums["late_milestones"]), url("prestataires")),
            (_execution_chart(sums), url("budget")),
        ]
    if user.has_role(Role.MDO_MANAGER, Role.DIRECTOR):
        sums = figures(
            {
                **selectors.budget_year_parts(user=user, filters=filters),
                "late_winners": _late_winners_part(user=user, filters=filters),
                "punctuality": _punctuality_part(user=user, filters=filters),
                "late_milestones": _late_milestones_part(user=user, filters=filters),
            }
        )
        return "Indicateurs de la ville", [
            (_execution_chart(sums), url("budget")),
            (_late_winners_chart(sums["late_winners"]), url("livraison")),
            (_punctuality_chart(sums["punctuality"], title="Lauréats livrés à temps ou non"), url("livraison")),
            (_late_milestones_chart(sums["late_milestones"]), url("prestataires")),
        ]
    if user.has_role(Role.MDO_OFFICER):
        mine = selectors.scoped_projects(user=user, filters=filters, kind=None).filter(officer=user)
        sums = figures(
            {
                "status": _status_part(user=user, filters=filters, projects=mine),
                "late_winners": _late_winners_part(user=user, filters=filters),
                "late_milestones": _late_milestones_part(user=user, filters=filters),
            }
        )
        return "Mes indicateurs", [
            (_status_chart(sums["status"], key="my-status", title="Mes projets par statut"), url("livraison")),
            (_late_winners_chart(sums["late_winners"]), url("livraison")),
            (_late_milestones_chart(sums["late_milestones"]), url("prestataires")),
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
