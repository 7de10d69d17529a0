"""Type-ahead pickers: JSON choices in the user's scope, with their context; the form holds only the chosen option."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.helpers import picker_choices
from tests.projects.factories import EditionFactory, ProjectFactory
from tests.vendors.factories import approved_line, make_contract, make_order

pytestmark = pytest.mark.django_db


def test_project_choices_show_district_and_edition_and_stay_in_scope(client, other_town_hall_agent):
    edition = EditionFactory(name="Budget participatif 2026-2027")
    ProjectFactory(title="Jardin partagé Sathonay", district=3, edition=edition)
    mine = ProjectFactory(title="Jardin partagé Gerland", district=5, edition=edition)
    client.force_login(other_town_hall_agent)

    found = picker_choices(client, "projects", q="jardin partage")

    assert [(o["value"], o["text"]) for o in found] == [(str(mine.pk), "Jardin partagé Gerland")]
    assert found[0]["context"].startswith("Lyon 5e · Budget participatif 2026-2027")


def test_budget_line_choices_show_what_remains_available(client, mdo_officer):
    project = ProjectFactory(title="Aire de jeux Blandan")
    line = approved_line(project=project, requester=mdo_officer, amount_ttc=Decimal("12000.00"))
    make_order(contract=make_contract(by=mdo_officer), line=line, by=mdo_officer, amount_ht=Decimal("2500.00"))
    client.force_login(mdo_officer)

    found = picker_choices(client, "budget_lines", q="blandan")

    assert [o["value"] for o in found] == [str(line.pk)]
    assert "disponible 9\xa0000,00 € TTC" in found[0]["context"]  # 12 000 − 3 000 TTC committed
    assert picker_choices(client, "budget_lines", project=str(project.pk + 1000)) == []


def test_people_and_organisations_show_their_full_names(client, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    people = picker_choices(client, "people", q="moreau")
    assert [(o["text"], o["context"]) for o in people] == [("Julien Moreau", "Mairie du 3e arrondissement")]
    organisations = picker_choices(client, "organisations", q="mairie 3")
    assert organisations[0]["text"] == "Mairie du 3e arrondissement" and "Mairie du 3e" in organisations[0]["context"]


def test_an_unknown_picker_answers_404_and_an_anonymous_visitor_is_sent_to_sign_in(client, mdo_officer):
    assert client.get(reverse("picker_options", args=["projects"])).status_code == 302
    client.force_login(mdo_officer)
    assert client.get(reverse("picker_options", args=["nothing"])).status_code == 404


def test_the_order_form_holds_only_the_chosen_line_and_refuses_one_out_of_scope(
    client, mdo_officer, other_town_hall_agent
):
    lines = [
        approved_line(project=ProjectFactory(title=f"Projet {n}", district=3), requester=mdo_officer) for n in range(3)
    ]
    contract = make_contract(by=mdo_officer)
    client.force_login(mdo_officer)
    page = client.get(reverse("vendors:order_create", args=[contract.pk])).content.decode()
    assert 'data-picker-url="/choix/budget_lines/"' in page
    assert f'value="{lines[0].pk}"' not in page  # fetched as one types, not all in the page

    client.force_login(other_town_hall_agent)
    response = client.get(reverse("picker_options", args=["budget_lines"]))
    assert response.json()["results"] == []  # lines of the 3rd district's projects: out of scope


def test_a_refused_order_keeps_the_chosen_line_in_its_picker(client, mdo_officer):
    line = approved_line(project=ProjectFactory(title="Bancs Sathonay", district=1), requester=mdo_officer)
    contract = make_contract(by=mdo_officer)
    client.force_login(mdo_officer)
    response = client.post(
        reverse("vendors:order_create", args=[contract.pk]),
        {"budget_line": line.pk, "subject": "Bancs", "amount_ht": "pas un montant"},
    )
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "amount_ht" in response.context["form"].errors
    assert f'<option value="{line.pk}" selected>' in page and "disponible 500\xa0000,00 € TTC" in page
