import threading

import pytest
from django.db import connection

from projects.enums import ProjectStatus as S
from projects.models import TimelineEntry
from projects.services import TransitionRefused, project_transition


def _skip_unless_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("Les verrous de ligne demandent PostgreSQL.")


@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_on_one_project_fire_once(project, mdo_officer):
    _skip_unless_postgres()
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
