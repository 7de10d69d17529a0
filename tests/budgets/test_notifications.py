"""E-mails: to the assignees when a task is created, to the requester when the line is decided — after commit."""

import pytest

from budgets.enums import DecisionOutcome
from mdo.enums import Role
from tests.budgets.factories import decide, submitted_line
from tests.factories import make_user, mdo_organisation, town_hall

pytestmark = pytest.mark.django_db


def test_submission_mails_the_managers_of_the_mdo_after_commit(
    mdo_officer, mdo_manager, mailoutbox, django_capture_on_commit_callbacks
):
    other_manager = make_user(Role.MDO_MANAGER, mdo_organisation(), username="yanis")
    make_user(Role.MDO_MANAGER, town_hall(7), username="ailleurs")  # a manager elsewhere is not the assignee
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        line = submitted_line(mdo_officer)
    assert mailoutbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([mdo_manager.email, other_manager.email])
    message = mailoutbox[0]
    assert line.label in message.subject
    assert "/budgets/tasks/" in message.body and "12 500,00" not in message.subject


def test_district_opinion_task_mails_only_that_town_hall(
    mdo_officer, mdo_manager, town_hall_agent, other_town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    line = submitted_line(mdo_officer, holder_district=3)
    with django_capture_on_commit_callbacks(execute=True):
        decide(line, mdo_manager, DecisionOutcome.APPROVED)
    assert [m.to for m in mailoutbox] == [[town_hall_agent.email]]


def test_decision_mails_the_requester(mdo_officer, mdo_manager, mailoutbox, django_capture_on_commit_callbacks):
    line = submitted_line(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(line, mdo_manager, DecisionOutcome.REJECTED, "Hors enveloppe.")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [mdo_officer.email]
    assert "rejetée" in message.subject and "Hors enveloppe." in message.body


def test_send_back_mails_the_requester_their_rework_task(
    mdo_officer, mdo_manager, mailoutbox, django_capture_on_commit_callbacks
):
    line = submitted_line(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(line, mdo_manager, DecisionOutcome.CHANGES_REQUESTED, "Préciser le chiffrage.")
    assert [m.to for m in mailoutbox] == [[mdo_officer.email]]
    assert "Modification" in mailoutbox[0].subject


def test_approval_mails_the_requester(mdo_officer, mdo_manager, mailoutbox, django_capture_on_commit_callbacks):
    line = submitted_line(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(line, mdo_manager, DecisionOutcome.APPROVED)
    assert [m.to for m in mailoutbox] == [[mdo_officer.email]]
    assert "approuvée" in mailoutbox[0].subject and line.get_absolute_url() in mailoutbox[0].body
