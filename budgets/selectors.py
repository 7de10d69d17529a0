"""Reads of the budgets app, every one scoped through ``mdo.access``."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from budgets.enums import ApprovalStep, BudgetLineStatus
from budgets.models import BudgetDecision, BudgetLine, Commitment, Payment
from mdo import access
from mdo.enums import district_label
from mdo.registry import TaskItem
from projects.selectors import openable_project_fields

ZERO = Decimal("0.00")


def budget_line_list_for_user(*, user):
    """The lines a user may see, with what the list shows, committed, paid and available totals included."""
    return (
        access.visible(user, BudgetLine)
        .select_related("project", "project__lead_directorate", "requester")
        .with_amounts()
    )


def line_commitments_and_payments(line) -> tuple[list, list]:
    commitments = list(line.commitments.select_related("created_by").order_by("committed_on", "pk"))
    payments = list(
        Payment.objects.filter(commitment__budget_line=line).select_related("commitment").order_by("paid_on", "pk")
    )
    return commitments, payments


def line_history(line) -> list:
    """The line's history, with the corrections of the town hall's opinion on it (old and new answer);
    mdo.history already puts statuses and sections in words."""
    from mdo.history import HistoryRow, history_rows

    rows = history_rows(line)
    records = list(
        BudgetDecision.history.filter(budget_line_id=line.pk, step=ApprovalStep.TOWN_HALL_OPINION)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    columns = [BudgetDecision._meta.get_field(name) for name in ("outcome", "comment")]
    for previous, record in zip(records, records[1:], strict=False):
        if record.id != previous.id or record.history_type != "~":
            continue
        changes = [
            (
                str(column.verbose_name),
                _shown(column, getattr(previous, column.name)),
                _shown(column, getattr(record, column.name)),
            )
            for column in columns
            if getattr(previous, column.name) != getattr(record, column.name)
        ]
        rows.append(HistoryRow(record.history_date, record.history_user, "Correction de l'avis de la mairie", changes))
    return sorted(rows, key=lambda row: row.date, reverse=True)


def _shown(column, value):
    return dict(column.flatchoices).get(value, value) if column.choices else value


@dataclass
class ProjectLinesTotal:
    label: str
    amount_ht: Decimal = ZERO
    amount_ttc: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO
    available: Decimal | None = None


def project_budget_lines(*, user, project) -> tuple[list, list[ProjectLinesTotal]]:
    """The lines of ``project`` that ``user`` may see (one query), newest year first, each with its
    committed, paid and available amounts, and the totals: approved lines, then those still in approval.

    Available is the approved amount TTC less what is committed; a line not approved has none.
    """
    lines = list(
        budget_line_list_for_user(user=user).filter(project=project).order_by("-fiscal_year", "chapter", "nature", "pk")
    )
    approved = ProjectLinesTotal(label="Total des lignes approuvées", available=ZERO)
    pending = ProjectLinesTotal(label="En cours d'approbation (brouillon, soumises, à modifier)")
    for line in lines:
        if line.status == BudgetLineStatus.REJECTED:
            continue  # a refused request is money nobody will spend
        total = approved if line.status == BudgetLineStatus.APPROVED else pending
        total.amount_ht += line.amount_ht
        total.amount_ttc += line.amount_ttc
        total.committed += line.committed_total
        total.paid += line.paid_total
        if line.available is not None:
            total.available += line.available
    totals = [approved] + ([pending] if pending.amount_ht else [])
    return lines, totals


# --- "Mes tâches" -----------------------------------------------------------------------------


def _flow_tasks():
    from budgets.flows import BudgetApprovalFlow

    return Task.objects.filter(process__flow_class=BudgetApprovalFlow)


def open_tasks_for_user(user):
    """Open approval tasks ``user`` may take or holds: assigned to them, or to their role and organisation.

    A line's requester never sees the approval steps of their own line (they may not decide them).
    """
    from budgets.flows import PERMISSION_ROLES

    if not access.is_active_user(user):
        return Task.objects.none()
    permissions = [perm for perm, role in PERMISSION_ROLES.items() if user.has_role(role)]
    takeable = Q(status=STATUS.NEW, owner__isnull=True, owner_permission__in=permissions) & (
        Q(owner_permission_obj_pk__isnull=True) | Q(owner_permission_obj_pk=str(user.organisation_id))
    )
    mine = Q(status__in=[STATUS.NEW, STATUS.ASSIGNED], owner=user)
    visible_lines = access.visible(user, BudgetLine).values("pk")
    return (
        _flow_tasks()
        .filter(takeable | mine)
        .filter(process__budgetapproval__budget_line__in=visible_lines)
        .exclude(Q(process__budgetapproval__budget_line__requester=user) & ~Q(owner=user))
        .select_related("owner", "process__budgetapproval__budget_line__project")
        .order_by("created", "pk")
    )


def task_count_for_user(user) -> int:
    return open_tasks_for_user(user).count()


def task_items_for_user(user) -> list[TaskItem]:
    from budgets.flows import task_due_on

    items = []
    # A 3e état spécial line on a 5e project comes to the 3e town hall: the line, not the project
    # (whether the reader may open it rides on the tasks' own query).
    tasks = open_tasks_for_user(user).annotate(
        **openable_project_fields(user=user, path="process__budgetapproval__budget_line__project")
    )
    for task in tasks:
        line = task.process.budgetapproval.budget_line
        mine = task.owner_id == user.pk
        step = task.flow_task.step
        items.append(
            TaskItem(
                title=f"{line.label} ({line.fiscal_year})",
                url=reverse("budgets:task_detail", args=[task.pk]),
                created=task.created,
                kind=str(ApprovalStep(step).label),
                due=task_due_on(task),
                amount=line.amount_ht,
                project=task.visible_project_title or "",
                project_url=reverse("projects:detail", args=[task.visible_project_id])
                if task.visible_project_id
                else "",
                assigned_to_me=mine,
                take_url="" if task.owner_id else reverse("budgets:task_take", args=[task.pk]),
                release_url=reverse("budgets:task_release", args=[task.pk])
                if mine and step != ApprovalStep.REWORK
                else "",
            )
        )
    return items


def get_task_for_user_or_404(user, pk: int):
    """A task of the flow whose line ``user`` may see (else 404), with its line."""
    from django.http import Http404

    task = _flow_tasks().select_related("owner", "process__budgetapproval__budget_line").filter(pk=pk).first()
    # The flow's start (and end) are tasks too, but not steps anyone decides: their address is no task page.
    if task is None or not hasattr(task.flow_task, "step"):
        raise Http404("Aucune tâche ne correspond à cette adresse.")
    line = access.get_visible_or_404(
        user, BudgetLine.objects.select_related("project", "requester"), pk=task.process.budgetapproval.budget_line_id
    )
    return task, line


def open_task_of_line(line):
    return (
        _flow_tasks()
        .filter(process__budgetapproval__budget_line=line, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        .select_related("owner")
        .order_by("-created")
        .first()
    )


# --- summary and envelopes --------------------------------------------------------------------

GROUPINGS = {
    "district": ("Arrondissement", Coalesce("holder_district", "project__district")),
    "directorate": ("Direction pilote", F("project__lead_directorate__name")),
    "edition": ("Édition du budget participatif", F("project__edition__name")),
}


@dataclass
class SummaryRow:
    key: object
    label: str
    approved: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.approved - self.committed

    @property
    def rate(self) -> Decimal | None:
        """Execution rate: paid / approved, in percent."""
        if not self.approved:
            return None
        return (self.paid * 100 / self.approved).quantize(Decimal("0.1"))


@dataclass
class Summary:
    year: int | None
    grouping: str
    rows: list[SummaryRow] = field(default_factory=list)

    @property
    def total(self) -> SummaryRow:
        total = SummaryRow(key=None, label="Total")
        for row in self.rows:
            total.approved += row.approved
            total.committed += row.committed
            total.paid += row.paid
        return total


def _label(grouping: str, key) -> str:
    if grouping == "district":
        return district_label(key)
    return key or ("Sans direction" if grouping == "directorate" else "Hors budget participatif")


def budget_summary(*, user, year: int | None, grouping: str = "district") -> Summary:
    """Approved, committed, paid and available by district, directorate or edition: three queries."""
    _title, key_expr = GROUPINGS[grouping]
    lines = access.visible(user, BudgetLine).filter(status=BudgetLineStatus.APPROVED)
    if year:
        lines = lines.filter(fiscal_year=year)
    rows: dict = {}

    def row(key) -> SummaryRow:
        if key not in rows:
            rows[key] = SummaryRow(key=key, label=_label(grouping, key))
        return rows[key]

    for item in lines.annotate(group=key_expr).order_by().values("group").annotate(total=Sum("amount_ttc")):
        row(item["group"]).approved = item["total"] or ZERO
    line_ids = lines.values("pk")
    for item in (
        Commitment.objects.engaged()
        .filter(budget_line__in=line_ids)
        .annotate(group=_prefixed(key_expr, "budget_line__"))
        .order_by()
        .values("group")
        .annotate(total=Sum("amount"))
    ):
        row(item["group"]).committed = item["total"] or ZERO
    for item in (
        Payment.objects.filter(commitment__budget_line__in=line_ids)
        .annotate(group=_prefixed(key_expr, "commitment__budget_line__"))
        .order_by()
        .values("group")
        .annotate(total=Sum("amount"))
    ):
        row(item["group"]).paid = item["total"] or ZERO
    ordered = sorted(
        rows.values(), key=lambda r: (r.key is None, str(r.key) if grouping != "district" else (r.key or 0))
    )
    return Summary(year=year, grouping=grouping, rows=ordered)


def _prefixed(expression, prefix: str):
    if isinstance(expression, F):
        return F(prefix + expression.name)
    return Coalesce(*[F(prefix + source.name) for source in expression.source_expressions])


@dataclass
class EnvelopeRow:
    edition: str
    district: str
    envelope: Decimal
    approved: Decimal

    @property
    def over(self) -> Decimal:
        return max(self.approved - self.envelope, ZERO)

    @property
    def is_over(self) -> bool:
        return self.approved > self.envelope


def envelope_rows(*, user, year: int | None = None) -> list[EnvelopeRow]:
    """Each edition district's envelope against the approved lines of its winning projects (two queries)."""
    from projects.models import EditionDistrict

    lines = access.visible(user, BudgetLine).filter(
        status=BudgetLineStatus.APPROVED, project__selected=True, project__edition_district__isnull=False
    )
    if year:
        lines = lines.filter(fiscal_year=year)
    approved = dict(
        lines.order_by()
        .values("project__edition_district")
        .annotate(total=Sum("amount_ttc"))
        .values_list("project__edition_district", "total")
    )
    districts = EditionDistrict.objects.select_related("edition").order_by(
        "-edition__number", "edition__name", "number", "name"
    )
    if not access.sees_everything(user):
        districts = districts.filter(pk__in=list(approved))
    return [
        EnvelopeRow(edition=str(d.edition), district=d.name, envelope=d.envelope, approved=approved.get(d.pk) or ZERO)
        for d in districts
    ]


def fiscal_years(*, user) -> list[int]:
    return list(
        access.visible(user, BudgetLine).order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct()
    )


# --- dashboard --------------------------------------------------------------------------------


def my_line_status_counts(*, user) -> list[tuple[str, int]]:
    counts = dict(
        BudgetLine.objects.filter(requester=user)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [(label, counts[value]) for value, label in BudgetLineStatus.choices if counts.get(value)]


def project_envelope(*, user, project) -> EnvelopeRow | None:
    """The envelope of the district of ``project``'s edition against the approved lines of its winning
    projects (what the approver weighs a new line against); None for a project outside any envelope."""
    district = project.edition_district if project and project.edition_district_id else None
    if district is None:
        return None
    approved = (
        access.visible(user, BudgetLine)
        .filter(
            status=BudgetLineStatus.APPROVED,
            project__selected=True,
            project__edition_district=district,
        )
        .aggregate(total=Sum("amount_ttc"))["total"]
        or ZERO
    )
    return EnvelopeRow(
        edition=str(district.edition), district=district.name, envelope=district.envelope, approved=approved
    )
