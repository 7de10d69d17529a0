"""The Gantt view's reads: a page of the filtered projects, their phases and their contractors' milestones."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef
from django.utils import timezone

from mdo import access
from planning.models import ProjectPhase
from projects.selectors import project_list_for_user


def projects_with_phases(*, user):
    """The projects ``user`` may see that have at least one phase, in the projects list's order."""
    has_phases = Exists(ProjectPhase.objects.filter(project=OuterRef("pk")))
    return project_list_for_user(user=user).filter(has_phases).order_by("planned_start", "title", "pk")


def phases_of(*, user, projects) -> list[ProjectPhase]:
    return list(
        access.visible(user, ProjectPhase)
        .filter(project__in=projects)
        .select_related("kind", "owner", "project")
        .order_by("project", "planned_start", "kind__order")
    )


def milestones_of(*, user, project_ids) -> list:
    """The contractors' milestones on orders charged to these projects (vendors' scope applies)."""
    from vendors.models import Milestone

    return list(
        access.visible(user, Milestone)
        .filter(order__commitment__budget_line__project__in=project_ids)
        .select_related("contract__vendor", "order__commitment__budget_line")
        .order_by("due_on")
    )


@dataclass
class Bar:
    label: str
    left: float
    width: float
    late: bool
    done: bool
    description: str


@dataclass
class Diamond:
    label: str
    left: float
    late: bool
    url: str
    description: str


@dataclass
class GanttRow:
    project: object
    bars: list[Bar] = field(default_factory=list)
    diamonds: list[Diamond] = field(default_factory=list)


@dataclass
class Gantt:
    start: datetime.date
    end: datetime.date
    today: float | None
    ticks: list[tuple[float, str]]
    rows: list[GanttRow]


def _fmt(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


def build_gantt(*, projects: list, phases: list[ProjectPhase], milestones: list) -> Gantt:
    """Place each phase and milestone of one page of projects on a common time axis (in % of its width)."""
    today = timezone.localdate()
    days = [
        d
        for phase in phases
        for d in (phase.planned_start, phase.planned_end, phase.actual_start, phase.actual_end)
        if d
    ]
    days += [m.due_on for m in milestones]
    start = min(days + [today]) - datetime.timedelta(days=15)
    end = max(days + [today]) + datetime.timedelta(days=15)
    total = max((end - start).days, 1)

    def pos(day) -> float:
        return round((day - start).days * 100 / total, 2)

    rows = {project.pk: GanttRow(project=project) for project in projects}
    for phase in phases:
        bar_start = phase.actual_start or phase.planned_start
        bar_end = phase.actual_end or (
            max(phase.planned_end, today) if phase.actual_start and phase.is_late else phase.planned_end
        )
        late = phase.is_late
        description = (
            f"{phase.kind} : prévue du {_fmt(phase.planned_start)} au {_fmt(phase.planned_end)}, "
            f"réelle du {_fmt(phase.actual_start)} au {_fmt(phase.actual_end)}, {phase.get_status_display().lower()}"
            + (", en retard" if late else "")
            + (f", responsable {phase.owner}" if phase.owner else "")
        )
        rows[phase.project_id].bars.append(
            Bar(
                label=str(phase.kind),
                left=pos(bar_start),
                width=max(pos(bar_end) - pos(bar_start), 0.6),
                late=late,
                done=phase.status == "done",
                description=description,
            )
        )
    for milestone in milestones:
        project_id = milestone.order.commitment.budget_line.project_id if milestone.order_id else None
        if project_id not in rows:
            continue
        late = milestone.is_late
        rows[project_id].diamonds.append(
            Diamond(
                label=milestone.label,
                left=pos(milestone.due_on),
                late=late,
                url=milestone.get_absolute_url(),
                description=f"Jalon {milestone.label} ({milestone.contract.vendor}) : échéance {_fmt(milestone.due_on)}, "
                + (f"livré le {_fmt(milestone.delivered_on)}" if milestone.delivered_on else "non livré")
                + (", en retard" if late else ""),
            )
        )
    ticks = []
    year = start.year
    while datetime.date(year, 1, 1) <= end:
        for month in (1, 7):
            day = datetime.date(year, month, 1)
            if start <= day <= end:
                ticks.append((pos(day), f"{'janv.' if month == 1 else 'juil.'} {year}"))
        year += 1
    return Gantt(
        start=start, end=end, today=pos(today) if start <= today <= end else None, ticks=ticks, rows=list(rows.values())
    )
