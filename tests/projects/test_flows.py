import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects import flows
from projects.enums import ProjectStatus as S
from projects.models import FeasibilityReview, TimelineKind
from projects.services import TransitionData, project_transition

pytestmark = pytest.mark.django_db


def _open_review(project, officer, due=None):
    type(project).objects.filter(pk=project.pk).update(status=S.ADMISSIBLE)
    project_transition(project=project, name="start_review", by=officer, data=TransitionData(open_review=True, due=due))
    return FeasibilityReview.objects.get(project=project)


def _task(user):
    tasks = list(flows.open_tasks_for(user))
    assert len(tasks) == 1, tasks
    return tasks[0]


def test_opening_the_review_creates_two_parallel_tasks_in_the_inbox(
    client, project, mdo_officer, directorate_agent, town_hall_agent
):
    review = _open_review(project, mdo_officer)
    assert review.directorate == project.lead_directorate and review.district == 3
    project.refresh_from_db()
    assert project.status == S.FEASIBILITY_REVIEW
    for user, kind in ((directorate_agent, "Avis technique de faisabilité"), (town_hall_agent, "Avis de la mairie")):
        client.force_login(user)
        page = client.get(reverse("tasks")).content.decode()
        assert kind in page and project.title in page
        assert flows.inbox_count(user) == 1
    assert flows.inbox_count(mdo_officer) == 0


def test_review_full_path_both_answers_then_mdo_decides_feasible(
    client, project, mdo_officer, directorate_agent, town_hall_agent, mdo_manager
):
    _open_review(project, mdo_officer)
    client.force_login(directorate_agent)
    task = _task(directorate_agent)
    assert reverse("projects:task", args=[task.pk]) in client.get(project.get_absolute_url()).content.decode()
    response = client.post(
        reverse("projects:task", args=[task.pk]),
        {
            "verdict": "conditional",
            "cost_estimate": "48 500,00",
            "delay_months": "8",
            "conditions": "Après les travaux du réseau de chaleur",
        },
    )
    assert response.status_code == 302
    assert flows.inbox_count(mdo_manager) == 0  # waits for the town hall
    client.force_login(town_hall_agent)
    task = _task(town_hall_agent)
    client.post(reverse("projects:task", args=[task.pk]), {"opinion": "favourable", "comment": "Attendu par le CQ"})
    decision = _task(mdo_manager)
    client.force_login(mdo_manager)
    page = client.get(reverse("projects:task", args=[decision.pk])).content.decode()
    assert "Faisable sous conditions" in page and "Favorable" in page and "Attendu par le CQ" in page  # both answers
    client.post(reverse("projects:task", args=[decision.pk]), {"decision": "feasible", "estimated_cost": "48500"})
    project.refresh_from_db()
    assert project.status == S.FEASIBLE and project.estimated_cost == Decimal("48500.00")
    review = FeasibilityReview.objects.get(project=project)
    assert review.finished and review.decision == "feasible" and review.decided_by == mdo_manager
    kinds = list(project.timeline.values_list("kind", flat=True))
    assert kinds.count(TimelineKind.FEASIBILITY) == 2 and kinds.count(TimelineKind.TRANSITION) == 2
    assert flows.inbox_count(mdo_manager) == 0


def test_review_decision_unfeasible_needs_a_reason(client, project, mdo_officer, directorate_agent, town_hall_agent):
    _open_review(project, mdo_officer)
    flows.directorate_answer(
        task=_task(directorate_agent),
        by=directorate_agent,
        verdict="unfeasible",
        cost_estimate=None,
        delay_months=None,
        conditions="Réseaux enterrés",
    )
    flows.town_hall_answer(
        task=_task(town_hall_agent), by=town_hall_agent, opinion="reserved", comment="Calendrier des travaux à revoir"
    )
    decision = _task(mdo_officer)
    client.force_login(mdo_officer)
    response = client.post(reverse("projects:task", args=[decision.pk]), {"decision": "unfeasible"})
    assert response.status_code == 200 and "Un motif est obligatoire" in response.content.decode()
    client.post(reverse("projects:task", args=[decision.pk]), {"decision": "unfeasible", "reason": "Réseaux enterrés"})
    project.refresh_from_db()
    assert project.status == S.UNFEASIBLE


def test_citywide_project_review_has_no_town_hall_task(project, mdo_officer, directorate_agent, town_hall_agent):
    type(project).objects.filter(pk=project.pk).update(district=None)
    project.refresh_from_db()
    _open_review(project, mdo_officer)
    assert flows.inbox_count(town_hall_agent) == 0
    flows.directorate_answer(
        task=_task(directorate_agent),
        by=directorate_agent,
        verdict="feasible",
        cost_estimate=Decimal("1000"),
        delay_months=2,
        conditions="",
    )
    assert flows.inbox_count(mdo_officer) == 1


def test_verdict_buttons_are_hidden_while_the_review_runs(project, mdo_officer, directorate_agent):
    from projects.services import TransitionRefused

    _open_review(project, mdo_officer)
    with pytest.raises(TransitionRefused, match="instruction de faisabilité est en cours"):
        project_transition(
            project=project,
            name="declare_feasible",
            by=directorate_agent,
            data=TransitionData(verdict="ok", estimated_cost=Decimal("10")),
        )


def test_review_needs_a_lead_directorate(project, mdo_officer):
    from projects.services import TransitionRefused

    type(project).objects.filter(pk=project.pk).update(status=S.ADMISSIBLE, lead_directorate=None)
    project.refresh_from_db()
    with pytest.raises(TransitionRefused, match="direction pilote"):
        project_transition(project=project, name="start_review", by=mdo_officer, data=TransitionData(open_review=True))
    project.refresh_from_db()
    assert project.status == S.ADMISSIBLE and not FeasibilityReview.objects.exists()


def test_out_of_scope_users_get_404_at_each_task(
    client, project, mdo_officer, directorate_agent, town_hall_agent, other_town_hall_agent, outsider
):
    _open_review(project, mdo_officer)
    directorate_task = _task(directorate_agent)
    town_hall_task = _task(town_hall_agent)
    for task, strangers in (
        (directorate_task, (outsider, town_hall_agent, mdo_officer)),
        (town_hall_task, (other_town_hall_agent, directorate_agent, mdo_officer)),
    ):
        for stranger in strangers:
            client.force_login(stranger)
            assert client.get(reverse("projects:task", args=[task.pk])).status_code == 404
            assert (
                client.post(
                    reverse("projects:task", args=[task.pk]),
                    {"opinion": "favourable", "verdict": "feasible", "cost_estimate": "1"},
                ).status_code
                == 404
            )
            assert client.post(reverse("projects:task_take", args=[task.pk])).status_code == 404
    flows.directorate_answer(
        task=directorate_task,
        by=directorate_agent,
        verdict="feasible",
        cost_estimate=Decimal("5"),
        delay_months=1,
        conditions="",
    )
    flows.town_hall_answer(task=town_hall_task, by=town_hall_agent, opinion="favourable", comment="")
    decision = _task(mdo_officer)
    for stranger in (directorate_agent, town_hall_agent, outsider):
        client.force_login(stranger)
        assert (
            client.post(
                reverse("projects:task", args=[decision.pk]), {"decision": "feasible", "estimated_cost": "5"}
            ).status_code
            == 404
        )
    project.refresh_from_db()
    assert project.status == S.FEASIBILITY_REVIEW


def test_task_take_and_release_and_taken_task_refused_to_a_colleague(
    client, project, mdo_officer, directorate_agent, green_directorate
):
    from mdo.enums import Role
    from tests.factories import make_user

    colleague = make_user(Role.DIRECTORATE_AGENT, green_directorate, username="colleague")
    _open_review(project, mdo_officer)
    task = _task(directorate_agent)
    client.force_login(directorate_agent)
    assert client.get(reverse("projects:task_take", args=[task.pk])).status_code == 405
    client.post(reverse("projects:task_take", args=[task.pk]))
    task.refresh_from_db()
    assert task.owner == directorate_agent
    assert flows.inbox_items(directorate_agent)[0].assigned_to_me
    client.force_login(colleague)
    client.post(reverse("projects:task", args=[task.pk]), {"verdict": "unfeasible"})
    task.refresh_from_db()
    assert task.status == "ASSIGNED" and task.owner == directorate_agent
    client.force_login(directorate_agent)
    client.post(reverse("projects:task_release", args=[task.pk]))
    task.refresh_from_db()
    assert task.owner is None and task.status == "NEW"


def test_late_task_is_flagged_and_reminded_once_a_day(
    client, project, mdo_officer, directorate_agent, town_hall_agent, django_capture_on_commit_callbacks
):
    from notifications.models import SentReminder

    review = _open_review(project, mdo_officer, due=timezone.localdate() + datetime.timedelta(days=3))
    FeasibilityReview.objects.filter(pk=review.pk).update(
        directorate_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    item = flows.inbox_items(directorate_agent)[0]
    assert item.is_late
    assert not flows.inbox_items(town_hall_agent)[0].is_late
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # the reminders leave the outbox once committed
        call_command("send_task_reminders", stdout=__import__("io").StringIO())
    late = [m for m in mail.outbox if directorate_agent.email in m.to]
    assert len(late) == 1 and "en retard" in late[0].subject.lower()
    # The town hall's opinion is due in 3 days: its before-due reminder goes out the same morning.
    soon = [m for m in mail.outbox if town_hall_agent.email in m.to]
    assert len(soon) == 1 and "dans 3 jours" in soon[0].subject
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_task_reminders", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == sent  # idempotent: once per task per day
    assert SentReminder.objects.filter(key__startswith="task:").count() == 2


def test_directorate_reviewing_a_project_sees_it(project, mdo_officer, outsider):
    from mdo import access
    from projects.models import Project

    type(project).objects.filter(pk=project.pk).update(lead_directorate=outsider.organisation)
    project.refresh_from_db()
    other = project.__class__.objects.create(title="Autre", district=3, status=S.SUBMITTED)
    assert list(access.visible(outsider, Project)) == [project]
    assert other not in access.visible(outsider, Project)


def test_unknown_transition_name_is_404(client, project, mdo_officer):
    client.force_login(mdo_officer)
    for name in ("status", "_remember_source", "nope"):
        assert client.post(reverse("projects:transition", args=[project.pk, name])).status_code == 404


def test_inbox_keeps_a_constant_number_of_queries(
    client, project, mdo_officer, directorate_agent, django_assert_max_num_queries
):
    from tests.helpers import assert_constant_queries
    from tests.projects.factories import ProjectFactory

    _open_review(project, mdo_officer)
    client.force_login(directorate_agent)

    def grow():
        for index in range(4):
            other = ProjectFactory(title=f"Autre {index}", lead_directorate=project.lead_directorate, district=5)
            _open_review(other, mdo_officer)

    count = assert_constant_queries(client, reverse("tasks"), grow)
    assert len(flows.inbox_items(directorate_agent)) == 5
    with django_assert_max_num_queries(count):
        client.get(reverse("tasks"))
