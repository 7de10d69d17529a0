"""Every path of the approval flow, driven through the services the views call."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from viewflow.workflow.status import PROCESS, STATUS

from budgets import services
from budgets.enums import ApprovalStep, BudgetLineStatus, DecisionOutcome
from budgets.models import BudgetApproval, BudgetDecision, BudgetSettings
from budgets.selectors import task_count_for_user
from mdo.enums import Role
from tests.budgets.factories import decide, make_line, open_task, submitted_line
from tests.factories import make_user, mdo_organisation

pytestmark = pytest.mark.django_db


def _steps(line):
    return [(d.step, d.outcome) for d in line.decisions.order_by("decided_at", "pk")]


def test_submit_starts_the_flow_with_a_manager_task_due_in_ten_days(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    assert line.status == BudgetLineStatus.SUBMITTED
    task = open_task(line)
    assert task.flow_task.step == ApprovalStep.MANAGER_REVIEW
    assert task.status == STATUS.NEW and task.owner_id is None
    assert task.owner_permission == "budgets.review_budgetline"
    assert mdo_manager.has_perm(task.owner_permission) and not mdo_officer.has_perm(task.owner_permission)
    assert task.owner_permission_obj == mdo_officer.organisation
    assert task.data["due_on"]
    assert _steps(line) == [(ApprovalStep.SUBMISSION, DecisionOutcome.SUBMITTED)]


def test_below_threshold_the_manager_approval_is_final(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer, amount_ht="39999.99")
    decide(line, mdo_manager, DecisionOutcome.APPROVED, "Conforme.")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.APPROVED and line.decided_at
    assert open_task(line) is None
    assert BudgetApproval.objects.get(budget_line=line).status == PROCESS.DONE
    decision = line.decisions.get(step=ApprovalStep.MANAGER_REVIEW)
    assert decision.decided_by == mdo_manager and decision.comment == "Conforme." and decision.decided_at


def test_exactly_at_the_threshold_no_director_is_needed(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer, amount_ht="40000.00")
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.APPROVED


def test_above_threshold_a_director_approves_too(mdo_officer, mdo_manager, director):
    line = submitted_line(mdo_officer, amount_ht="40000.01")
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED
    task = open_task(line)
    assert task.flow_task.step == ApprovalStep.DIRECTOR_REVIEW
    assert task_count_for_user(director) == 1 and task_count_for_user(mdo_manager) == 0
    decide(line, director, DecisionOutcome.APPROVED)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.APPROVED
    assert _steps(line)[-1] == (ApprovalStep.DIRECTOR_REVIEW, DecisionOutcome.APPROVED)


def test_director_may_reject_with_a_reason(mdo_officer, mdo_manager, director):
    line = submitted_line(mdo_officer, amount_ht="90000")
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    decide(line, director, DecisionOutcome.REJECTED, "Hors priorités du mandat.")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.REJECTED


def test_threshold_is_read_from_the_settings(mdo_officer, mdo_manager, director):
    settings = BudgetSettings.load()
    settings.threshold_ht = Decimal("10000.00")
    settings.save()
    line = submitted_line(mdo_officer, amount_ht="12000")
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    assert open_task(line).flow_task.step == ApprovalStep.DIRECTOR_REVIEW
    assert settings.history.count() == 2  # changes of the threshold are kept


def test_rejection_needs_a_reason_and_a_refused_decision_changes_nothing(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    with pytest.raises(ValidationError) as error:
        decide(line, mdo_manager, DecisionOutcome.REJECTED, "  ")
    assert "motif" in str(error.value)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED
    assert open_task(line).status == STATUS.NEW  # not even taken
    decide(line, mdo_manager, DecisionOutcome.REJECTED, "Dépense non éligible.")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.REJECTED
    assert line.decisions.last().comment == "Dépense non éligible."


def test_send_back_then_edit_and_resubmit_goes_back_to_the_manager(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    decide(line, mdo_manager, DecisionOutcome.CHANGES_REQUESTED, "Préciser la nature : 2152.")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.CHANGES_REQUESTED
    rework = open_task(line)
    assert rework.flow_task.step == ApprovalStep.REWORK and rework.owner == mdo_officer
    assert task_count_for_user(mdo_officer) == 1
    services.budget_line_update(
        line=line, by=mdo_officer, amount_ht=Decimal("13000"), vat_rate=Decimal("20"), nature="2152"
    )
    decide(line, mdo_officer, DecisionOutcome.RESUBMITTED)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED and line.nature == "2152"
    assert open_task(line).flow_task.step == ApprovalStep.MANAGER_REVIEW
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.APPROVED
    assert [outcome for _step, outcome in _steps(line)] == [
        DecisionOutcome.SUBMITTED,
        DecisionOutcome.CHANGES_REQUESTED,
        DecisionOutcome.RESUBMITTED,
        DecisionOutcome.APPROVED,
    ]
    assert BudgetApproval.objects.filter(budget_line=line).count() == 1


def test_a_resubmitted_line_raised_above_threshold_now_goes_to_the_director(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer, amount_ht="30000")
    decide(line, mdo_manager, DecisionOutcome.CHANGES_REQUESTED, "Inclure la maîtrise d'œuvre.")
    services.budget_line_update(line=line, by=mdo_officer, amount_ht=Decimal("52000"), vat_rate=Decimal("20"))
    decide(line, mdo_officer, DecisionOutcome.RESUBMITTED)
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    assert open_task(line).flow_task.step == ApprovalStep.DIRECTOR_REVIEW


def test_only_the_requester_resubmits(mdo_officer, other_mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    decide(line, mdo_manager, DecisionOutcome.CHANGES_REQUESTED, "À revoir.")
    with pytest.raises(ValidationError):
        decide(line, other_mdo_officer, DecisionOutcome.RESUBMITTED)


def test_district_line_gets_the_town_hall_opinion_before_the_final_decision(
    mdo_officer, mdo_manager, town_hall_agent, other_town_hall_agent
):
    line = submitted_line(mdo_officer, holder_district=3)
    decide(line, mdo_manager, DecisionOutcome.APPROVED, "Recevable.")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED
    task = open_task(line)
    assert task.flow_task.step == ApprovalStep.TOWN_HALL_OPINION
    assert task.owner_permission_obj == town_hall_agent.organisation
    assert task_count_for_user(town_hall_agent) == 1 and task_count_for_user(other_town_hall_agent) == 0
    with pytest.raises(ValidationError):
        decide(line, other_town_hall_agent, DecisionOutcome.FAVOURABLE)
    with pytest.raises(ValidationError):  # unfavourable needs its comment
        decide(line, town_hall_agent, DecisionOutcome.UNFAVOURABLE)
    decide(line, town_hall_agent, DecisionOutcome.UNFAVOURABLE, "Le conseil d'arrondissement préfère un autre site.")
    final = open_task(line)
    assert final.flow_task.step == ApprovalStep.FINAL_DECISION
    assert final.owner_permission == "budgets.review_budgetline"
    decide(line, mdo_manager, DecisionOutcome.REJECTED, "Avis défavorable de la mairie.")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.REJECTED
    assert [step for step, _outcome in _steps(line)] == [
        ApprovalStep.SUBMISSION,
        ApprovalStep.MANAGER_REVIEW,
        ApprovalStep.TOWN_HALL_OPINION,
        ApprovalStep.FINAL_DECISION,
    ]


def test_district_line_above_threshold_the_director_takes_the_final_decision(
    mdo_officer, mdo_manager, director, town_hall_agent
):
    line = submitted_line(mdo_officer, holder_district=3, amount_ht="75000")
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    decide(line, director, DecisionOutcome.APPROVED)
    decide(line, town_hall_agent, DecisionOutcome.FAVOURABLE)
    final = open_task(line)
    assert final.flow_task.step == ApprovalStep.FINAL_DECISION
    with pytest.raises(ValidationError):
        decide(line, mdo_manager, DecisionOutcome.APPROVED)
    decide(line, director, DecisionOutcome.APPROVED, "Avis favorable, approuvée.")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.APPROVED


def test_nobody_approves_a_line_they_requested_even_holding_the_role(mdo_manager):
    manager_requester = make_user(Role.MDO_MANAGER, mdo_organisation(), username="gabriel")
    line = submitted_line(manager_requester)
    assert task_count_for_user(manager_requester) == 0  # not in their own inbox
    with pytest.raises(ValidationError) as error:
        decide(line, manager_requester, DecisionOutcome.APPROVED)
    assert "Vous avez demandé cette ligne" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.approval_task_take(task=open_task(line), by=manager_requester)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED
    assert not BudgetDecision.objects.filter(step=ApprovalStep.MANAGER_REVIEW).exists()
    decide(line, mdo_manager, DecisionOutcome.APPROVED)  # someone else may


def test_the_manager_who_approved_is_not_also_the_director(mdo_officer):
    both = make_user(Role.MDO_MANAGER, mdo_organisation(), username="double.casquette")
    both.groups.add(*make_user(Role.DIRECTOR, mdo_organisation(), username="tmp.director").groups.all())
    both = type(both).objects.get(pk=both.pk)
    line = submitted_line(mdo_officer, amount_ht="60000")
    decide(line, both, DecisionOutcome.APPROVED)
    with pytest.raises(ValidationError) as error:
        decide(line, both, DecisionOutcome.APPROVED)
    assert "une autre personne" in error.value.messages[0]


@pytest.mark.parametrize(
    "who", ["mdo_officer_2", "director", "town_hall_agent", "directorate_agent", "outsider", "no_role_user"]
)
def test_manager_step_is_refused_to_other_roles(who, request, mdo_officer, other_mdo_officer):
    user = other_mdo_officer if who == "mdo_officer_2" else request.getfixturevalue(who)
    line = submitted_line(mdo_officer)
    with pytest.raises(ValidationError):
        decide(line, user, DecisionOutcome.APPROVED)
    with pytest.raises(ValidationError):
        services.approval_task_take(task=open_task(line), by=user)
    assert task_count_for_user(user) == 0
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED


@pytest.mark.parametrize("who", ["mdo_manager", "mdo_officer_2", "town_hall_agent", "outsider"])
def test_director_step_is_refused_to_other_roles(who, request, mdo_officer, other_mdo_officer, mdo_manager):
    user = other_mdo_officer if who == "mdo_officer_2" else request.getfixturevalue(who)
    line = submitted_line(mdo_officer, amount_ht="80000")
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    with pytest.raises(ValidationError):
        decide(line, user, DecisionOutcome.APPROVED)


def test_outcome_foreign_to_the_step_is_refused(mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    with pytest.raises(ValidationError):
        decide(line, mdo_manager, DecisionOutcome.FAVOURABLE)


def test_take_and_release_move_the_task_between_inboxes(mdo_officer, mdo_manager):
    other_manager = make_user(Role.MDO_MANAGER, mdo_organisation(), username="yanis")
    line = submitted_line(mdo_officer)
    task = open_task(line)
    assert task_count_for_user(other_manager) == 1
    services.approval_task_take(task=task, by=mdo_manager)
    task.refresh_from_db()
    assert task.status == STATUS.ASSIGNED and task.owner == mdo_manager and task.assigned
    assert task_count_for_user(other_manager) == 0 and task_count_for_user(mdo_manager) == 1
    with pytest.raises(ValidationError):
        decide(line, other_manager, DecisionOutcome.APPROVED)
    with pytest.raises(ValidationError):
        services.approval_task_release(task=task, by=other_manager)
    services.approval_task_release(task=task, by=mdo_manager)
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None
    assert task_count_for_user(other_manager) == 1


def test_only_a_draft_is_submitted_and_only_a_draft_or_sent_back_line_is_edited(mdo_officer):
    line = submitted_line(mdo_officer)
    with pytest.raises(ValidationError):
        services.budget_line_submit(line=line, by=mdo_officer)
    with pytest.raises(ValidationError):
        services.budget_line_update(line=line, by=mdo_officer, amount_ht=Decimal("1"), vat_rate=Decimal("20"))
    assert BudgetApproval.objects.filter(budget_line=line).count() == 1


def test_line_create_computes_ttc_half_up(mdo_officer):
    line = make_line(mdo_officer, amount_ht="1000.005", vat_rate="5.5")
    assert line.amount_ht == Decimal("1000.01")
    assert line.amount_ttc == Decimal("1055.01")  # 1055.01055 → 1055.01
    assert make_line(mdo_officer, amount_ht="0.125", vat_rate="20").amount_ttc == Decimal("0.16")  # 0.13 × 1.2 = 0.156


def test_opinion_and_final_steps_are_refused_to_everyone_else(
    mdo_officer, other_mdo_officer, mdo_manager, director, town_hall_agent, other_town_hall_agent, outsider
):
    line = submitted_line(mdo_officer, holder_district=3)
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    for user in (mdo_officer, other_mdo_officer, mdo_manager, director, other_town_hall_agent, outsider):
        with pytest.raises(ValidationError):
            decide(line, user, DecisionOutcome.FAVOURABLE)
    decide(line, town_hall_agent, DecisionOutcome.FAVOURABLE)
    for user in (mdo_officer, other_mdo_officer, town_hall_agent, other_town_hall_agent, outsider):
        with pytest.raises(ValidationError):
            decide(line, user, DecisionOutcome.APPROVED)
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED
    assert open_task(line).flow_task.step == ApprovalStep.FINAL_DECISION
