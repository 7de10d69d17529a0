"""A line's project is named and linked only for who may open the project's page (lines list and its
export, line page, task page, « Mes tâches »).

A 3e état spécial line on a 5e project: the 3e town hall sees the line and its task, not the project
(its page would answer 404), so the line shows no project at all — its label stays, being the writer's.
"""

import html
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from budgets.enums import DecisionOutcome
from mdo.registry import registry
from tests.budgets.factories import decide, make_line, make_project, open_task, submitted_line
from tests.helpers import assert_constant_queries, body

pytestmark = pytest.mark.django_db


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)


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
    assert "Jeux de Ménival" in page and project_5e.title not in page
    assert f'href="{project_5e.get_absolute_url()}"' not in page
    assert f'href="{project_3e.get_absolute_url()}"' in page
    assert client.get(project_5e.get_absolute_url()).status_code == 404  # why there is no reference
    # Nor can the project's title be found through the list's filter.
    found = client.get(reverse("budgets:index"), {"project": "Escaliers"}).content.decode()
    assert "Jeux de Ménival" not in found


def test_lines_list_export_names_only_the_projects_the_reader_may_open(
    client, mdo_officer, town_hall_agent, project_3e, project_5e
):
    make_line(mdo_officer, label="Jeux de Ménival", project=project_5e, holder_district=3)
    make_line(mdo_officer, label="Bancs de la place Guichard", project=project_3e, holder_district=3)
    client.force_login(town_hall_agent)
    for export_format in ("csv", "xlsx"):
        export = body(client.get(reverse("budgets:index"), {"_export": export_format}))
        content = export.decode() if export_format == "csv" else _xlsx_text(export)
        assert "Jeux de Ménival" in content and project_3e.title in content
        assert project_5e.title not in content
    client.force_login(mdo_officer)
    assert project_5e.title in body(client.get(reverse("budgets:index"), {"_export": "csv"})).decode()


def test_line_and_task_pages_name_only_a_project_the_reader_may_open(
    client, mdo_officer, mdo_manager, town_hall_agent, project_3e, project_5e
):
    fifth = _awaiting_town_hall(mdo_officer, mdo_manager, label="Jeux de Ménival", project=project_5e)
    third = _awaiting_town_hall(mdo_officer, mdo_manager, label="Bancs de la place Guichard", project=project_3e)
    client.force_login(town_hall_agent)
    page = html.unescape(client.get(fifth.get_absolute_url()).content.decode())
    assert "Jeux de Ménival" in page and project_5e.title not in page
    task_page = html.unescape(client.get(reverse("budgets:task_detail", args=[open_task(fifth).pk])).content.decode())
    assert "Jeux de Ménival" in task_page and project_5e.title not in task_page
    assert 'data-testid="project-budget-lines"' not in task_page
    page = client.get(third.get_absolute_url()).content.decode()
    assert f'href="{project_3e.get_absolute_url()}"' in page
    client.force_login(mdo_manager)
    page = client.get(fifth.get_absolute_url()).content.decode()
    assert f'href="{project_5e.get_absolute_url()}"' in page


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
    assert "Jeux de Ménival" in page and project_5e.title not in page
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
