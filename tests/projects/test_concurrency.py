import threading

import pytest
from django.db import connection

from projects.enums import ProjectStatus as S
from projects.models import TimelineEntry
from projects.services import TransitionRefused, project_transition


# A string condition: evaluated at run time (the database is chosen by DATABASE_URL), before any fixture.
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Les verrous de ligne demandent PostgreSQL.")
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_on_one_project_fire_once(project, mdo_officer):
    results, barrier = [], threading.Barrier(4)

    def fire():
        try:
            barrier.wait()
            project_transition(project=project, name="declare_admissible", by=mdo_officer)
            results.append("ok")
        except TransitionRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=fire) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    project.refresh_from_db()
    assert project.status == S.ADMISSIBLE
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert TimelineEntry.objects.filter(project=project).count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="Les verrous de ligne demandent PostgreSQL.")
@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_to_one_task_complete_it_once(project, mdo_officer, directorate_agent, green_directorate):
    from decimal import Decimal

    from viewflow.workflow.exceptions import FlowLockFailed

    from mdo.enums import Role
    from projects import flows
    from projects.models import FeasibilityReview
    from tests.factories import make_user

    colleague = make_user(Role.DIRECTORATE_AGENT, green_directorate, username="colleague")
    type(project).objects.filter(pk=project.pk).update(status=S.ADMISSIBLE)
    from projects.services import TransitionData

    project_transition(project=project, name="start_review", by=mdo_officer, data=TransitionData(open_review=True))
    task = flows.open_tasks_for(directorate_agent).get()
    results, barrier = [], threading.Barrier(2)

    def answer(user, verdict):
        try:
            barrier.wait()
            flows.directorate_answer(
                task=type(task).objects.get(pk=task.pk),
                by=user,
                verdict=verdict,
                cost_estimate=Decimal("100"),
                delay_months=1,
                conditions="Réseaux à dévoyer",
            )
            results.append(user.username)
        except (flows.TaskRefused, FlowLockFailed) as error:  # the loser finds the task done or taken, or locked
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=answer, args=(directorate_agent, "feasible")),
        threading.Thread(target=answer, args=(colleague, "unfeasible")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    review = FeasibilityReview.objects.get()
    winners = [r for r in results if r in ("thomas", "colleague")]
    assert len(winners) == 1
    assert review.directorate_answered_by.username == winners[0]
    assert review.task_set.filter(flow_task=flows.FeasibilityFlow.directorate_review, status="DONE").count() == 1
