import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.enums import ProjectKind, ProjectStatus as S
from projects.models import Project
from tests.projects.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(db, mdo_officer):
    edition = EditionFactory(name="Budget participatif 2026-2027", number=2)
    old = EditionFactory(name="Budget participatif 2022-2023", number=1)
    ProjectFactory(title="Idée au stade de l'étude", edition=edition, status=S.FEASIBILITY_REVIEW, officer=mdo_officer)
    ProjectFactory(title="Concertation Part-Dieu", kind=ProjectKind.CONSULTATION, edition=None)
    winner = ProjectFactory(title="Jardin Montchat", edition=edition, status=S.WORKS, selected=True, votes=812,
                            estimated_cost="45000.00", external_id="42", theme="Nature en ville", officer=mdo_officer,
                            progress=75)
    ProjectFactory(title="Banc place Valmy", edition=edition, status=S.NOT_SELECTED, votes=12, external_id="43",
                   district=9)
    ProjectFactory(title="Fresque Croix-Rousse", edition=old, status=S.CLOSED, selected=True, votes=300, district=4)
    return winner


def test_open_data_json_is_public_and_lists_projects_that_reached_the_ballot(client, ballot):
    response = client.get(reverse("projects:open_data_json"))
    assert response.status_code == 200
    rows = json.loads(response.content)
    assert {row["title"] for row in rows} == {"Jardin Montchat", "Banc place Valmy", "Fresque Croix-Rousse"}
    row = next(r for r in rows if r["title"] == "Jardin Montchat")
    assert row == {
        "id": ballot.pk, "external_id": "42", "edition": "Budget participatif 2026-2027", "title": "Jardin Montchat",
        "district": "Lyon 3e", "theme": "Nature en ville", "status": "works", "status_label": "En travaux",
        "selected": True, "votes": 812, "cost": "45000.00", "progress": 75, "updated_at": row["updated_at"],
    }
    assert "Camille" not in response.content.decode() and "officer" not in row  # no personal data


def test_open_data_filter_by_edition_and_csv(client, ballot):
    rows = json.loads(client.get(reverse("projects:open_data_json"), {"edition": "Budget participatif 2022-2023"}).content)
    assert [row["title"] for row in rows] == ["Fresque Croix-Rousse"]
    response = client.get(reverse("projects:open_data_csv"), {"edition": "Budget participatif 2026-2027"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["title"] for row in rows} == {"Jardin Montchat", "Banc place Valmy"}
    assert next(r for r in rows if r["title"] == "Banc place Valmy")["selected"] == "false"
    assert list(rows[0]) == ["id", "external_id", "edition", "title", "district", "theme", "status", "status_label",
                             "selected", "votes", "cost", "progress", "updated_at"]


def test_open_data_is_read_only(client, ballot):
    assert client.post(reverse("projects:open_data_json")).status_code == 405


def test_open_data_json_keeps_a_constant_number_of_queries(client, ballot, django_assert_max_num_queries):
    from tests.helpers import assert_constant_queries

    count = assert_constant_queries(client, reverse("projects:open_data_json"),
                                    lambda: ProjectFactory.create_batch(20, status=S.WINNER, selected=True))
    with django_assert_max_num_queries(count):
        client.get(reverse("projects:open_data_json"))
