"""Each indicator page: its figures (from the selectors) and the charts drawn from them."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from indicators import selectors
from indicators.filters import IndicatorFilters
from mdo.charts import DANGER, PALETTE, Chart
from projects.enums import ProjectKind, ProjectStatus
from projects.selectors import STAGE_ADMISSIBLE, STAGE_ON_BALLOT, STAGE_WINNER


@dataclass(frozen=True)
class Theme:
    key: str
    title: str
    build: object  # build(*, user, filters) -> dict with "charts"


CONSULTATION_CHART_ROWS = 15

#: Each column of the funnel and the projects list's « Étape atteinte » that gives it.
WINNERS_QUERY = {"kind": ProjectKind.PARTICIPATORY_BUDGET.value, "stage": STAGE_WINNER}
FUNNEL_STAGES = {
    "submitted": None,
    "admissible": STAGE_ADMISSIBLE,
    "on_ballot": STAGE_ON_BALLOT,
    "winners": STAGE_WINNER,
}


def funnel_cells(row: selectors.FunnelRow, filters: IndicatorFilters) -> list[tuple[int, str]]:
    """Each figure of a funnel row and the projects list filtered to give it (same edition, district and
    step), to click from the figure to the projects.

    No link under a year filter: the projects list has no year, so no list gives those figures."""
    query = {"kind": ProjectKind.PARTICIPATORY_BUDGET.value} | _district_query(row.district, filters)
    return [
        (
            getattr(row, column),
            "" if filters.year else _url("projects:index", query | ({"stage": stage} if stage else {})),
        )
        for column, stage in FUNNEL_STAGES.items()
    ]


def _district_query(row_district, filters: IndicatorFilters) -> dict:
    """The edition and district of a row (or of the filter, for the total row) as a list's query."""
    query: dict = {"edition": filters.edition.pk} if filters.edition else {}
    if row_district != selectors.TOTAL:
        query["district"] = row_district or "ville"
    elif filters.district:
        query["district"] = filters.district
    return query


def _url(name: str, query: dict) -> str:
    return f"{reverse(name)}?{urlencode(query)}"


def money_cells(row: selectors.MoneyRow, filters: IndicatorFilters) -> list[tuple]:
    """The winners' money of a district and the lists giving it: the projects list's winners for the
    estimated cost, the budget lines list's approved lines of the winners for the rest (no link under a
    year filter, which neither list has)."""
    where = _district_query(row.district, filters)
    projects = "" if filters.year else _url("projects:index", where | WINNERS_QUERY)
    lines = "" if filters.year else _url("budgets:index", where | {"status": "approved", "winners": "on"})
    return [(row.estimated, projects), (row.approved, lines), (row.committed, lines), (row.paid, lines)]


def envelope_cells(row: selectors.EnvelopeRow, filters: IndicatorFilters) -> list[tuple]:
    """An edition district's envelope, its winners' estimated cost (the projects list's winners of the edition
    and district) and what was paid on them (the budget lines list's approved lines of those winners)."""
    if filters.year or not row.number:
        return [(row.envelope, ""), (row.winners, ""), (row.paid, "")]
    where = {"edition": row.edition_id, "district": row.number}
    return [
        (row.envelope, ""),
        (row.winners, _url("projects:index", where | WINNERS_QUERY)),
        (row.paid, _url("budgets:index", where | {"status": "approved", "winners": "on"})),
    ]


def build_participation(*, user, filters: IndicatorFilters) -> dict:
    data = selectors.participation(user=user, filters=filters)
    charts = []
    with_voters = [row for row in data.turnout if row.voters is not None]
    edition_names = sorted({row.edition for row in with_voters})
    if with_voters:
        latest = with_voters[0].edition
        rows = [row for row in with_voters if row.edition == latest and row.number]
        charts.append(
            Chart(
                key="turnout-map",
                title=f"Participation au vote par arrondissement ({latest}), en % de la population",
                kind="tiles",
                labels=[row.district for row in rows],
                districts=[row.number for row in rows],
                series=[("Participation", [row.turnout for row in rows])],
                unit="%",
            )
        )
        labels = sorted(
            {row.district for row in with_voters},
            key=lambda name: next((r.number or 99 for r in with_voters if r.district == name), 99),
        )
        charts.append(
            Chart(
                key="voters",
                title="Votant·e·s par arrondissement et par édition",
                kind="bar",
                labels=labels,
                series=[
                    (
                        edition,
                        [
                            next((r.voters for r in with_voters if r.edition == edition and r.district == label), None)
                            for label in labels
                        ],
                    )
                    for edition in edition_names
                ],
            )
        )
    funnel = data.funnel
    charts.append(
        Chart(
            key="funnel",
            title="Projets déposés, recevables, soumis au vote et lauréats par arrondissement",
            kind="bar",
            labels=[row.label for row in funnel],
            series=[
                ("Déposés", [r.submitted for r in funnel]),
                ("Recevables", [r.admissible for r in funnel]),
                ("Soumis au vote", [r.on_ballot for r in funnel]),
                ("Lauréats", [r.winners for r in funnel]),
            ],
        )
    )
    kinds = data.attendance_by_kind
    charts.append(
        Chart(
            key="attendance-kind",
            title="Taux de présence aux réunions tenues, par type de réunion",
            kind="hbar",
            labels=[row.label for row in kinds],
            series=[("Présence", [row.rate for row in kinds])],
            unit="%",
        )
    )
    # The most answered consultations: the table below lists every one.
    answered = [row for row in data.contributions if row.contributions][:CONSULTATION_CHART_ROWS]
    charts.append(
        Chart(
            key="contributions",
            title="Contributions reçues par consultation (questionnaires répondus)",
            kind="hbar",
            labels=[row.title for row in answered],
            series=[("Contributions", [row.contributions for row in answered])],
        )
    )
    return {
        "data": data,
        "charts": charts,
        "funnel_rows": [(row, funnel_cells(row, filters)) for row in funnel],
        "funnel_total": funnel_cells(data.funnel_total, filters),
        "attendance_tables": [
            ("Par organisation", data.attendance_by_organisation),
            ("Par type de réunion", data.attendance_by_kind),
        ],
    }


def build_delivery(*, user, filters: IndicatorFilters) -> dict:
    data = selectors.delivery(user=user, filters=filters)
    labels = [edition for edition, _counts in data.by_edition]
    charts = [
        Chart(
            key="winners-status",
            title="Projets lauréats par statut et par édition",
            kind="stacked",
            labels=labels,
            series=[
                (str(ProjectStatus(status).label), [counts.get(status, 0) for _e, counts in data.by_edition])
                for status in data.statuses
            ],
        )
    ]
    keys = list(selectors.PUNCTUALITY_LABELS)
    colours = (PALETTE[1], PALETTE[2], DANGER, PALETTE[0])
    for key, title, rows in (
        ("punctuality-district", "Livraison des lauréats par arrondissement", data.by_district),
        ("punctuality-directorate", "Livraison des lauréats par direction pilote", data.by_directorate),
    ):
        charts.append(
            Chart(
                key=key,
                title=title,
                kind="stacked",
                labels=[row.label for row in rows],
                colours=colours,
                series=[(selectors.PUNCTUALITY_LABELS[k], [row.count(k) for row in rows]) for k in keys],
            )
        )
    money = data.money
    charts.append(
        Chart(
            key="winners-money",
            title="Argent des lauréats par arrondissement : estimé, approuvé, engagé, mandaté",
            kind="bar",
            labels=[row.label for row in money],
            unit="€",
            series=[
                ("Coût estimé", [r.estimated for r in money]),
                ("Approuvé", [r.approved for r in money]),
                ("Engagé", [r.committed for r in money]),
                ("Mandaté", [r.paid for r in money]),
            ],
        )
    )
    return {
        "data": data,
        "charts": charts,
        "punctuality_labels": list(selectors.PUNCTUALITY_LABELS.values()),
        "punctuality_tables": [("Par arrondissement", data.by_district), ("Par direction pilote", data.by_directorate)],
        "money_rows": [(row, money_cells(row, filters)) for row in money],
        "money_total": money_cells(data.money_total, filters),
    }


def build_budget(*, user, filters: IndicatorFilters) -> dict:
    data = selectors.budget_execution(user=user, filters=filters)
    years = data.years
    envelopes = data.envelopes
    # The chart shows one edition (the latest in the filter); the table below lists them all.
    latest = envelopes[0].edition if envelopes else "aucune édition"
    shown = [row for row in envelopes if row.edition == latest]
    charts = [
        Chart(
            key="execution-years",
            title="Approuvé, engagé et mandaté par exercice",
            kind="line",
            labels=[str(row.year) for row in years],
            unit="€",
            series=[
                ("Approuvé", [r.approved for r in years]),
                ("Engagé", [r.committed for r in years]),
                ("Mandaté", [r.paid for r in years]),
            ],
        ),
        Chart(
            key="envelopes",
            title=f"Enveloppes d'arrondissement, coût estimé des lauréats et mandaté ({latest})",
            kind="bar",
            labels=[row.district for row in shown],
            unit="€",
            series=[
                ("Enveloppe", [r.envelope for r in shown]),
                ("Lauréats (coût estimé)", [r.winners for r in shown]),
                ("Mandaté", [r.paid for r in shown]),
            ],
        ),
        Chart(
            key="execution-cross",
            title="Approuvé par arrondissement et direction pilote",
            kind="stacked",
            labels=[label for label, _values, _total in data.cross],
            unit="€",
            series=[
                (name, [values[i] for _label, values, _total in data.cross]) for i, name in enumerate(data.directorates)
            ],
        ),
    ]
    return {
        "data": data,
        "charts": charts,
        "envelope_rows": [(row, envelope_cells(row, filters)) for row in envelopes],
    }


VENDOR_CHART_ROWS = 15


def build_contractors(*, user, filters: IndicatorFilters) -> dict:
    data = selectors.contractors(user=user, filters=filters)
    worst = [row for row in data.by_vendor if row.on_time_rate is not None][:VENDOR_CHART_ROWS]
    charts = [
        Chart(
            key="vendors-on-time",
            title=f"Jalons livrés à l'heure, par titulaire ({len(worst)} moins ponctuels)",
            kind="hbar",
            labels=[row.label for row in worst],
            unit="%",
            series=[("Jalons à l'heure", [row.on_time_rate for row in worst])],
        ),
        Chart(
            key="vendors-invoices",
            title="Factures payées dans le délai global de paiement, par titulaire",
            kind="hbar",
            labels=[row.label for row in worst],
            unit="%",
            series=[("Payées à temps", [row.invoices_in_time_rate for row in worst])],
        ),
    ]
    return {"data": data, "charts": charts, "totals": [data.total]}


THEMES = {
    "participation": Theme("participation", "Participation", build_participation),
    "livraison": Theme("livraison", "Livraison du budget participatif", build_delivery),
    "budget": Theme("budget", "Exécution budgétaire", build_budget),
    "prestataires": Theme("prestataires", "Prestataires", build_contractors),
}
