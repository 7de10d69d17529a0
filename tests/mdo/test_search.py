"""The global search: each kind of record, accents left out, in the user's scope, in constant queries."""

import pytest
from django.urls import reverse

from mdo.search import fold, text_filter
from projects.models import Project
from tests.helpers import assert_constant_queries
from tests.meetings.factories import make_meeting
from tests.projects.factories import EditionFactory, ProjectFactory
from tests.vendors.factories import VendorFactory, approved_line, make_contract, make_order, valid_siret

pytestmark = pytest.mark.django_db


def results(client, query: str) -> list[tuple[str, str, str]]:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return [(r.kind, r.title, r.context) for group in response.context["groups"] for r in group["results"]]


def test_fold_removes_accents_and_case():
    assert fold("École Jean-Macé ÇA") == "ecole jean-mace ca"


def test_a_project_is_found_by_a_word_of_its_title_with_an_accent_left_out(client, mdo_officer):
    edition = EditionFactory(name="Budget participatif 2026-2027")
    ProjectFactory(title="Végétalisation de la cour de l'école Jean-Macé", edition=edition, district=7)
    ProjectFactory(title="Piste cyclable rue Garibaldi", edition=edition)
    client.force_login(mdo_officer)

    found = results(client, "ecole macé")

    assert [(kind, title) for kind, title, _ in found] == [("Projet", "Végétalisation de la cour de l'école Jean-Macé")]
    assert "Lyon 7e" in found[0][2] and "Budget participatif 2026-2027" in found[0][2] and "Soumise" in found[0][2]


def test_a_project_is_found_by_its_external_id(client, mdo_officer):
    ProjectFactory(title="Fresque participative", external_id="OYE-2026-0413")
    client.force_login(mdo_officer)
    assert [title for _, title, _ in results(client, "OYE-2026-0413")] == ["Fresque participative"]


def test_a_vendor_is_found_by_siret_and_an_order_by_number(client, mdo_officer):
    siret = valid_siret(424242)
    vendor = VendorFactory(name="Atelier Rhône Concertation", siret=siret)
    contract = make_contract(by=mdo_officer, vendor=vendor, reference="2026-AMO-077")
    project = ProjectFactory(title="Jardin des Pentes")
    order = make_order(
        contract=contract,
        line=approved_line(project=project, requester=mdo_officer),
        by=mdo_officer,
        amount_ht="8000.00",
    )
    client.force_login(mdo_officer)

    assert results(client, siret) == [("Titulaire", "Atelier Rhône Concertation", f"SIRET {siret}")]
    by_number = results(client, order.number)
    assert [(kind, title.split(" — ")[0]) for kind, title, _ in by_number] == [("Bon de commande", order.number)]
    assert "8\xa0000,00 € HT" in by_number[0][2] and "Jardin des Pentes" in by_number[0][2]
    assert ("Marché", "2026-AMO-077 — Animation de la concertation") in [
        (k, t) for k, t, _ in results(client, "2026-AMO-077")
    ]


def test_meetings_and_people_are_found(client, mdo_officer, town_hall_agent):
    make_meeting(mdo_officer, title="Réunion bimestrielle du réseau", place="Mairie du 3e")
    client.force_login(mdo_officer)
    assert [(k, t) for k, t, _ in results(client, "reunion bimestrielle")] == [
        ("Réunion", "Réunion bimestrielle du réseau")
    ]
    people = results(client, "julien moreau")
    assert [(k, t) for k, t, _ in people] == [("Personne", "Julien Moreau")]
    assert "Mairie du 3" in people[0][2]


def test_a_record_out_of_scope_is_not_found(client, other_town_hall_agent, mdo_officer):
    ProjectFactory(title="Boîte à livres place Sathonay", district=3)
    ProjectFactory(title="Boîte à livres place Bellecour", district=5)
    vendor = VendorFactory(name="Ludothèque Voisine")
    contract = make_contract(by=mdo_officer, vendor=vendor)
    make_order(
        contract=contract,
        line=approved_line(project=ProjectFactory(title="Autre", district=3), requester=mdo_officer),
        by=mdo_officer,
        subject="Boîte à livres",
    )
    client.force_login(other_town_hall_agent)

    found = results(client, "boite a livres")

    assert [(k, t) for k, t, _ in found] == [("Projet", "Boîte à livres place Bellecour")]


def test_an_empty_or_one_letter_query_finds_nothing(client, mdo_officer):
    ProjectFactory(title="Aire de jeux")
    client.force_login(mdo_officer)
    assert results(client, "") == [] and results(client, "a") == []
    assert text_filter(Project.objects.all(), "%_", text_fields=("title",)).count() == 0


def test_the_search_page_keeps_a_constant_number_of_queries(client, mdo_officer):
    client.force_login(mdo_officer)

    def grow():
        for n in range(5):
            project = ProjectFactory(title=f"Jardin partagé {n}", external_id=f"J-{n}")
            vendor = VendorFactory(name=f"Jardin et Cie {n}")
            make_order(
                contract=make_contract(by=mdo_officer, vendor=vendor),
                line=approved_line(project=project, requester=mdo_officer),
                by=mdo_officer,
                subject="Jardin",
            )
            make_meeting(mdo_officer, title=f"Jardin COPIL {n}")

    ProjectFactory(title="Jardin initial")
    assert_constant_queries(client, reverse("search") + "?q=jardin", grow)


def test_the_search_box_is_in_the_navigation(client, mdo_officer):
    client.force_login(mdo_officer)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'role="search"' in html and 'name="q"' in html and reverse("search") in html
