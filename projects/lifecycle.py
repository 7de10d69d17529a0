"""The lifecycle of a project, as a ``viewflow.fsm`` state machine wrapped around the model.

Only ``viewflow.fsm.base`` is used (dual-licensed); the transition views are ours (``projects.views``).
Calling a transition checks the source state and the conditions, not the permission: the service
(``projects.services.project_transition``) asks ``has_perm`` first, for the buttons and for every POST.

Each transition's ``custom`` says what it needs from the user:
  ``fields``: the inputs of its form (``reason``, ``verdict``, ``estimated_cost``, ``delivered_on``,
  ``open_review``, ``due``), ``required``: those that must be filled, ``style``: the button's colour.
"""

from viewflow.fsm.base import State

from mdo.policy import permission_for
from projects.enums import FINAL_STATUSES, ProjectKind, ProjectStatus

S = ProjectStatus

#: Statuses a project can be suspended or abandoned from (everything not final, not already suspended).
ACTIVE_STATUSES = [s for s in ProjectStatus if s not in FINAL_STATUSES and s != S.SUSPENDED]
PROJECT_ACTIVE = [s for s in ACTIVE_STATUSES if s not in (S.PREPARATION, S.OPEN, S.ANALYSIS, S.REPORT_PUBLISHED)]


# --- who may fire ------------------------------------------------------------------------


def _project(lifecycle):
    return lifecycle.project


def _may(name: str):
    """The transition's permission, read from mdo/policy.py (``projects.project`` → ``transition:<name>``)."""
    return permission_for("projects.project", f"transition:{name}", _project)


# --- conditions ----------------------------------------------------------------------------


def is_consultation(lifecycle):
    return State.CONDITION(
        lifecycle.project.kind == ProjectKind.CONSULTATION, "Cette action ne s'applique qu'aux consultations."
    )


def is_not_consultation(lifecycle):
    return State.CONDITION(
        lifecycle.project.kind != ProjectKind.CONSULTATION,
        "Une consultation suit son propre cycle (préparation, ouverture, analyse, bilan).",
    )


def no_open_review(lifecycle):
    """While the shared review runs, the verdict is given in its decision task, not by a button."""
    if lifecycle.via_review:
        return State.CONDITION(True)
    from projects.models import FeasibilityReview

    open_review = FeasibilityReview.objects.filter(project_id=lifecycle.project.pk, finished__isnull=True).exists()
    return State.CONDITION(
        not open_review,
        "Une instruction de faisabilité est en cours : la décision se prend dans sa tâche « Décision ».",
    )


def by_vote_import(lifecycle):
    """The vote's result is the import's to record, never a button's."""
    return lifecycle.via_import


#: What a vote result may still overwrite: a project before the vote, or the result of an earlier import of it.
BEFORE_RESULT = (S.SUBMITTED, S.ADMISSIBLE, S.FEASIBILITY_REVIEW, S.FEASIBLE, S.ON_BALLOT, S.WINNER, S.NOT_SELECTED)


def _resume_target(lifecycle, **kwargs):
    return lifecycle.project.status_before_suspension or S.SUBMITTED


class ProjectLifecycle:
    """The state machine of one project. ``via_review`` is set when the feasibility flow decides,
    ``via_import`` when the import of a vote's results records them."""

    status = State(ProjectStatus, default=S.SUBMITTED)

    def __init__(self, project, *, via_review: bool = False, via_import: bool = False):
        self.project = project
        self.via_review = via_review
        self.via_import = via_import

    @status.getter()
    def _get_status(self):
        return self.project.status

    @status.setter()
    def _set_status(self, value):
        self.project.status = value

    @status.on_success()
    def _remember_source(self, descriptor, source, target, **kwargs):
        # The target is set before a transition's body runs: only here is the source still known.
        if target == S.SUSPENDED:
            self.project.status_before_suspension = source

    # Participatory-budget projects, initiatives and calls for projects --------------------

    @status.transition(
        source=S.SUBMITTED,
        target=S.ADMISSIBLE,
        label="Déclarer recevable",
        conditions=[is_not_consultation],
        permission=_may("declare_admissible"),
        custom={"style": "primary"},
    )
    def declare_admissible(self, **data):
        pass

    @status.transition(
        source=S.SUBMITTED,
        target=S.INADMISSIBLE,
        label="Déclarer irrecevable",
        conditions=[is_not_consultation],
        permission=_may("declare_inadmissible"),
        custom={"fields": ["reason"], "required": ["reason"], "style": "danger"},
    )
    def declare_inadmissible(self, **data):
        pass

    @status.transition(
        source=S.ADMISSIBLE,
        target=S.FEASIBILITY_REVIEW,
        label="Mettre à l'étude",
        permission=_may("start_review"),
        custom={"fields": ["open_review", "due"], "style": "primary"},
    )
    def start_review(self, **data):
        pass

    @status.transition(
        source=S.FEASIBILITY_REVIEW,
        target=S.FEASIBLE,
        label="Déclarer faisable",
        conditions=[no_open_review],
        permission=_may("declare_feasible"),
        custom={"fields": ["verdict", "estimated_cost"], "required": ["verdict", "estimated_cost"], "style": "success"},
    )
    def declare_feasible(self, **data):
        self.project.estimated_cost = data["estimated_cost"]

    @status.transition(
        source=S.FEASIBILITY_REVIEW,
        target=S.UNFEASIBLE,
        label="Déclarer non faisable",
        conditions=[no_open_review],
        permission=_may("declare_unfeasible"),
        custom={"fields": ["reason"], "required": ["reason"], "style": "danger"},
    )
    def declare_unfeasible(self, **data):
        pass

    @status.transition(
        source=S.FEASIBLE,
        target=S.ON_BALLOT,
        label="Soumettre au vote",
        permission=_may("put_on_ballot"),
        custom={"style": "primary"},
    )
    def put_on_ballot(self, **data):
        pass

    @status.transition(
        source=S.ON_BALLOT,
        target=S.WINNER,
        label="Déclarer lauréate",
        permission=_may("declare_winner"),
        custom={"style": "success"},
    )
    def declare_winner(self, **data):
        self.project.selected = True

    @status.transition(
        source=S.ON_BALLOT,
        target=S.NOT_SELECTED,
        label="Déclarer non retenue",
        permission=_may("declare_not_selected"),
        custom={"style": "secondary"},
    )
    def declare_not_selected(self, **data):
        self.project.selected = False

    @status.transition(
        source=[status for status in BEFORE_RESULT if status != S.WINNER],
        target=S.WINNER,
        label="Lauréate au vote (import des résultats)",
        conditions=[by_vote_import],
        permission=permission_for("projects.project", "import_votes", _project),
    )
    def win_vote(self, **data):
        self.project.selected = True

    @status.transition(
        source=[status for status in BEFORE_RESULT if status != S.NOT_SELECTED],
        target=S.NOT_SELECTED,
        label="Non retenue au vote (import des résultats)",
        conditions=[by_vote_import],
        permission=permission_for("projects.project", "import_votes", _project),
    )
    def lose_vote(self, **data):
        self.project.selected = False

    @status.transition(
        source=S.WINNER,
        target=S.DESIGN,
        label="Lancer les études",
        permission=_may("start_design"),
        custom={"style": "primary"},
    )
    def start_design(self, **data):
        pass

    @status.transition(
        source=S.DESIGN,
        target=S.PROCUREMENT,
        label="Consulter les entreprises",
        permission=_may("start_procurement"),
        custom={"style": "primary"},
    )
    def start_procurement(self, **data):
        pass

    @status.transition(
        source=S.PROCUREMENT,
        target=S.WORKS,
        label="Démarrer les travaux",
        permission=_may("start_works"),
        custom={"style": "primary"},
    )
    def start_works(self, **data):
        if not self.project.actual_start:
            from django.utils import timezone

            self.project.actual_start = timezone.localdate()

    @status.transition(
        source=S.WORKS,
        target=S.DELIVERED,
        label="Déclarer livrée",
        permission=_may("deliver"),
        custom={"fields": ["delivered_on"], "required": ["delivered_on"], "style": "success"},
    )
    def deliver(self, **data):
        self.project.actual_end = data["delivered_on"]

    @status.transition(
        source=[S.DELIVERED, S.REPORT_PUBLISHED],
        target=S.CLOSED,
        label="Clôturer",
        permission=_may("close"),
        custom={"style": "secondary"},
    )
    def close(self, **data):
        pass

    # Consultations ------------------------------------------------------------------------

    @status.transition(
        source=S.PREPARATION,
        target=S.OPEN,
        label="Ouvrir au public",
        conditions=[is_consultation],
        permission=_may("open_consultation"),
        custom={"style": "primary"},
    )
    def open_consultation(self, **data):
        if not self.project.actual_start:
            from django.utils import timezone

            self.project.actual_start = timezone.localdate()

    @status.transition(
        source=S.OPEN,
        target=S.ANALYSIS,
        label="Clore la participation et analyser",
        conditions=[is_consultation],
        permission=_may("start_analysis"),
        custom={"style": "primary"},
    )
    def start_analysis(self, **data):
        pass

    @status.transition(
        source=S.ANALYSIS,
        target=S.REPORT_PUBLISHED,
        label="Publier le bilan",
        conditions=[is_consultation],
        permission=_may("publish_report"),
        custom={"style": "success"},
    )
    def publish_report(self, **data):
        if not self.project.actual_end:
            from django.utils import timezone

            self.project.actual_end = timezone.localdate()

    # Any active state ---------------------------------------------------------------------

    @status.transition(
        source=ACTIVE_STATUSES,
        target=S.SUSPENDED,
        label="Suspendre",
        permission=_may("suspend"),
        custom={"fields": ["reason"], "required": ["reason"], "style": "secondary"},
    )
    def suspend(self, **data):
        pass  # the status left behind is kept by _remember_source, once the transition succeeded

    @status.transition(
        source=S.SUSPENDED,
        target=State.GET_STATE(_resume_target, states=ACTIVE_STATUSES),
        label="Reprendre",
        permission=_may("resume"),
        custom={"style": "primary"},
    )
    def resume(self, **data):
        self.project.status_before_suspension = ""

    @status.transition(
        source=[*ACTIVE_STATUSES, S.SUSPENDED],
        target=S.ABANDONED,
        label="Abandonner",
        permission=_may("abandon"),
        custom={"fields": ["reason"], "required": ["reason"], "style": "danger"},
    )
    def abandon(self, **data):
        self.project.status_before_suspension = ""


def transition_names() -> list[str]:
    return [method.slug for method in ProjectLifecycle.status.get_transitions()]


def transition_of(lifecycle: ProjectLifecycle, name: str):
    """The bound transition method called ``name``, or None."""
    if name not in transition_names():
        return None
    return getattr(lifecycle, name)


def transition_meta(name: str, status):
    """The ``Transition`` object of ``name`` from ``status`` (its label, custom, permission)."""
    method = getattr(ProjectLifecycle, name)
    for transition in method.get_transitions():
        if transition.source == status:
            return transition
    return next(iter(method.get_transitions()))


def available_transitions(project, user) -> list:
    """The transitions ``user`` may fire on ``project`` now: the buttons of the project page."""
    lifecycle = ProjectLifecycle(project)
    return [
        transition
        for transition in ProjectLifecycle.status.get_outgoing_transitions(project.status)
        if transition.has_perm(lifecycle, user) and transition.conditions_met(lifecycle)
    ]
