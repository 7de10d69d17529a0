"""One way to take, release and complete a workflow task (mdo/workflow.py), whatever the app's flow."""

import logging

import pytest
from django.core.exceptions import ValidationError
from viewflow.workflow.status import STATUS

from budgets import services
from budgets.enums import DecisionOutcome
from mdo import workflow
from mdo.enums import Role
from tests.budgets.factories import decide, open_task, submitted_line
from tests.factories import make_user, mdo_organisation

pytestmark = pytest.mark.django_db


def test_a_refusal_is_a_validation_error_that_reads_as_its_reason():
    refused = workflow.Refused("Cette tâche est déjà terminée.")
    assert isinstance(refused, ValidationError)
    assert str(refused) == "Cette tâche est déjà terminée."


def test_a_task_taken_by_someone_else_is_refused_logged_and_left_as_it_was(mdo_officer, mdo_manager, caplog):
    colleague = make_user(Role.MDO_MANAGER, mdo_organisation(), username="colleague")
    task = open_task(submitted_line(mdo_officer))
    services.approval_task_take(task=task, by=mdo_manager)
    with caplog.at_level(logging.INFO, logger="mdo.workflow"), pytest.raises(workflow.Refused):
        workflow.task_take(task=task, by=colleague)
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == mdo_manager
    assert f"refused to user {colleague.pk}" in caplog.text and "prise par" in caplog.text


def test_taking_ones_own_task_again_changes_nothing(mdo_officer, mdo_manager):
    task = open_task(submitted_line(mdo_officer))
    services.approval_task_take(task=task, by=mdo_manager)
    task.refresh_from_db()
    assigned = task.assigned
    workflow.task_take(task=task, by=mdo_manager)
    task.refresh_from_db()
    assert task.owner == mdo_manager and task.assigned == assigned


def test_a_done_task_is_neither_taken_nor_completed_again(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    task = open_task(line)
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    task.refresh_from_db()
    assert task.status == STATUS.DONE
    with pytest.raises(workflow.Refused, match="déjà"):
        workflow.task_take(task=task, by=mdo_manager)
    with pytest.raises(workflow.Refused, match="déjà"):
        workflow.task_complete(task=task, by=mdo_manager, apply=lambda activation: None)


def test_a_step_refused_by_its_own_rule_rolls_the_task_back(mdo_officer, mdo_manager):
    task = open_task(submitted_line(mdo_officer))

    def refuse(activation):
        raise ValidationError({"comment": "Indiquez le motif de votre décision."})

    with pytest.raises(ValidationError):
        workflow.task_complete(task=task, by=mdo_manager, apply=refuse)
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None
