"""A line's project is linked only for who may open the project's page (lines list and « Mes tâches»).

A 3e état spécial line on a 5e project: the 3e town hall sees the line and its task, not the project
(its page would answer 404), so the title shows without a link.
"""

import pytest
from django.urls import reverse

from budgets.enums import DecisionOutcome
from mdo.registry import registry
from tests.budgets.factories import decide, make_line, make_project, submitted_line
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _awaiting_town_hall(officer, manager, **fields):
    line = submitted_line(officer, holder_district=3, **fields)
    decide(line, manager, DecisionOutcome.APPROVED)  # now awaiting the 3e town hall's opinion
    return line


def test_lines_list_links_only_the_projects_the_reader_may_open(
    client, mdo_officer, town_hall_agent, project_3e, project_5e
):
    make_line(mdo_officer, label="Bancs de la place Guichard", project=project_3e, holder_district=3)
    make_line(mdo_officer, label="Jeux de Ménival (état spécial du 3e)", project=project_5e, holder_district=3)
    client.force_login(town_hall_agent)
    page = client.get(reverse("budgets:index")).content.decode()
    assert "Jeux de Ménival" in page and project_5e.title in page
    assert f'href="{project_5e.get_absolute_url()}"' not in page
    assert f'href="{project_3e.get_absolute_url()}"' in page
    assert client.get(project_5e.get_absolute_url()).status_code == 404  # why there is no link


def test_lines_list_export_keeps_the_project_title(client, mdo_officer, town_hall_agent, project_5e):
    make_line(mdo_officer, project=project_5e, holder_district=3)
    client.force_login(town_hall_agent)
    export = client.get(reverse("budgets:index"), {"_export": "csv"})
    assert project_5e.title in b"".join(export.streaming_content if export.streaming else [export.content]).decode()


def test_lines_list_queries_stay_constant_for_a_town_hall(
    client, mdo_officer, town_hall_agent, project_3e, project_5e, django_assert_max_num_queries
):
    make_line(mdo_officer, project=project_5e, holder_district=3)
    client.force_login(town_hall_agent)

    def grow():
        for index in range(4):
            make_line(
                mdo_officer,
                label=f"Ligne {index}",
                holder_district=3,
                project=make_project(title=f"Projet {index}", district=3 if index % 2 else 5),
            )

    count = assert_constant_queries(client, reverse("budgets:index"), grow)
    with django_assert_max_num_queries(count):
        client.get(reverse("budgets:index"))
    assert count <= 11 + len(registry.tasks)


def test_inbox_links_only_the_projects_the_reader_may_open(
    client, mdo_officer, mdo_manager, town_hall_agent, project_3e, project_5e
):
    _awaiting_town_hall(mdo_officer, mdo_manager, label="Bancs de la place Guichard", project=project_3e)
    _awaiting_town_hall(mdo_officer, mdo_manager, label="Jeux de Ménival", project=project_5e)
    client.force_login(town_hall_agent)
    page = client.get(reverse("tasks")).content.decode()
    assert "Jeux de Ménival" in page and project_5e.title in page
    assert f'href="{project_5e.get_absolute_url()}"' not in page
    assert f'href="{project_3e.get_absolute_url()}"' in page


def test_inbox_queries_stay_constant_for_a_town_hall(
    client, mdo_officer, mdo_manager, town_hall_agent, project_5e, django_assert_max_num_queries
):
    _awaiting_town_hall(mdo_officer, mdo_manager, project=project_5e)
    client.force_login(town_hall_agent)

    def grow():
        for index in range(3):
            _awaiting_town_hall(
                mdo_officer,
                mdo_manager,
                label=f"Ligne {index}",
                project=make_project(title=f"Projet {index}", district=3 if index % 2 else 5),
            )

    count = assert_constant_queries(client, reverse("tasks"), grow)
    with django_assert_max_num_queries(count):
        client.get(reverse("tasks"))
