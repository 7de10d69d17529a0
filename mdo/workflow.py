"""How a task of a viewflow workflow is taken, given back and done: one lock recipe, one refusal.

Every app's approval (``budgets.flows.BudgetApprovalFlow``, ``projects.flows.FeasibilityFlow``) goes
through :func:`task_take`, :func:`task_release` and :func:`task_complete`, so that a task is never
taken twice, done twice or done by someone else than who took it, whatever the app::

    def approval_task_take(*, task, by):
        workflow.task_take(task=task, by=by, refusal=lambda activation: task_refusal(by, activation.task))

A refusal is :class:`Refused`, a ``ValidationError`` whose ``str()`` is the French reason: forms bind
it like any other validation error, views may show it as a message; nothing is written.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

logger = logging.getLogger(__name__)

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED)
BUSY = "Quelqu'un traite cette tâche en ce moment : réessayez dans un instant."
DONE = "Cette tâche est déjà terminée."
ONLY_THE_OWNER_RELEASES = "Seule la personne qui a pris la tâche peut la libérer."

#: Why ``by`` may not act on the task (given its activation, read under the lock), or None.
Refusal = Callable[[Any], str | None]
Result = TypeVar("Result")
Params = ParamSpec("Params")


class Refused(ValidationError):
    """A step of a workflow or a lifecycle refused: nothing was written; ``str()`` is the French reason."""

    def __str__(self) -> str:
        return " ".join(str(message) for message in self.messages)


def refusals_logged(service: Callable[Params, Result]) -> Callable[Params, Result]:
    """A service whose refusals are logged (by its own module's logger) before they reach the view."""
    service_logger = logging.getLogger(service.__module__)

    @wraps(service)
    def wrapped(*args: Params.args, **kwargs: Params.kwargs) -> Result:
        try:
            return service(*args, **kwargs)
        except Refused as refused:
            by = kwargs.get("by")
            service_logger.info("%s refused to user %s: %s", service.__name__, getattr(by, "pk", None), refused)
            raise

    return wrapped


@contextmanager
def task_activation(task: Any) -> Iterator[Any]:
    """The task's activation under its process's row lock, inside one transaction.

    The process row is first locked *waiting*: a second click on the same task waits for the first
    to commit and then finds the task taken or done. Viewflow's ``select_for_update_lock`` (NOWAIT)
    then finds the row already ours; left alone inside an outer transaction, its NOWAIT failure would
    abort that transaction on PostgreSQL. A lock still held elsewhere becomes a French refusal.
    """
    process_model = task.flow_task.flow_class.process_class
    with transaction.atomic():
        process_model._default_manager.select_for_update().filter(pk=task.process_id).exists()
        try:
            with task.activation() as activation:
                yield activation
        except FlowLockFailed:
            logger.info("task %s refused: its process is locked elsewhere", task.pk)
            raise Refused(BUSY) from None


def _refuse_unless_open_for(activation: Any, by: Any, refusal: Refusal | None) -> None:
    current = activation.task
    reason = refusal(activation) if refusal else None
    if reason is None and current.status not in OPEN_STATUSES:
        reason = DONE
    if reason is None and current.owner_id and current.owner_id != by.pk:
        reason = f"Cette tâche a été prise par {current.owner}."
    if reason:
        logger.info("task %s refused to user %s: %s", current.pk, by.pk, reason)
        raise Refused(reason)


def _assign(activation: Any, by: Any) -> None:
    activation.task.assigned = timezone.now()
    activation.assign(by)


def task_take(*, task: Any, by: Any, refusal: Refusal | None = None) -> Any:
    """Assign the task to ``by`` (it leaves the others' inboxes); taking one's own task again changes nothing.

    Refused when the task is done, taken by someone else, or ``refusal`` gives a reason. Side effects:
    the task's owner, status and time of assignment.
    """
    with task_activation(task) as activation:
        current = activation.task
        _refuse_unless_open_for(activation, by, refusal)
        if current.owner_id != by.pk:
            _assign(activation, by)
        return current


def task_release(*, task: Any, by: Any, refusal: Refusal | None = None) -> Any:
    """Give a taken task back to its team's inbox: only who took it may. Side effects: the task's owner and status."""
    with task_activation(task) as activation:
        current = activation.task
        reason = refusal(activation) if refusal else None
        if reason is None and (current.status != STATUS.ASSIGNED or current.owner_id != by.pk):
            reason = ONLY_THE_OWNER_RELEASES
        if reason:
            logger.info("release of task %s refused to user %s: %s", current.pk, by.pk, reason)
            raise Refused(reason)
        current.assigned = None
        activation.unassign()
        return current


def task_complete(*, task: Any, by: Any, apply: Callable[[Any], Result], refusal: Refusal | None = None) -> Result:
    """Take the task (if free), start it, ``apply(activation)`` — the step's own writes — and finish it.

    ``apply`` may raise a ``ValidationError``: the transaction is rolled back and the task stays as it
    was. Side effects: those of ``apply``; the task done and the flow moved on to its next node.
    """
    with task_activation(task) as activation:
        current = activation.task
        _refuse_unless_open_for(activation, by, refusal)
        result = apply(activation)
        if current.status == STATUS.NEW:
            _assign(activation, by)
        activation.start(None)
        activation.execute()
        return result
