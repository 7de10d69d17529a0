"""Reads on projects, all scoped through ``mdo.access``."""

from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone

from mdo import access
from mdo.enums import Role
from projects.enums import FINAL_STATUSES, ProjectKind, ProjectStatus
from projects.models import Project


def project_list_for_user(*, user) -> QuerySet:
    """The projects ``user`` may see, with what a list row shows, in one query."""
    return access.visible(user, Project).select_related(
        "edition", "edition_district", "neighbourhood", "lead_directorate", "officer"
    )


def openable_project_ids(*, user, project_ids) -> set[int]:
    """Which of ``project_ids`` ``user`` may open (one query, none for a city-wide reader)."""
    ids = {pk for pk in project_ids if pk}
    if not ids or access.sees_everything(user):
        return ids
    return set(access.visible(user, Project).filter(pk__in=ids).values_list("pk", flat=True))


def openable_project_fields(*, user, path: str) -> dict:
    """Annotations for rows that reach a project through ``path`` (``"project"``,
    ``"commitment__budget_line__project"``…): ``visible_project_id`` and ``visible_project_title``,
    the project when ``user`` may open its page, else None.

    A record a reader may see (a line of their état spécial, a decision of a meeting they were
    invited to, an order) can be about a project outside their scope. Its own words are the
    writer's choice; the structured reference is not shown: no link, and no title either, in the
    page as in the exports. An out-of-scope project shows as no project at all (« — », an empty
    cell) rather than as a neutral « Projet hors de votre périmètre », which would still tell that
    the record is tied to some project elsewhere. One subquery in the rows' own query: the count
    of queries does not grow with the rows.
    """
    project_id, title = F(f"{path}_id"), F(f"{path}__title")
    if access.sees_everything(user):
        return {"visible_project_id": project_id, "visible_project_title": title}
    readable = Q(**{f"{path}__in": access.visible(user, Project).values("pk")})
    return {
        "visible_project_id": Case(When(readable, then=project_id), default=None),
        "visible_project_title": Case(When(readable, then=title), default=None),
    }


def late_q() -> Q:
    """Projects past their planned delivery and not delivered (nor finished otherwise)."""
    return Q(planned_end__lt=timezone.localdate(), actual_end__isnull=True) & ~Q(status__in=FINAL_STATUSES)


S = ProjectStatus

#: Statuses of a participatory-budget project that has passed the admissibility check.
ADMISSIBLE_OR_LATER = [
    S.ADMISSIBLE,
    S.FEASIBILITY_REVIEW,
    S.FEASIBLE,
    S.UNFEASIBLE,
    S.ON_BALLOT,
    S.WINNER,
    S.NOT_SELECTED,
    S.DESIGN,
    S.PROCUREMENT,
    S.WORKS,
    S.DELIVERED,
    S.CLOSED,
]
#: Statuses of a project that went to the vote.
BALLOT_OR_LATER = [S.ON_BALLOT, S.WINNER, S.NOT_SELECTED, S.DESIGN, S.PROCUREMENT, S.WORKS, S.DELIVERED, S.CLOSED]

#: The steps of the participatory budget's funnel a project has reached, as the indicators count them
#: and the projects list filters them (« Étape atteinte »): one rule for both.
STAGE_ADMISSIBLE, STAGE_ON_BALLOT, STAGE_WINNER = "admissible", "on_ballot", "winner"


def stage_q(stage: str) -> Q:
    """Projects that reached ``stage``: admissible (or later, or a winner), on the ballot (or later, or a
    winner, or with votes), a winner of the vote (``selected``, whatever their status since)."""
    if stage == STAGE_ADMISSIBLE:
        return Q(status__in=ADMISSIBLE_OR_LATER) | Q(selected=True)
    if stage == STAGE_ON_BALLOT:
        return Q(status__in=BALLOT_OR_LATER) | Q(selected=True) | Q(votes__isnull=False)
    if stage == STAGE_WINNER:
        return Q(selected=True)
    raise ValueError(stage)


def my_projects_scope(*, user) -> tuple[str, QuerySet | None, dict]:
    """Which projects the dashboard calls the user's: its title, the projects in progress, and the
    project list's filter that shows the same ones (None when the user follows none).

    An officer follows the projects she is in charge of; a town hall its district; a directorate
    the projects it leads; the other city-wide roles (manager, director, administrator) the city's.
    """
    qs = project_list_for_user(user=user).exclude(status__in=FINAL_STATUSES)
    org = user.organisation
    if user.has_role(Role.MDO_OFFICER):
        return "Mes projets", qs.filter(officer=user), {"officer": user.pk}
    if user.has_role(Role.TOWN_HALL_AGENT) and user.district:
        return "Projets de mon arrondissement", qs.filter(district=user.district), {"district": user.district}
    if user.has_role(Role.DIRECTORATE_AGENT) and org:
        return "Projets de ma direction", qs.filter(lead_directorate=org), {"lead_directorate": org.pk}
    if access.sees_everything(user):
        return "Projets de la ville", qs, {}
    return "Mes projets", None, {}


def my_projects(*, user, limit: int = 10) -> tuple[list[Project], int]:
    """« Mes projets »: those I own, of my district or led by my directorate, late ones first."""
    _title, qs, _filters = my_projects_scope(user=user)
    if qs is None:
        return [], 0
    from django.db.models import BooleanField, Case, When

    qs = qs.annotate(late=Case(When(late_q(), then=True), default=False, output_field=BooleanField())).order_by(
        "-late", "planned_end", "title"
    )
    from mdo.querysets import first_rows_and_total

    return first_rows_and_total(qs, limit)


def open_data_projects(*, edition: str = "") -> QuerySet:
    """Participatory-budget projects that reached the ballot: public, no personal data."""
    reached = [
        ProjectStatus.ON_BALLOT,
        ProjectStatus.WINNER,
        ProjectStatus.NOT_SELECTED,
        ProjectStatus.DESIGN,
        ProjectStatus.PROCUREMENT,
        ProjectStatus.WORKS,
        ProjectStatus.DELIVERED,
        ProjectStatus.CLOSED,
    ]
    qs = (
        Project.objects.filter(kind=ProjectKind.PARTICIPATORY_BUDGET)
        .filter(Q(status__in=reached) | Q(selected=True) | Q(votes__isnull=False))
        .select_related("edition", "edition_district")
        .order_by("edition__number", "pk")
    )
    if edition:
        condition = Q(edition__name=edition)
        if edition.isdigit():
            condition |= Q(edition__number=int(edition)) | Q(edition_id=int(edition))
        qs = qs.filter(condition)
    return qs


def project_children(*, user, parent) -> dict | None:
    """A programme's operations that ``user`` may see, with the money rolled up (two queries),
    or None when it has none."""
    from decimal import Decimal

    from django.db.models import Sum

    children = list(
        access.visible(user, Project)
        .filter(parent=parent)
        .select_related("lead_directorate")
        .order_by("planned_end", "title")
    )
    if not children:
        return None
    totals = (
        access.visible(user, Project)
        .filter(parent=parent)
        .aggregate(estimated=Sum("estimated_cost"), final=Sum("final_cost"), weight=Sum("weight"))
    )
    cent = Decimal("0.01")
    return {
        "rows": children,
        "estimated": (totals["estimated"] or Decimal(0)).quantize(cent),
        "final": (totals["final"] or Decimal(0)).quantize(cent),
    }
