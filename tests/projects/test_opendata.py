import csv
import datetime
import gzip
import io
import json

import pytest
from django.urls import reverse

from mdo.models import CityIdentity
from projects.enums import ProjectKind
from projects.enums import ProjectStatus as S
from projects.models import EditionDistrict, TimelineEntry
from projects.services import edition_publication_set
from tests.projects.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db
JSON = "/open-data/projects.json"
CSV = "/open-data/projects.csv"


@pytest.fixture
def ballot(db, mdo_officer):
    edition = EditionFactory(name="Budget participatif 2026-2027", number=2, start_year=2026)
    old = EditionFactory(name="Budget participatif 2022-2023", number=1)
    ProjectFactory(title="Idée au stade de l'étude", edition=edition, status=S.FEASIBILITY_REVIEW, officer=mdo_officer)
    ProjectFactory(title="Concertation Part-Dieu", kind=ProjectKind.CONSULTATION, edition=None)
    third = EditionDistrict.objects.create(edition=edition, name="Lyon 3e", number=3)
    winner = ProjectFactory(
        title="Jardin Montchat",
        edition=edition,
        status=S.WORKS,
        selected=True,
        votes=812,
        estimated_cost="45000.50",
        external_id="42",
        theme="Nature en ville",
        officer=mdo_officer,
        progress=75,
        edition_district=third,
        planned_end=datetime.date(2027, 6, 30),
    )
    ProjectFactory(
        title="Banc place Valmy", edition=edition, status=S.NOT_SELECTED, votes=12, external_id="43", district=9
    )
    ProjectFactory(title="Fresque Croix-Rousse", edition=old, status=S.CLOSED, selected=True, votes=300, district=4)
    TimelineEntry.objects.create(project=winner, text="Début des travaux", is_public=True)
    TimelineEntry.objects.create(project=winner, text="Note interne sur le prestataire", is_public=False)
    for item in (edition, old):
        edition_publication_set(edition=item, published=True, by=mdo_officer)
    return winner


def _results(response) -> list[dict]:
    return json.loads(response.content)["resultats"]


def test_feed_carries_licence_and_metadata_and_scdl_typed_fields(client, ballot):
    response = client.get(JSON)
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["licence"]["identifiant"] == "etalab-2.0"
    assert payload["metadonnees"]["licence"]["nom"] == "Licence Ouverte / Open Licence version 2.0"
    assert payload["metadonnees"]["producteur"] == {
        "nom": "Ville de Lyon",
        "siret": "21690123100011",
        "codeInsee": "69123",
    }
    rows = payload["resultats"]
    assert {row["titre"] for row in rows} == {"Jardin Montchat", "Banc place Valmy", "Fresque Croix-Rousse"}
    row = next(r for r in rows if r["titre"] == "Jardin Montchat")
    assert row["collectiviteNom"] == "Ville de Lyon" and row["collectiviteSiret"] == "21690123100011"
    assert row["codeInsee"] == "69383" and row["arrondissementNom"] == "Lyon 3e"
    assert row["coutEstime"] == 45000.5 and isinstance(row["voix"], int) and row["avancement"] == 75
    assert row["laureat"] is True and row["devise"] == "EUR" and row["editionAnnee"] == 2026
    assert row["dateLivraisonPrevue"] == "2027-06-30"
    datetime.datetime.fromisoformat(row["dateMiseAJour"])
    assert [entry["texte"] for entry in row["fil"]] == ["Début des travaux"]  # public entries only
    assert next(r for r in rows if r["titre"] == "Banc place Valmy")["codeInsee"] == "69389"
    body = response.content.decode()
    assert "Camille" not in body and "Note interne" not in body  # no personal data, no internal note


def test_identity_set_by_the_administrator_is_the_producer(client, ballot):
    identity = CityIdentity.current()
    identity.name, identity.siret = "Ville de Lyon — Mission Démocratie Ouverte", "21690123100011"
    identity.save()
    assert _results(client.get(JSON))[0]["collectiviteNom"] == "Ville de Lyon — Mission Démocratie Ouverte"


def test_an_edition_is_public_only_once_the_mdo_publishes_it(client, ballot, mdo_officer, town_hall_agent):
    edition = ballot.edition
    edition_publication_set(edition=edition, published=False, by=mdo_officer)
    assert {row["titre"] for row in _results(client.get(JSON))} == {"Fresque Croix-Rousse"}
    client.force_login(town_hall_agent)
    assert client.post(reverse("projects:edition_publish", args=[edition.pk]), {"publish": "1"}).status_code == 404
    client.force_login(mdo_officer)
    assert client.get(reverse("projects:edition_publish", args=[edition.pk])).status_code == 405
    client.post(reverse("projects:edition_publish", args=[edition.pk]), {"publish": "1"})
    edition.refresh_from_db()
    assert edition.published_at and edition.published_by == mdo_officer
    client.logout()
    assert "Jardin Montchat" in {row["titre"] for row in _results(client.get(JSON))}


def test_csv_is_the_whole_data_set_with_numbers_and_iso_dates(client, ballot):
    response = client.get(CSV, {"edition": "Budget participatif 2026-2027"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["titre"] for row in rows} == {"Jardin Montchat", "Banc place Valmy"}
    jardin = next(r for r in rows if r["titre"] == "Jardin Montchat")
    assert (
        jardin["coutEstime"] == "45000.5"
        and jardin["laureat"] == "true"
        and jardin["dateLivraisonPrevue"] == "2027-06-30"
    )
    assert list(rows[0])[:3] == ["collectiviteNom", "collectiviteSiret", "id"]


def test_parent_programme_is_named_when_it_is_in_the_data_set_too(client, ballot, mdo_officer):
    programme = ProjectFactory(title="Programme Montchat", edition=ballot.edition, status=S.WORKS, selected=True)
    ballot.parent = programme
    ballot.save()
    # A programme of an edition the MDO has not published is not named: its id would lead nowhere.
    hidden = ProjectFactory(title="Programme caché", edition=EditionFactory(name="BP 2030"), status=S.WORKS)
    ProjectFactory(title="Opération du programme caché", edition=ballot.edition, status=S.WINNER, parent=hidden)
    rows = {row["titre"]: row for row in _results(client.get(JSON))}
    assert rows["Jardin Montchat"]["idParent"] == programme.pk
    assert rows["Programme Montchat"]["idParent"] is None
    assert rows["Opération du programme caché"]["idParent"] is None
    assert "Programme caché" not in rows
    lines = {row["titre"]: row for row in csv.DictReader(io.StringIO(client.get(CSV).content.decode()))}
    assert lines["Jardin Montchat"]["idParent"] == str(programme.pk)
    assert lines["Opération du programme caché"]["idParent"] == "" and lines["Banc place Valmy"]["idParent"] == ""
    fields = {field["nom"] for field in json.loads(client.get(JSON).content)["metadonnees"]["champs"]}
    assert "idParent" in fields


def test_csv_neutralises_a_formula_title(client, ballot):
    ProjectFactory(title='=HYPERLINK("http://x","clic")', edition=ballot.edition, status=S.WINNER, selected=True)
    rows = list(csv.DictReader(io.StringIO(client.get(CSV).content.decode())))
    assert '\'=HYPERLINK("http://x","clic")' in {row["titre"] for row in rows}


def test_pagination_with_links(client, ballot):
    ProjectFactory.create_batch(5, edition=ballot.edition, status=S.WINNER, selected=True)
    first = json.loads(client.get(JSON, {"taille": "3"}).content)
    assert first["nombre"] == 8 and first["pages"] == 3 and len(first["resultats"]) == 3
    assert first["precedente"] is None and first["suivante"].endswith("?page=2&taille=3")
    last = json.loads(client.get(JSON, {"taille": "3", "page": "3"}).content)
    assert len(last["resultats"]) == 2 and last["suivante"] is None
    ids = {
        r["id"]
        for page in (1, 2, 3)
        for r in json.loads(client.get(JSON, {"taille": "3", "page": page}).content)["resultats"]
    }
    assert len(ids) == 8
    assert json.loads(client.get(JSON, {"taille": "abc", "page": "-1"}).content)["page"] == 1  # no error on bad input


def test_etag_and_last_modified_answer_304_until_the_data_changes(client, ballot):
    response = client.get(JSON)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert client.get(JSON, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(JSON, HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304  # weak, as a proxy sends it
    assert client.get(JSON, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    ballot.progress = 80
    ballot.save()
    changed = client.get(JSON, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_body_is_cached_not_rebuilt(client, ballot, django_assert_max_num_queries):
    client.get(JSON)
    with django_assert_max_num_queries(3):  # the fingerprint and the identity; the body comes from the cache
        response = client.get(JSON)
    assert response.status_code == 200 and _results(response)


def test_gzip_head_and_cors_preflight(client, ballot):
    compressed = client.get(JSON, HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(compressed.content))["nombre"] == 3
    head = client.head(CSV)
    assert head.status_code == 200 and head.content == b"" and head["ETag"]
    preflight = client.options(JSON, HTTP_ORIGIN="https://data.grandlyon.com", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*" and "GET" in preflight["Access-Control-Allow-Methods"]
    assert "ETag" in client.get(JSON)["Access-Control-Expose-Headers"]


def test_open_data_is_read_only(client, ballot):
    assert client.post(JSON).status_code == 405


def test_public_page_describes_the_data_set(client, ballot):
    page = client.get(reverse("projects:open_data"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Licence Ouverte" in text and "21690123100011" in text and "codeInsee" in text
    assert "Budget participatif 2026-2027" in text


def test_open_data_json_keeps_a_constant_number_of_queries(client, ballot, django_assert_max_num_queries):
    from django.core.cache import cache

    from tests.helpers import assert_constant_queries

    def grow():
        programme = ProjectFactory(status=S.WORKS, selected=True, edition=ballot.edition)
        ProjectFactory.create_batch(20, status=S.WINNER, selected=True, edition=ballot.edition, parent=programme)
        cache.clear()

    CityIdentity.current()  # created with the city's values on first read
    cache.clear()
    count = assert_constant_queries(client, JSON, grow)
    cache.clear()
    with django_assert_max_num_queries(count):
        client.get(JSON)
