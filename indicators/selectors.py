"""The indicators: every figure is an aggregate computed by the database on what the reader may see.

Each function takes the reader and the shared filters (edition, year, district) and answers in a
fixed number of queries, whatever the number of rows. The Python code only arranges the few
aggregated rows (one per district, status, year, vendor…) into tables and chart series.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from budgets.enums import BudgetLineStatus
from budgets.models import BudgetLine, Commitment, Payment
from consultations.enums import ConsultationStatus
from consultations.models import Consultation, TerritoryDistrict
from indicators.db import DaysBetween, figures, grouped_medians, median, part
from indicators.filters import IndicatorFilters
from indicators.models import DistrictPopulation
from mdo import access
from mdo.enums import district_label
from mdo.money import MONEY_OUTPUT
from meetings.enums import AttendanceStatus, MeetingKind, MeetingStatus
from meetings.models import Attendee, Meeting
from projects.enums import ProjectKind, ProjectStatus
from projects.models import Edition, EditionDistrict, Project, TimelineEntry
from projects.selectors import STAGE_ADMISSIBLE, STAGE_ON_BALLOT, STAGE_WINNER, late_q, stage_q
from vendors.enums import PenaltyDecision
from vendors.models import Invoice, Milestone, milestone_late_condition, milestone_overdue_condition

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
MONEY = MONEY_OUTPUT
S = ProjectStatus

TOTAL = "total"


def money(value) -> Decimal:
    """A sum from the database in euros and cents (SQLite gives 500000 for 500 000,00 €)."""
    return (value or ZERO).quantize(CENT)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


# --- the scoped querysets ------------------------------------------------------------------------


def scoped_projects(*, user, filters: IndicatorFilters, kind=ProjectKind.PARTICIPATORY_BUDGET):
    qs = access.visible(user, Project)
    if kind:
        qs = qs.filter(kind=kind)
    if filters.edition:
        qs = qs.filter(edition=filters.edition)
    if filters.year:
        qs = qs.filter(edition__start_year__lte=filters.year, edition__end_year__gte=filters.year)
    if filters.district:
        qs = qs.filter(district=filters.district)
    return qs


LINE_DISTRICT = Coalesce("holder_district", "project__district")


def scoped_lines(*, user, filters: IndicatorFilters, year_filter: bool = True):
    """Approved budget lines in scope; a line's district is its état spécial's, else its project's
    (as in the budget summary)."""
    qs = access.visible(user, BudgetLine).filter(status=BudgetLineStatus.APPROVED)
    if filters.edition:
        qs = qs.filter(project__edition=filters.edition)
    if filters.year and year_filter:
        qs = qs.filter(fiscal_year=filters.year)
    if filters.district:
        qs = qs.annotate(line_district=LINE_DISTRICT).filter(line_district=filters.district)
    return qs


ORDER_PROJECT = "order__commitment__budget_line__project"


def scoped_milestones(*, user, filters: IndicatorFilters):
    qs = access.visible(user, Milestone)
    if filters.edition:
        qs = qs.filter(**{f"{ORDER_PROJECT}__edition": filters.edition})
    if filters.year:
        qs = qs.filter(due_on__year=filters.year)
    if filters.district:
        qs = qs.filter(**{f"{ORDER_PROJECT}__district": filters.district})
    return qs


def scoped_invoices(*, user, filters: IndicatorFilters):
    qs = access.visible(user, Invoice)
    if filters.edition:
        qs = qs.filter(**{f"{ORDER_PROJECT}__edition": filters.edition})
    if filters.year:
        qs = qs.filter(due_on__year=filters.year)
    if filters.district:
        qs = qs.filter(**{f"{ORDER_PROJECT}__district": filters.district})
    return qs


def scoped_meetings(*, user, filters: IndicatorFilters):
    qs = access.visible(user, Meeting).filter(status=MeetingStatus.HELD)
    if filters.year:
        qs = qs.filter(start__year=filters.year)
    if filters.district:
        qs = qs.filter(Q(organisation__district=filters.district) | Q(neighbourhood__district=filters.district))
    return qs


# --- participation --------------------------------------------------------------------------------


@dataclass
class TurnoutRow:
    edition: str
    district: str
    number: int | None
    voters: int | None
    population: int | None

    @property
    def turnout(self) -> Decimal | None:
        return percent(self.voters, self.population) if self.voters is not None else None


@dataclass
class FunnelRow:
    label: str
    #: The district (None: city-wide projects); the total row has ``TOTAL``.
    district: int | str | None = None
    submitted: int = 0
    admissible: int = 0
    on_ballot: int = 0
    winners: int = 0


@dataclass
class AttendanceRow:
    label: str
    invited: int
    present: int
    excused: int
    absent: int

    @property
    def recorded(self) -> int:
        return self.present + self.excused + self.absent

    @property
    def rate(self) -> Decimal | None:
        return percent(self.present, self.recorded)


@dataclass
class ContributionRow:
    """One consultation of the inhabitants and the contributions (questionnaires answered) it received."""

    pk: int
    title: str
    status: str
    contributions: int
    target: int | None

    @property
    def of_target(self) -> Decimal | None:
        return percent(self.contributions, self.target)


@dataclass
class Participation:
    turnout: list[TurnoutRow]
    funnel: list[FunnelRow]
    funnel_total: FunnelRow
    attendance_by_organisation: list[AttendanceRow]
    attendance_by_kind: list[AttendanceRow]
    consultations: list[tuple[str, int]]
    contributions: list[ContributionRow] = field(default_factory=list)

    @property
    def contributions_total(self) -> int:
        return sum(row.contributions for row in self.contributions)


def _funnel_counts():
    return {
        "submitted": Count("pk"),
        "admissible": Count("pk", filter=stage_q(STAGE_ADMISSIBLE)),
        "on_ballot": Count("pk", filter=stage_q(STAGE_ON_BALLOT)),
        "winners": Count("pk", filter=stage_q(STAGE_WINNER)),
    }


def _attendance_rows(attendees, group) -> list[AttendanceRow]:
    rows = (
        attendees.annotate(group=group)
        .order_by()
        .values("group")
        .annotate(
            invited=Count("pk"),
            present=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)),
            excused=Count("pk", filter=Q(status=AttendanceStatus.EXCUSED)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        )
        .order_by("group")
    )
    return [
        AttendanceRow(
            label=row["group"] or "Invité·e·s extérieur·e·s",
            invited=row["invited"],
            present=row["present"],
            excused=row["excused"],
            absent=row["absent"],
        )
        for row in rows
    ]


def participation(*, user, filters: IndicatorFilters) -> Participation:
    """Voters and turnout per edition district, the projects' funnel, attendance, consultations: six queries."""
    districts = EditionDistrict.objects.filter(edition__in=access.visible(user, Edition))
    if filters.edition:
        districts = districts.filter(edition=filters.edition)
    if filters.year:
        districts = districts.filter(edition__start_year__lte=filters.year, edition__end_year__gte=filters.year)
    if filters.district:
        districts = districts.filter(number=filters.district)
    population = DistrictPopulation.objects.filter(district=OuterRef("number")).values("population")[:1]
    turnout = [
        TurnoutRow(
            edition=row["edition__name"],
            district=row["name"],
            number=row["number"],
            voters=row["voters"],
            population=row["population"],
        )
        for row in districts.annotate(population=Subquery(population))
        .order_by("-edition__number", "number", "name")
        .values("edition__name", "name", "number", "voters", "population")
    ]
    projects = scoped_projects(user=user, filters=filters)
    funnel = [
        FunnelRow(
            label=district_label(row["district"]),
            district=row["district"],
            **{k: row[k] for k in ("submitted", "admissible", "on_ballot", "winners")},
        )
        for row in projects.order_by()
        .values("district")
        .annotate(**_funnel_counts())
        .order_by(F("district").asc(nulls_last=True))
    ]
    total = FunnelRow(label="Total", district=TOTAL)
    for row in funnel:
        for key in ("submitted", "admissible", "on_ballot", "winners"):
            setattr(total, key, getattr(total, key) + getattr(row, key))
    attendees = Attendee.objects.filter(meeting__in=scoped_meetings(user=user, filters=filters).values("pk"))
    by_org = _attendance_rows(attendees, Coalesce("via_organisation__name", "user__organisation__name"))
    kind_label = Case(
        *[When(meeting__kind=value, then=Value(str(label))) for value, label in MeetingKind.choices],
        default=Value("Autre"),
        output_field=CharField(),
    )
    by_kind = _attendance_rows(attendees, kind_label)
    consultations_qs = scoped_projects(user=user, filters=filters, kind=ProjectKind.CONSULTATION)
    counts = dict(consultations_qs.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    consultations = [(str(label), counts[value]) for value, label in S.choices if counts.get(value)]
    return Participation(
        turnout=turnout,
        funnel=funnel,
        funnel_total=total,
        attendance_by_organisation=by_org,
        attendance_by_kind=by_kind,
        consultations=consultations,
        contributions=contributions(user=user, filters=filters),
    )


def contributions(*, user, filters: IndicatorFilters) -> list[ContributionRow]:
    """The consultations of the inhabitants in scope and their contributions, most answered first (one query).

    The district is one of the consultation's territory, as the consultations list filters it; the year one
    its period to the public (opening to closing) touches; the edition one of its linked projects'."""
    qs = access.visible(user, Consultation)
    if filters.edition:
        linked = Consultation.projects.through.objects.filter(project__edition=filters.edition)
        qs = qs.filter(pk__in=linked.values("consultation_id"))
    if filters.year:
        qs = qs.filter(start_on__year__lte=filters.year).filter(
            Q(end_on__isnull=True) | Q(end_on__year__gte=filters.year)
        )
    if filters.district:
        qs = qs.filter(pk__in=TerritoryDistrict.objects.filter(district=filters.district).values("consultation_id"))
    rows = (
        qs.order_by()
        .annotate(contributions=Count("responses"))
        .values("pk", "title", "status", "contributions", "participation_target")
        .order_by("-contributions", "title", "pk")
    )
    labels = dict(ConsultationStatus.choices)
    return [
        ContributionRow(
            pk=row["pk"],
            title=row["title"],
            status=str(labels.get(row["status"], row["status"])),
            contributions=row["contributions"],
            target=row["participation_target"],
        )
        for row in rows
    ]


# --- delivery of the participatory budget ---------------------------------------------------------

ON_TIME, LATE_DELIVERED, LATE, NOT_YET = "on_time", "late_delivered", "late", "not_yet"
PUNCTUALITY_LABELS = {
    ON_TIME: "Livrés à l'heure",
    LATE_DELIVERED: "Livrés en retard",
    LATE: "En retard, non livrés",
    NOT_YET: "Pas encore livrés, dans les temps",
}


def punctuality_case():
    return Case(
        When(
            Q(actual_end__isnull=False) & (Q(planned_end__isnull=True) | Q(actual_end__lte=F("planned_end"))),
            then=Value(ON_TIME),
        ),
        When(actual_end__isnull=False, then=Value(LATE_DELIVERED)),
        When(late_q(), then=Value(LATE)),
        default=Value(NOT_YET),
        output_field=CharField(),
    )


def vote_day():
    """The day a project became a winner: its first timeline entry into « Lauréate »."""
    return Subquery(
        TimelineEntry.objects.filter(project=OuterRef("pk"), to_status=S.WINNER)
        .order_by("created_at")
        .values("created_at")[:1]
    )


@dataclass
class PunctualityRow:
    key: object
    label: str
    counts: dict = field(default_factory=dict)
    median_days: float | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, key: str) -> int:
        return self.counts.get(key, 0)

    @property
    def ordered_counts(self) -> list[int]:
        return [self.count(key) for key in PUNCTUALITY_LABELS]

    @property
    def labelled_counts(self) -> list[tuple[str, int]]:
        return [(label, self.count(key)) for key, label in PUNCTUALITY_LABELS.items()]

    @property
    def on_time_rate(self) -> Decimal | None:
        delivered = self.count(ON_TIME) + self.count(LATE_DELIVERED)
        return percent(self.count(ON_TIME), delivered)


@dataclass
class MoneyRow:
    label: str
    #: The winners' district (None: city-wide winners); the total row has ``TOTAL``.
    district: int | str | None = None
    estimated: Decimal = ZERO
    approved: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO


@dataclass
class Delivery:
    statuses: list[str]
    by_edition: list[tuple[str, dict]]
    by_district: list[PunctualityRow]
    by_directorate: list[PunctualityRow]
    total: PunctualityRow
    money: list[MoneyRow]
    money_total: MoneyRow


def _punctuality_rows(winners, group: str, label) -> list[PunctualityRow]:
    rows: dict = {}
    for item in (
        winners.annotate(punctuality=punctuality_case()).order_by().values(group, "punctuality").annotate(n=Count("pk"))
    ):
        key = item[group]
        rows.setdefault(key, PunctualityRow(key=key, label=label(key))).counts[item["punctuality"]] = item["n"]
    delivered = winners.filter(actual_end__isnull=False)
    for key, value in grouped_medians(delivered, group, DaysBetween("actual_end", vote_day())).items():
        if key in rows:
            rows[key].median_days = value
    return sorted(rows.values(), key=lambda row: (row.key is None, row.label))


def delivery(*, user, filters: IndicatorFilters) -> Delivery:
    """Winners by status, on time or late, the median days from vote to delivery, and their money."""
    winners = scoped_projects(user=user, filters=filters).filter(selected=True)
    counts = defaultdict(dict)
    for item in winners.order_by().values("edition__name", "status").annotate(n=Count("pk")).order_by("edition__name"):
        counts[item["edition__name"] or "Sans édition"][item["status"]] = item["n"]
    present = {status for per in counts.values() for status in per}
    statuses = [value for value, _label in S.choices if value in present]
    by_district = _punctuality_rows(winners, "district", district_label)
    by_directorate = _punctuality_rows(winners, "lead_directorate__name", lambda name: name or "Sans direction")
    total = PunctualityRow(key=None, label="Total")
    for row in by_district:
        for key, n in row.counts.items():
            total.counts[key] = total.counts.get(key, 0) + n
    total.median_days = median(winners.filter(actual_end__isnull=False), DaysBetween("actual_end", vote_day()))
    money, money_total = _winner_money(user=user, filters=filters, winners=winners)
    return Delivery(
        statuses=statuses,
        by_edition=sorted(counts.items()),
        by_district=by_district,
        by_directorate=by_directorate,
        total=total,
        money=money,
        money_total=money_total,
    )


def delivery_late_by_district(*, user, filters: IndicatorFilters) -> list[tuple[int | None, int]]:
    """Winners past their planned delivery and not delivered, per district (one query)."""
    winners = scoped_projects(user=user, filters=filters).filter(selected=True).filter(late_q())
    rows = winners.order_by().values("district").annotate(n=Count("pk")).order_by(F("district").asc(nulls_last=True))
    return [(row["district"], row["n"]) for row in rows]


def _winner_money(*, user, filters, winners) -> tuple[list[MoneyRow], MoneyRow]:
    """Estimated cost, then approved, committed and paid on the lines of the winners, per district."""
    rows: dict = {}

    def row(key) -> MoneyRow:
        return rows.setdefault(key, MoneyRow(label=district_label(key), district=key))

    for item in winners.order_by().values("district").annotate(total=Sum("estimated_cost")):
        row(item["district"]).estimated = money(item["total"])
    lines = access.visible(user, BudgetLine).filter(status=BudgetLineStatus.APPROVED, project__in=winners.values("pk"))
    for item in lines.order_by().values("project__district").annotate(total=Sum("amount_ttc")):
        row(item["project__district"]).approved = money(item["total"])
    line_ids = lines.values("pk")
    for item in (
        Commitment.objects.engaged()
        .filter(budget_line__in=line_ids)
        .order_by()
        .values("budget_line__project__district")
        .annotate(total=Sum("amount"))
    ):
        row(item["budget_line__project__district"]).committed = money(item["total"])
    for item in (
        Payment.objects.filter(commitment__budget_line__in=line_ids)
        .order_by()
        .values("commitment__budget_line__project__district")
        .annotate(total=Sum("amount"))
    ):
        row(item["commitment__budget_line__project__district"]).paid = money(item["total"])
    ordered = [rows[key] for key in sorted(rows, key=lambda k: (k is None, k or 0))]
    total = MoneyRow(label="Total", district=TOTAL)
    for item in ordered:
        total.estimated += item.estimated
        total.approved += item.approved
        total.committed += item.committed
        total.paid += item.paid
    return ordered, total


# --- budget execution -----------------------------------------------------------------------------


@dataclass
class YearRow:
    year: int
    approved: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def rate(self) -> Decimal | None:
        return percent(self.paid, self.approved)


@dataclass
class EnvelopeRow:
    edition: str
    district: str
    envelope: Decimal
    winners: Decimal
    paid: Decimal
    edition_id: int | None = None
    number: int | None = None


@dataclass
class BudgetExecution:
    years: list[YearRow]
    directorates: list[str]
    cross: list[tuple[str, list[Decimal], Decimal]]
    cross_totals: list[Decimal]
    cross_total: Decimal
    envelopes: list[EnvelopeRow]


def budget_year_parts(*, user, filters: IndicatorFilters) -> dict:
    """Approved, committed and paid per fiscal year, as parts of :func:`indicators.db.figures`; the year
    filter does not apply: this is the line over time.

    Not one grouped query with the committed and paid sums as correlated subqueries: Django puts a
    non-aggregate annotation into the GROUP BY, so PostgreSQL evaluated both subqueries once per budget
    line instead of once per year (9,600 × two joins on the large set, past the statement timeout)."""
    all_years = scoped_lines(user=user, filters=filters, year_filter=False)
    ids = all_years.values("pk")
    return {
        "approved": part(all_years, key="fiscal_year", value=Sum("amount_ttc")),
        "committed": part(
            Commitment.objects.engaged().filter(budget_line__in=ids),
            key="budget_line__fiscal_year",
            value=Sum("amount"),
        ),
        "paid": part(
            Payment.objects.filter(commitment__budget_line__in=ids),
            key="commitment__budget_line__fiscal_year",
            value=Sum("amount"),
        ),
    }


def budget_year_rows(sums: dict) -> list[YearRow]:
    """The rows of :func:`budget_year_parts` read by :func:`indicators.db.figures`."""
    rows: dict[int, YearRow] = {}
    for kind in ("approved", "committed", "paid"):
        for year, _label, total in sums[kind]:
            row = rows.setdefault(year, YearRow(year))
            if total is not None:
                setattr(row, kind, money(total))
    # A year with commitments or payments but no approved line in scope is not a row of its own.
    approved_years = {year for year, _label, _total in sums["approved"]}
    return [rows[year] for year in sorted(rows) if year in approved_years]


def budget_years(*, user, filters: IndicatorFilters) -> list[YearRow]:
    """Approved, committed and paid per fiscal year, in one query (three grouped sums joined by UNION ALL)."""
    return budget_year_rows(figures(budget_year_parts(user=user, filters=filters)))


def budget_execution(*, user, filters: IndicatorFilters) -> BudgetExecution:
    """Approved, committed, paid per year; the district × directorate table; envelopes (seven queries)."""
    years = budget_years(user=user, filters=filters)
    lines = scoped_lines(user=user, filters=filters)
    cells = (
        lines.annotate(cell_district=LINE_DISTRICT)
        .order_by()
        .values("cell_district", "project__lead_directorate__name")
        .annotate(total=Sum("amount_ttc"))
    )
    table: dict = defaultdict(dict)
    names = set()
    for item in cells:
        name = item["project__lead_directorate__name"] or "Sans direction"
        names.add(name)
        table[item["cell_district"]][name] = money(item["total"])
    directorates = sorted(names)
    cross = []
    for key in sorted(table, key=lambda k: (k is None, k or 0)):
        values = [table[key].get(name, ZERO) for name in directorates]
        cross.append((district_label(key), values, sum(values, ZERO)))
    cross_totals = [sum((table[key].get(name, ZERO) for key in table), ZERO) for name in directorates]
    return BudgetExecution(
        years=years,
        directorates=directorates,
        cross=cross,
        cross_totals=cross_totals,
        cross_total=sum(cross_totals, ZERO),
        envelopes=envelope_rows(user=user, filters=filters),
    )


def envelope_parts(*, user, filters: IndicatorFilters) -> dict:
    """The estimated cost of the winners and what was paid on them, per edition district: parts of
    :func:`indicators.db.figures` for :func:`envelope_rows_of`."""
    winners = scoped_projects(user=user, filters=filters).filter(selected=True, edition_district__isnull=False)
    paid = Payment.objects.filter(
        commitment__budget_line__in=access.visible(user, BudgetLine)
        .filter(status=BudgetLineStatus.APPROVED, project__in=winners.values("pk"))
        .values("pk")
    )
    return {
        "winners_cost": part(winners, key="edition_district", value=Sum("estimated_cost")),
        "envelope_paid": part(paid, key="commitment__budget_line__project__edition_district", value=Sum("amount")),
    }


def envelope_rows(*, user, filters: IndicatorFilters) -> list[EnvelopeRow]:
    """Each edition district's envelope, the estimated cost of its winners and what was paid on them."""
    return envelope_rows_of(figures(envelope_parts(user=user, filters=filters)), user=user, filters=filters)


def envelope_rows_of(sums: dict, *, user, filters: IndicatorFilters) -> list[EnvelopeRow]:
    """The rows of :func:`envelope_rows` from the sums of :func:`envelope_parts` (one more query: the districts)."""
    winners_cost = {key: money(total) for key, _label, total in sums["winners_cost"]}
    paid = {key: money(total) for key, _label, total in sums["envelope_paid"]}
    districts = EditionDistrict.objects.select_related("edition").order_by(
        "-edition__number", "edition__name", "number"
    )
    if filters.edition:
        districts = districts.filter(edition=filters.edition)
    if filters.year:
        districts = districts.filter(edition__start_year__lte=filters.year, edition__end_year__gte=filters.year)
    if filters.district:
        districts = districts.filter(number=filters.district)
    elif not access.sees_everything(user):
        districts = districts.filter(pk__in=list(winners_cost))
    return [
        EnvelopeRow(
            edition=str(d.edition),
            district=d.name,
            envelope=d.envelope,
            winners=winners_cost.get(d.pk) or ZERO,
            paid=paid.get(d.pk) or ZERO,
            edition_id=d.edition_id,
            number=d.number,
        )
        for d in districts
    ]


# --- contractors ----------------------------------------------------------------------------------


@dataclass
class ContractorRow:
    key: object
    label: str
    url: str = ""
    milestones: int = 0
    due: int = 0
    on_time: int = 0
    open_late: int = 0
    late: int = 0
    median_delay: float | None = None
    penalties_pending: int = 0
    penalties_notified: int = 0
    penalties_notified_amount: Decimal = ZERO
    penalties_applied: int = 0
    penalties_applied_amount: Decimal = ZERO
    penalties_waived: int = 0
    invoices_paid: int = 0
    invoices_paid_in_time: int = 0
    interest: Decimal = ZERO
    flat_fees: Decimal = ZERO

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.due)

    @property
    def invoices_in_time_rate(self) -> Decimal | None:
        return percent(self.invoices_paid_in_time, self.invoices_paid)


@dataclass
class Contractors:
    total: ContractorRow
    by_vendor: list[ContractorRow]
    by_contract: list[ContractorRow]


def _milestone_aggregates(today):
    delivered_late = Q(delivered_on__isnull=False, delivered_on__gt=F("due_on"))
    notified = Q(penalty_notice_sent_on__isnull=False)
    return {
        "milestones": Count("pk"),
        # A milestone counts once it is due or delivered: on time means delivered by its due date.
        "due": Count("pk", filter=Q(due_on__lt=today) | Q(delivered_on__isnull=False)),
        "on_time": Count("pk", filter=Q(delivered_on__isnull=False, delivered_on__lte=F("due_on"))),
        # The milestones' own rules (vendors.models): "late" is what the milestones list's « En retard » filter
        # shows (delivered late or overdue), "open_late" the overdue ones still to chase.
        "open_late": Count("pk", filter=milestone_overdue_condition(today)),
        "late": Count("pk", filter=milestone_late_condition(today)),
        "penalties_pending": Count("pk", filter=delivered_late & Q(penalty_decision=PenaltyDecision.NONE)),
        # Proposed: the penalties notified to the vendor (the contradictory procedure's letter), at the amount
        # notified, whatever was decided afterwards.
        "penalties_notified": Count("pk", filter=notified),
        "penalties_notified_amount": Coalesce(
            Sum("penalty_notice_amount", filter=notified), Value(ZERO), output_field=MONEY
        ),
        "penalties_applied": Count("pk", filter=Q(penalty_decision=PenaltyDecision.APPLIED)),
        "penalties_applied_amount": Coalesce(
            Sum("penalty", filter=Q(penalty_decision=PenaltyDecision.APPLIED)), Value(ZERO), output_field=MONEY
        ),
        "penalties_waived": Count("pk", filter=Q(penalty_decision=PenaltyDecision.WAIVED)),
    }


def _invoice_aggregates(invoices, group: str, label: str):
    # Interest and the flat fee are those recorded on each invoice when it was paid (vendors.services.invoice_pay):
    # the figure is the invoices' own, never recomputed here with another rule.
    paid = invoices.filter(paid_on__isnull=False).annotate(_late_days=DaysBetween("paid_on", "due_on"))
    not_suspended = ~Q(suspended_on__isnull=False, resumed_on__isnull=True)
    late = Q(_late_days__gt=0) & not_suspended
    annotations = {
        "invoices_paid": Count("pk"),
        "invoices_paid_in_time": Count("pk", filter=~late),
        "late_count": Count("pk", filter=late),
        "interest": Coalesce(Sum("interest_amount"), Value(ZERO), output_field=MONEY),
        "flat_fees": Coalesce(Sum("interest_flat_fee"), Value(ZERO), output_field=MONEY),
    }
    return [
        item | {"group": item[group], "label": item[label]}
        for item in paid.order_by().values(group, label).annotate(**annotations)
    ]


def contractors(*, user, filters: IndicatorFilters) -> Contractors:
    """Punctuality of the milestones, penalties, invoices paid in time and interest, per vendor and contract."""
    from django.urls import reverse

    today = timezone.localdate()
    milestones = scoped_milestones(user=user, filters=filters)
    invoices = scoped_invoices(user=user, filters=filters)
    delay = Case(
        When(delivered_on__gt=F("due_on"), then=DaysBetween("delivered_on", "due_on")),
        default=Value(0),
        output_field=IntegerField(),
    )
    delivered = milestones.filter(delivered_on__isnull=False)

    def build(group_field: str, label_field: str, url_name: str, invoice_group: str, invoice_label: str):
        rows: dict = {}
        for item in milestones.order_by().values(group_field, label_field).annotate(**_milestone_aggregates(today)):
            key = item.pop(group_field)
            label = item.pop(label_field)
            item["penalties_applied_amount"] = money(item["penalties_applied_amount"])
            item["penalties_notified_amount"] = money(item["penalties_notified_amount"])
            rows[key] = ContractorRow(key=key, label=label, url=reverse(url_name, args=[key]), **item)
        for key, value in grouped_medians(delivered, group_field, delay).items():
            if key in rows:
                rows[key].median_delay = value
        for item in _invoice_aggregates(invoices, invoice_group, invoice_label):
            key = item["group"]
            if key not in rows:  # invoices without a milestone in the filter
                rows[key] = ContractorRow(key=key, label=item["label"], url=reverse(url_name, args=[key]))
            rows[key].invoices_paid = item["invoices_paid"]
            rows[key].invoices_paid_in_time = item["invoices_paid_in_time"]
            rows[key].interest = (item["interest"] or ZERO).quantize(CENT)
            rows[key].flat_fees = item["flat_fees"]
        return sorted(rows.values(), key=lambda row: (row.on_time_rate is None, row.on_time_rate or 0, row.label))

    by_vendor = build(
        "contract__vendor",
        "contract__vendor__name",
        "vendors:vendor_detail",
        "order__contract__vendor",
        "order__contract__vendor__name",
    )
    by_contract = build(
        "contract", "contract__reference", "vendors:contract_detail", "order__contract", "order__contract__reference"
    )
    total = ContractorRow(key=None, label="Total", **milestones.order_by().aggregate(**_milestone_aggregates(today)))
    total.penalties_applied_amount = money(total.penalties_applied_amount)
    total.penalties_notified_amount = money(total.penalties_notified_amount)
    total.median_delay = median(delivered, delay)
    # The invoices' totals add the vendors' rows up: each invoice has one vendor.
    for row in by_vendor:
        total.invoices_paid += row.invoices_paid
        total.invoices_paid_in_time += row.invoices_paid_in_time
        total.interest += row.interest
        total.flat_fees += row.flat_fees
    return Contractors(total=total, by_vendor=by_vendor, by_contract=by_contract)


# --- the years the filter offers ------------------------------------------------------------------


def filter_years(*, user) -> list[int]:
    """The years with budget lines or editions the reader sees, newest first (two queries)."""
    years = set(access.visible(user, BudgetLine).order_by().values_list("fiscal_year", flat=True).distinct())
    for start, end in access.visible(user, Edition).values_list("start_year", "end_year"):
        if start:
            years.update(range(start, (end or start) + 1))
    return sorted(years, reverse=True)
