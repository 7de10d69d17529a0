"""The territory of a consultation: several districts, listed quartiers and places typed freely; on the page,
the PDFs, the list and its export, the open data; a town hall sees a consultation whose territory has its district."""

import io
import re

import pytest
from django.urls import reverse

from consultations import services
from consultations.models import Consultation
from mdo.enums import Role
from tests.consultations.conftest import build_consultation
from tests.factories import NeighbourhoodFactory, make_user, town_hall
from tests.helpers import body

pytestmark = pytest.mark.django_db


def _agent_of(district: int):
    return make_user(Role.TOWN_HALL_AGENT, town_hall(district), username=f"mairie{district}")


def test_built_over_two_districts_a_quartier_of_a_third_and_a_free_place(client, mdo_officer):
    montplaisir = NeighbourhoodFactory(name="Montplaisir", district=8)
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "Berges et parcs",
            "public_question": "Quels usages pour les berges ?",
            "districts": ["3", "7"],
            "neighbourhoods": [montplaisir.pk],
            "other_places": "Berges du Rhône, Île Barbe",
            "channels": ["platform"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    consultation = Consultation.objects.get(title="Berges et parcs")
    assert consultation.districts == [3, 7, 8]  # the quartier's district joins the territory
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Lyon 3e, Lyon 7e, Lyon 8e" in page
    assert "Montplaisir" in page and "Berges du Rhône, Île Barbe" in page
    form = client.get(reverse("consultations:edit", args=[consultation.pk])).content.decode()
    assert re.search(r'name="districts" value="7"[^>]*checked', form)
    assert not re.search(r'name="districts" value="5"[^>]*checked', form)

    # Edited down to one district: the rows follow (the quartier's district stays while the quartier does).
    response = client.post(
        reverse("consultations:edit", args=[consultation.pk]),
        {"title": "Berges et parcs", "public_question": "?", "districts": ["7"], "neighbourhoods": []},
    )
    assert response.status_code == 302
    assert Consultation.objects.get(pk=consultation.pk).districts == [7]


def test_a_district_out_of_the_city_is_refused_at_the_field(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(reverse("consultations:create"), {"title": "X", "public_question": "?", "districts": ["12"]})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Consultation.objects.exists()
    with pytest.raises(services.ValidationError) as error:
        services.consultation_create(by=mdo_officer, title="Y", public_question="?", districts=[0])
    assert "n'est pas un arrondissement" in str(error.value)


def test_each_town_hall_of_the_territory_sees_the_consultation_others_do_not(client, mdo_officer):
    quartier = NeighbourhoodFactory(name="Vaise", district=9)
    consultation = build_consultation(mdo_officer, districts=[3, 7], title="Deux arrondissements")
    services.consultation_update(consultation=consultation, by=mdo_officer, neighbourhoods=[quartier])
    url = consultation.get_absolute_url()
    for district in (3, 7, 9):
        client.force_login(_agent_of(district))
        assert client.get(url).status_code == 200, district
        assert consultation.title in client.get(reverse("consultations:index")).content.decode()
    for district in (1, 5):
        client.force_login(_agent_of(district))
        assert client.get(url).status_code == 404, district
        assert client.get(reverse("consultations:version_pdf", args=[consultation.pk, 1])).status_code == 404
        assert consultation.title not in client.get(reverse("consultations:index")).content.decode()


def test_the_list_filters_by_any_district_of_the_territory_once_and_exports_it(client, mdo_officer):
    build_consultation(mdo_officer, districts=[3, 7], title="Deux arrondissements")
    build_consultation(mdo_officer, districts=[5], title="Parc du 5e")
    build_consultation(mdo_officer, districts=[], title="Toute la ville")
    client.force_login(mdo_officer)
    page = client.get(reverse("consultations:index"), {"district": "7"}).content.decode()
    assert page.count(">Deux arrondissements<") == 1
    assert "Parc du 5e" not in page and "Toute la ville</a>" not in page
    export = body(client.get(reverse("consultations:index"), {"_export": "csv"})).decode()
    assert "Lyon 3e, Lyon 7e" in export and "Toute la ville" in export


def test_the_paper_questionnaire_shows_the_territory(client, mdo_officer):
    from pypdf import PdfReader

    consultation = build_consultation(mdo_officer, districts=[3, 7])
    services.consultation_update(consultation=consultation, by=mdo_officer, other_places="Berges du Rhône")
    client.force_login(mdo_officer)
    pdf = client.get(reverse("consultations:version_pdf", args=[consultation.pk, 1]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Lyon 3e, Lyon 7e" in text and "Berges du Rhône" in text


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_the_single_district_into_the_territory():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before, after = [("consultations", "0001_consultations")], [("consultations", "0003_remove_single_district")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("consultations", "Consultation")
    third = old.objects.create(title="Place du 3e", public_question="?", district=3, channels=[])
    citywide = old.objects.create(title="Toute la ville", public_question="?", district=None, channels=[])
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    assert Consultation.objects.get(pk=third.pk).districts == [3]
    assert Consultation.objects.get(pk=citywide.pk).districts == []
