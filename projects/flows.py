"""The feasibility review: the lead directorate and the district town hall answer in parallel, then the MDO decides.

A ``viewflow.workflow`` Flow whose human tasks are done through our own views (``projects.views``);
the flow's own viewset is not mounted. Every write runs under the flow's ``select_for_update`` lock.
Tasks show in the shared inbox "Mes tâches" through ``mdo.registry.register_tasks`` (see ``inbox_*``).
"""

import datetime
import logging

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from mdo import policy, workflow
from mdo.enums import Role
from mdo.money import euros
from mdo.registry import TaskItem
from projects.models import FeasibilityReview, TimelineEntry, TimelineKind

#: Days given to the directorate and the town hall when the MDO gives no due date.
DEFAULT_DELAY_DAYS = 21
OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def _not_mounted(request, **kwargs):  # pragma: no cover - the flow's own views are never routed
    raise NotImplementedError


class FeasibilityFlow(flow.Flow):
    """Instruction de faisabilité"""

    process_class = FeasibilityReview
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_process).Next(this.split)
    split = (
        flow.Split()
        .Next(this.directorate_review)
        .Next(this.town_hall_opinion, case=lambda activation: activation.process.district is not None)
    )
    directorate_review = flow.View(_not_mounted).Next(this.join)
    town_hall_opinion = flow.View(_not_mounted).Next(this.join)
    join = flow.Join().Next(this.decision)
    decision = flow.View(_not_mounted).Next(this.end)
    end = flow.End()

    def start_process(self, activation, *, project, by, due):
        process = activation.process
        process.project = project
        process.directorate_id = project.lead_directorate_id
        process.district = project.district
        process.opened_by = by
        process.directorate_due = due
        process.town_hall_due = due if project.district is not None else None
        return process


logger = logging.getLogger(__name__)

TASK_KINDS = {
    "directorate_review": "Avis technique de faisabilité",
    "town_hall_opinion": "Avis de la mairie d'arrondissement",
    "decision": "Décision de faisabilité",
}


#: A refused task (``str()`` is the French reason shown to the user): the workflows' one refusal.
TaskRefused = workflow.Refused


def feasibility_review_open(*, project, by, due: datetime.date | None = None) -> FeasibilityReview:
    """Start the review of ``project`` (called by ``services.project_transition`` on "Mettre à l'étude").

    Side effects: the process row and the two parallel tasks (or only the directorate's one for a
    city-wide project)."""
    due = due or timezone.localdate() + datetime.timedelta(days=DEFAULT_DELAY_DAYS)
    return FeasibilityFlow.start.run(project=project, by=by, due=due)


# --- scope of the tasks ----------------------------------------------------------------------


def task_scope_q(user) -> Q | None:
    """The open feasibility tasks ``user`` may see and take, as a filter on ``Task``; None for none."""
    condition = Q(pk__in=[])
    org = user.organisation
    any_scope = False
    if user.has_role(Role.MDO_OFFICER, Role.MDO_MANAGER):
        condition |= Q(flow_task=FeasibilityFlow.decision)
        any_scope = True
    if org is not None and user.has_role(Role.DIRECTORATE_AGENT) and org.is_directorate:
        condition |= Q(flow_task=FeasibilityFlow.directorate_review, process__feasibilityreview__directorate=org)
        any_scope = True
    if org is not None and user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall:
        condition |= Q(flow_task=FeasibilityFlow.town_hall_opinion, process__feasibilityreview__district=org.district)
        any_scope = True
    return condition if any_scope else None


def open_tasks_for(user):
    condition = task_scope_q(user)
    if condition is None:
        return Task.objects.none()
    return Task.objects.filter(condition, process__flow_class=FeasibilityFlow, status__in=OPEN).select_related(
        "owner", "process__feasibilityreview__project"
    )


def task_for_user_or_404(user, task_pk: int) -> Task:
    """An open or finished feasibility task in ``user``'s scope; 404 otherwise, so its existence does not leak."""
    from django.http import Http404

    condition = task_scope_q(user)
    if condition is None:
        raise Http404("Aucune tâche ne correspond à cette adresse.")
    task = (
        Task.objects.filter(condition, process__flow_class=FeasibilityFlow, pk=task_pk)
        .select_related("owner", "process__feasibilityreview__project__lead_directorate")
        .first()
    )
    if task is None:
        raise Http404("Aucune tâche ne correspond à cette adresse.")
    return task


def answered_task_or_404(task_pk: int) -> Task:
    """A directorate's or town hall's task of a review, whoever asks: who may correct it is
    :func:`answer_correction_refusal`'s to say (a refusal, not a "not found")."""
    from django.http import Http404

    task = (
        Task.objects.filter(
            process__flow_class=FeasibilityFlow,
            flow_task__in=[FeasibilityFlow.directorate_review, FeasibilityFlow.town_hall_opinion],
            pk=task_pk,
        )
        .select_related("process__feasibilityreview__project", "process__feasibilityreview__directorate")
        .first()
    )
    if task is None:
        raise Http404("Aucun avis ne correspond à cette adresse.")
    return task


def review_of(task: Task) -> FeasibilityReview:
    return task.process.feasibilityreview


def task_due(task: Task) -> datetime.date | None:
    review = review_of(task)
    name = task.flow_task.name
    if name == "directorate_review":
        return review.directorate_due
    if name == "town_hall_opinion":
        return review.town_hall_due
    return None


def task_url(task: Task) -> str:
    return reverse("projects:task", args=[task.pk])


# --- the inbox (registered in apps.py) ---------------------------------------------------------


def inbox_count(user) -> int:
    return open_tasks_for(user).count()


def inbox_items(user) -> list[TaskItem]:
    items = []
    for task in open_tasks_for(user):
        review = review_of(task)
        project = review.project
        mine = task.owner_id == user.pk
        items.append(
            TaskItem(
                title=f"{TASK_KINDS[task.flow_task.name]} — {project.title}",
                url=task_url(task),
                created=task.created,
                kind=TASK_KINDS[task.flow_task.name],
                due=task_due(task),
                amount=review.cost_estimate if task.flow_task.name == "decision" else None,
                project=project.title,
                project_url=project.get_absolute_url(),
                assigned_to_me=mine,
                take_url="" if task.owner_id else reverse("projects:task_take", args=[task.pk]),
                release_url=reverse("projects:task_release", args=[task.pk]) if mine else "",
            )
        )
    return items


# --- doing the tasks ------------------------------------------------------------------------------


def task_take(*, task: Task, by) -> Task:
    """Assign the task to ``by``. Side effects: the task's owner and status."""
    return workflow.task_take(task=task, by=by)


def task_release(*, task: Task, by) -> Task:
    """Give the task back to its team. Side effects: the task's owner and status."""
    return workflow.task_release(task=task, by=by)


def _complete(task: Task, by, apply) -> None:
    """Take (if free), start and finish ``task`` under the flow lock, after ``apply(review)``."""
    workflow.task_complete(task=task, by=by, apply=lambda activation: apply(activation.process))


def _check_verdict(verdict: str, conditions: str) -> None:
    from projects.models import Verdict

    if verdict not in Verdict.values:
        raise TaskRefused("Choisissez l'avis technique.")
    if verdict != Verdict.FEASIBLE and not (conditions or "").strip():
        raise TaskRefused(
            "Les conditions ou le motif sont obligatoires pour un avis qui n'est pas simplement favorable."
        )


def _check_opinion(opinion: str, comment: str) -> None:
    from projects.models import Opinion

    if opinion not in Opinion.values:
        raise TaskRefused("Choisissez l'avis de la mairie.")
    if opinion != Opinion.FAVOURABLE and not (comment or "").strip():
        raise TaskRefused("Le commentaire est obligatoire pour un avis avec réserves ou défavorable.")


def directorate_answer(*, task: Task, by, verdict: str, cost_estimate, delay_months, conditions: str) -> None:
    """The lead directorate's technical answer.

    Side effects: the review's answer, a timeline entry, the task done (then the decision task once the
    town hall has answered too)."""
    from projects.models import Verdict

    _check_verdict(verdict, conditions)

    def apply(review):
        review.verdict = verdict
        review.cost_estimate = cost_estimate
        review.delay_months = delay_months
        review.conditions = conditions
        review.directorate_answered_by = by
        review.directorate_answered_at = timezone.now()
        review.save()
        text = f"Avis technique de {review.directorate} : {Verdict(verdict).label}"
        if cost_estimate is not None:
            text += f", coût estimé {euros(cost_estimate)}"
        if delay_months:
            text += f", délai {delay_months} mois"
        if conditions:
            text += f"\n{conditions}"
        TimelineEntry.objects.create(project_id=review.project_id, kind=TimelineKind.FEASIBILITY, author=by, text=text)

    _complete(task, by, apply)


def town_hall_answer(*, task: Task, by, opinion: str, comment: str) -> None:
    """The district town hall's opinion. Side effects: the review's answer, a timeline entry, the task done."""
    from projects.models import Opinion

    _check_opinion(opinion, comment)

    def apply(review):
        review.opinion = opinion
        review.opinion_comment = comment
        review.town_hall_answered_by = by
        review.town_hall_answered_at = timezone.now()
        review.save()
        text = f"Avis de la mairie : {Opinion(opinion).label}"
        if comment:
            text += f"\n{comment}"
        TimelineEntry.objects.create(project_id=review.project_id, kind=TimelineKind.FEASIBILITY, author=by, text=text)

    _complete(task, by, apply)


def mdo_decision(*, task: Task, by, decision: str, reason: str, estimated_cost) -> None:
    """The MDO's decision with both answers on screen.

    Side effects: the review's decision; the project's transition to "Faisable" or "Non faisable"
    (with its timeline entry and default progress); the task done and the review finished."""
    from projects.services import TransitionData, project_transition

    def apply(review):
        review.decision = decision
        review.decision_reason = reason
        review.decided_by = by
        review.decided_at = timezone.now()
        review.save()
        data = TransitionData(
            reason=reason,
            verdict=reason or "Avis favorable de la direction",
            estimated_cost=estimated_cost,
            comment="Décision de l'instruction de faisabilité",
        )
        name = "declare_feasible" if decision == "feasible" else "declare_unfeasible"
        project_transition(project=review.project, name=name, by=by, data=data, via_review=True)

    _complete(task, by, apply)


# --- correcting an answer ----------------------------------------------------------------------

#: The tasks whose answer its author may correct, and the review's field naming that author.
CORRECTABLE = {"directorate_review": "directorate_answered_by_id", "town_hall_opinion": "town_hall_answered_by_id"}
ONLY_THE_AUTHOR = "Seul·e l'auteur·rice de cet avis, ou un·e administrateur·rice, peut le corriger."
NEXT_STEP_STARTED = "La MDO a déjà rendu sa décision de faisabilité : cet avis ne peut plus être corrigé."


def answer_correction_refusal(user, task: Task) -> str | None:
    """Why ``user`` may not correct the answer given at ``task`` (a French message), or None.

    The one rule, read by the button, the view and the service: an answer is its author's (or an
    administrator's) to correct until the next step has started, that is while the MDO has not decided
    and the project is still "À l'étude"."""
    return _correction_refusal(user, task.flow_task.name, task.status, review_of(task))


def _correction_refusal(user, name: str, status: str, review: FeasibilityReview) -> str | None:
    from projects.enums import ProjectStatus

    if name not in CORRECTABLE or status != STATUS.DONE:
        return "Seul un avis déjà donné peut être corrigé."
    if not policy.allows(user, f"correct:{name}", review):
        return ONLY_THE_AUTHOR
    if review.decided_at is not None or review.project.status != ProjectStatus.FEASIBILITY_REVIEW:
        return NEXT_STEP_STARTED
    return None


def correctable_answers(user, reviews) -> dict[tuple[int, str], int]:
    """{(review pk, task name): task pk} of the answers of ``reviews`` that ``user`` may correct (one query)."""
    by_pk = {review.pk: review for review in reviews}
    if not by_pk or not user.is_authenticated:
        return {}
    tasks = Task.objects.filter(
        process_id__in=by_pk,
        flow_task__in=[FeasibilityFlow.directorate_review, FeasibilityFlow.town_hall_opinion],
        status=STATUS.DONE,
    ).only("pk", "process_id", "flow_task", "status")
    return {
        (task.process_id, task.flow_task.name): task.pk
        for task in tasks
        if _correction_refusal(user, task.flow_task.name, task.status, by_pk[task.process_id]) is None
    }


def _changes(pairs) -> list[str]:
    """« label : old → new » for each (label, old, new) that changed."""
    return [f"{label} : {old or '—'} → {new or '—'}" for label, old, new in pairs if old != new]


@workflow.refusals_logged
def answer_correct(*, task: Task, by, **data) -> bool:
    """The author corrects the answer given at ``task`` (same validation as the answer itself).

    Refused (``TaskRefused``, nothing written) as :func:`answer_correction_refusal` says, read again
    under the review's lock so that a decision taken meanwhile wins. Side effects: the review's answer;
    a "Correction" line of the project's story with the old and new answer. False when nothing changed."""
    from django.db import transaction

    from projects.models import Opinion, Verdict

    name = task.flow_task.name
    if name == "directorate_review":
        _check_verdict(data["verdict"], data["conditions"])
    elif name == "town_hall_opinion":
        _check_opinion(data["opinion"], data["comment"])
    with transaction.atomic():
        review = FeasibilityReview.objects.select_for_update().select_related("project").get(pk=task.process_id)
        refusal = _correction_refusal(by, name, task.status, review)
        if refusal:
            raise TaskRefused(refusal)
        if name == "directorate_review":
            changes = _changes(
                [
                    ("avis", review.get_verdict_display(), Verdict(data["verdict"]).label),
                    ("coût estimé", _money(review.cost_estimate), _money(data["cost_estimate"])),
                    ("délai (mois)", review.delay_months or "", data["delay_months"] or ""),
                    ("conditions", review.conditions, data["conditions"]),
                ]
            )
            title = f"Avis technique de {review.directorate} corrigé"
            review.verdict, review.cost_estimate = data["verdict"], data["cost_estimate"]
            review.delay_months, review.conditions = data["delay_months"], data["conditions"]
        else:
            changes = _changes(
                [
                    ("avis", review.get_opinion_display(), Opinion(data["opinion"]).label),
                    ("commentaire", review.opinion_comment, data["comment"]),
                ]
            )
            title = "Avis de la mairie corrigé"
            review.opinion, review.opinion_comment = data["opinion"], data["comment"]
        if not changes:
            return False
        review.save()
        TimelineEntry.objects.create(
            project_id=review.project_id,
            kind=TimelineKind.CORRECTION,
            author=by,
            text="\n".join([f"{title} :", *changes]),
        )
    return True


def _money(value) -> str:
    return euros(value) if value is not None else ""
