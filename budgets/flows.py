"""The approval of a budget line (a viewflow ``Flow``) and the line's own lifecycle (``viewflow.fsm``).

The officer submits → the Responsable MDO approves, rejects or sends back for changes (the
requester edits and resubmits) → above the threshold a director approves too → for a line of a
district's état spécial, that district's town hall gives its opinion, then the last approver
takes the final decision. Each human step is a viewflow task assigned to a role and, where it
matters, an organisation (``owner_permission`` and ``owner_permission_obj``), with a due date
in ``task.data["due_on"]``. Our own views drive the tasks (``budgets/services.py``); viewflow's
generated views are not mounted.
"""

import datetime

from django.utils import timezone
from viewflow import this
from viewflow.fsm.base import State
from viewflow.workflow import flow, lock

from budgets.enums import ApprovalStep, BudgetLineStatus, DecisionOutcome
from budgets.models import BudgetApproval, BudgetLine, BudgetSettings
from mdo.enums import OrganisationKind, Role
from mdo.models import Organisation

PERM_REVIEW = "budgets.review_budgetline"
PERM_ABOVE_THRESHOLD = "budgets.approve_budgetline_above_threshold"
PERM_OPINION = "budgets.give_opinion_budgetline"

#: The role that holds each step's permission (also granted to the role's group).
PERMISSION_ROLES = {
    PERM_REVIEW: Role.MDO_MANAGER,
    PERM_ABOVE_THRESHOLD: Role.DIRECTOR,
    PERM_OPINION: Role.TOWN_HALL_AGENT,
}
#: The action of mdo/policy.py that each step's permission stands for (the table decides who may take it).
PERMISSION_ACTIONS = {
    PERM_REVIEW: "approve",
    PERM_ABOVE_THRESHOLD: "approve_above_threshold",
    PERM_OPINION: "give_opinion",
}

#: What each step may decide.
STEP_OUTCOMES = {
    ApprovalStep.MANAGER_REVIEW: (
        DecisionOutcome.APPROVED,
        DecisionOutcome.CHANGES_REQUESTED,
        DecisionOutcome.REJECTED,
    ),
    ApprovalStep.DIRECTOR_REVIEW: (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED),
    ApprovalStep.TOWN_HALL_OPINION: (DecisionOutcome.FAVOURABLE, DecisionOutcome.UNFAVOURABLE),
    ApprovalStep.FINAL_DECISION: (DecisionOutcome.APPROVED, DecisionOutcome.REJECTED),
    ApprovalStep.REWORK: (DecisionOutcome.RESUBMITTED,),
}
#: Outcomes that need a reason.
REASON_REQUIRED = {DecisionOutcome.REJECTED, DecisionOutcome.CHANGES_REQUESTED, DecisionOutcome.UNFAVOURABLE}


class BudgetLineLifecycle:
    """The statuses of a line; the flow moves them, nothing else does."""

    status = State(BudgetLineStatus, default=BudgetLineStatus.DRAFT)

    def __init__(self, line: BudgetLine):
        self.line = line

    @status.setter()
    def _set_status(self, value):
        self.line.status = value

    @status.getter()
    def _get_status(self):
        return self.line.status

    @status.transition(source=BudgetLineStatus.DRAFT, target=BudgetLineStatus.SUBMITTED)
    def submit(self):
        pass

    @status.transition(source=BudgetLineStatus.SUBMITTED, target=BudgetLineStatus.CHANGES_REQUESTED)
    def send_back(self):
        pass

    @status.transition(source=BudgetLineStatus.CHANGES_REQUESTED, target=BudgetLineStatus.SUBMITTED)
    def resubmit(self):
        pass

    @status.transition(source=BudgetLineStatus.SUBMITTED, target=BudgetLineStatus.APPROVED)
    def approve(self):
        self.line.decided_at = timezone.now()

    @status.transition(source=BudgetLineStatus.SUBMITTED, target=BudgetLineStatus.REJECTED)
    def reject(self):
        self.line.decided_at = timezone.now()


def needs_director(line: BudgetLine, settings: BudgetSettings | None = None) -> bool:
    """Strictly above the threshold (HT): a line of exactly 40 000 € HT stays with the manager."""
    settings = settings or BudgetSettings.load()
    return line.amount_ht > settings.threshold_ht


def needs_town_hall_opinion(line: BudgetLine) -> bool:
    return line.holder_district is not None


def _mdo_organisation(process):
    requester_org = process.budget_line.requester.organisation
    if requester_org and requester_org.kind == OrganisationKind.MDO:
        return requester_org
    return Organisation.objects.filter(kind=OrganisationKind.MDO).order_by("pk").first()


def _town_hall(process):
    return Organisation.objects.filter(
        kind=OrganisationKind.TOWN_HALL, district=process.budget_line.holder_district
    ).first()


def _final_permission(activation):
    return PERM_ABOVE_THRESHOLD if needs_director(activation.process.budget_line) else PERM_REVIEW


def _final_organisation(process):
    return None if needs_director(process.budget_line) else _mdo_organisation(process)


class ApprovalTask(flow.View):
    """A human step; our views execute it, so it carries no view of its own."""

    def __init__(self, step: str, **kwargs):
        super().__init__(None, **kwargs)
        self.step = step


class BudgetApprovalFlow(flow.Flow):
    """Validation d'une ligne budgétaire"""

    process_class = BudgetApproval
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_approval).Next(this.manager_review)

    manager_review = (
        ApprovalTask(ApprovalStep.MANAGER_REVIEW)
        .Annotation(title=ApprovalStep.MANAGER_REVIEW.label)
        .Permission(PERM_REVIEW, obj=_mdo_organisation)
        .onCreate(this.task_created)
        .Next(this.after_manager_review)
    )
    after_manager_review = (
        flow.Switch()
        .Case(this.rework, this.was_sent_back)
        .Case(this.reject_line, this.was_rejected)
        .Case(this.director_review, this.goes_to_director)
        .Case(this.town_hall_opinion, this.goes_to_town_hall)
        .Default(this.approve_line)
    )
    rework = (
        ApprovalTask(ApprovalStep.REWORK)
        .Annotation(title=ApprovalStep.REWORK.label)
        .Assign(lambda activation: activation.process.budget_line.requester)
        .onCreate(this.task_created)
        .Next(this.manager_review)
    )
    director_review = (
        ApprovalTask(ApprovalStep.DIRECTOR_REVIEW)
        .Annotation(title=ApprovalStep.DIRECTOR_REVIEW.label)
        .Permission(PERM_ABOVE_THRESHOLD)
        .onCreate(this.task_created)
        .Next(this.after_director_review)
    )
    after_director_review = (
        flow.Switch()
        .Case(this.reject_line, this.was_rejected)
        .Case(this.town_hall_opinion, this.goes_to_town_hall)
        .Default(this.approve_line)
    )
    town_hall_opinion = (
        ApprovalTask(ApprovalStep.TOWN_HALL_OPINION)
        .Annotation(title=ApprovalStep.TOWN_HALL_OPINION.label)
        .Permission(PERM_OPINION, obj=_town_hall)
        .onCreate(this.task_created)
        .Next(this.final_decision)
    )
    final_decision = (
        ApprovalTask(ApprovalStep.FINAL_DECISION)
        .Annotation(title=ApprovalStep.FINAL_DECISION.label)
        .Permission(_final_permission, obj=_final_organisation)
        .onCreate(this.task_created)
        .Next(this.after_final_decision)
    )
    after_final_decision = flow.If(this.was_rejected).Then(this.reject_line).Else(this.approve_line)

    approve_line = flow.Function(this.mark_approved).Next(this.end)
    reject_line = flow.Function(this.mark_rejected).Next(this.end)
    end = flow.End()

    # --- callbacks ---------------------------------------------------------------------------

    def start_approval(self, activation, *, line: BudgetLine, by):
        activation.process.budget_line = line
        activation.task.owner = by
        return activation.process

    def task_created(self, activation):
        """Give the task its due date and tell its assignees (an e-mail in the outbox, same transaction)."""
        from budgets.notifications import notify_task_created

        settings = BudgetSettings.load()
        days = (
            settings.opinion_days
            if activation.flow_task.step == ApprovalStep.TOWN_HALL_OPINION
            else settings.review_days
        )
        due_on = timezone.localdate() + datetime.timedelta(days=days)
        activation.task.data = {**(activation.task.data or {}), "due_on": due_on.isoformat()}
        activation.task.save(update_fields=["data"])
        notify_task_created(task_id=activation.task.pk)

    def was_sent_back(self, activation):
        return activation.process.outcome == DecisionOutcome.CHANGES_REQUESTED

    def was_rejected(self, activation):
        return activation.process.outcome == DecisionOutcome.REJECTED

    def goes_to_director(self, activation):
        return needs_director(activation.process.budget_line)

    def goes_to_town_hall(self, activation):
        return needs_town_hall_opinion(activation.process.budget_line)

    def mark_approved(self, activation):
        self._decide_line(activation, approve=True)

    def mark_rejected(self, activation):
        self._decide_line(activation, approve=False)

    def _decide_line(self, activation, *, approve: bool):
        from budgets.notifications import notify_line_decided

        line = BudgetLine.objects.select_for_update().get(pk=activation.process.budget_line_id)
        lifecycle = BudgetLineLifecycle(line)
        lifecycle.approve() if approve else lifecycle.reject()
        line.save(update_fields=["status", "decided_at", "updated_at"])
        notify_line_decided(line_id=line.pk)


def task_due_on(task) -> datetime.date | None:
    value = (task.data or {}).get("due_on")
    return datetime.date.fromisoformat(value) if value else None
