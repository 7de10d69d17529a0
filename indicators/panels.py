"""The dashboard's charts: the three or four that matter to the reader's role."""

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from indicators import selectors
from indicators.charts import DANGER, Chart
from indicators.filters import IndicatorFilters, own_district
from mdo import access
from mdo.enums import Role, district_label
from projects.enums import ProjectStatus


def _status_chart(*, user, filters, key: str, title: str) -> Chart:
    projects = selectors.scoped_projects(user=user, filters=filters, kind=None)
    counts = dict(projects.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    statuses = [(value, label) for value, label in ProjectStatus.choices if counts.get(value)]
    return Chart(key=key, title=title, kind="hbar", labels=[str(label) for _v, label in statuses],
                 series=[("Projets", [counts[value] for value, _l in statuses])])


def _late_winners_chart(*, user, filters) -> Chart:
    rows = selectors.delivery_late_by_district(user=user, filters=filters)
    return Chart(key="late-winners", title="Lauréats en retard de livraison, par arrondissement", kind="bar",
                 labels=[district_label(key) for key, _n in rows], colours=(DANGER,),
                 series=[("Lauréats en retard", [n for _key, n in rows])])


def _execution_chart(*, user, filters) -> Chart:
    years = selectors.budget_years(user=user, filters=filters)
    return Chart(key="execution-years", title="Exécution budgétaire par exercice", kind="line",
                 labels=[str(row.year) for row in years], unit="€",
                 series=[("Approuvé", [r.approved for r in years]), ("Engagé", [r.committed for r in years]),
                         ("Mandaté", [r.paid for r in years])])


def _envelope_chart(*, user, filters) -> Chart:
    rows = selectors.envelope_rows(user=user, filters=filters)
    return Chart(key="envelope", title=f"Enveloppe de {district_label(filters.district)} par édition", kind="bar",
                 labels=[row.edition for row in rows], unit="€",
                 series=[("Enveloppe", [r.envelope for r in rows]), ("Lauréats (coût estimé)", [r.winners for r in rows]),
                         ("Mandaté", [r.paid for r in rows])])


def _late_milestones_chart(*, user, filters) -> Chart:
    milestones = selectors.scoped_milestones(user=user, filters=filters).filter(
        delivered_on__isnull=True, due_on__lt=timezone.localdate())
    rows = list(milestones.order_by().values("contract__vendor__name").annotate(n=Count("pk")).order_by("-n")[:10])
    return Chart(key="late-milestones", title="Jalons en retard (non livrés), par titulaire", kind="hbar",
                 colours=(DANGER,), labels=[row["contract__vendor__name"] for row in rows],
                 series=[("Jalons en retard", [row["n"] for row in rows])])


def charts_for(user) -> tuple[str, list[tuple[Chart, str]]]:
    """The panel's title and its charts, each with the indicator page it comes from."""
    url = lambda key: reverse("indicators:theme", args=[key])  # noqa: E731
    district = own_district(user)
    if district:
        filters = IndicatorFilters(district=district, district_locked=True)
        return f"Indicateurs de {district_label(district)}", [
            (_status_chart(user=user, filters=filters, key="district-status",
                           title=f"Projets de {district_label(district)} par statut"), url("livraison")),
            (_envelope_chart(user=user, filters=filters), url("budget")),
        ]
    filters = IndicatorFilters()
    if user.has_role(Role.DIRECTORATE_AGENT) and not access.sees_everything(user):
        return "Indicateurs de ma direction", [
            (_status_chart(user=user, filters=filters, key="directorate-status",
                           title="Projets de ma direction par phase"), url("livraison")),
            (_late_milestones_chart(user=user, filters=filters), url("prestataires")),
        ]
    if user.has_role(Role.MDO_MANAGER, Role.DIRECTOR):
        return "Indicateurs de la ville", [
            (_execution_chart(user=user, filters=filters), url("budget")),
            (_late_winners_chart(user=user, filters=filters), url("livraison")),
        ]
    return "", []


def render_panel(request) -> str:
    title, charts = charts_for(request.user)
    if not charts:
        return ""
    return render_to_string("indicators/panel.html", {"title": title, "charts": charts}, request=request)
