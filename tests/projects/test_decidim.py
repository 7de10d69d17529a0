"""The round trip with Decidim's accountability component.

The fixtures are built like Decidim's own results export (``Decidim::Accountability::ResultSerializer``
flattened by ``Decidim::Exporters::CSV``: ``category/id``, ``title/fr``, ``status/id``…, ``;``).
``replay_decidim_import`` applies, rule by rule, what Decidim's ``ResultsCsvImporter`` and
``Admin::ResultForm`` do with our file, against the component the fixture describes.
"""

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse

from projects.enums import ProjectStatus as S
from projects.models import DecidimResult, DecidimStatus, DecidimStatusMapping
from tests.projects.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
FORMULA = '=HYPERLINK("http://x","clic")'


def decidim_component() -> dict:
    """The component as Decidim holds it: results by id (their exported columns) and its status ids."""
    rows = list(csv.DictReader(io.StringIO((DATA / "decidim_results.csv").read_text(encoding="utf-8")), delimiter=";"))
    return {
        "results": {int(row["id"]): row for row in rows},
        "statuses": {int(row["status/id"]) for row in rows},
        "categories": {int(row["category/id"]) for row in rows if row["category/id"]},
        "scopes": {int(row["scope/id"]) for row in rows if row["scope/id"]},
    }


def replay_decidim_import(
    content: bytes, component: dict, *, col_sep: str = ";", locales=("fr", "en"), default_locale: str = "fr"
) -> dict:
    """What Decidim's ``ResultsCsvImporter#import!`` would do with ``content``: updated ids, created rows, errors.

    Ruby reads the upload as UTF-8 text, ``CSV.new(headers: true, col_sep: Decidim.default_csv_col_sep)``;
    a row whose ``id`` is a result of the component updates it, any other row creates a result; the
    form requires a title and a description in the default locale, a ``status/id`` of the component's
    statuses, a known category and scope; the update then rewrites category, scope, status and
    proposal links from the row."""
    text = content.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=col_sep, strict=True)
    header = next(reader)
    outcome = {"updated": {}, "created": [], "errors": []}
    if header[0] != "id":
        outcome["errors"].append(f"première colonne {header[0]!r} au lieu de 'id' (séparateur ou BOM)")
        return outcome
    for number, values in enumerate(reader, start=2):
        if len(values) != len(header):
            outcome["errors"].append(f"ligne {number} : {len(values)} cellules pour {len(header)} colonnes")
            continue
        row = dict(zip(header, values, strict=True))
        errors = []
        for field in ("title", "description"):
            texts = {lang: row.get(f"{field}/{lang}") or row.get(f"{field}/{default_locale}", "") for lang in locales}
            if not texts[default_locale].strip():
                errors.append(f"{field} vide")
        if not row.get("status/id"):
            errors.append("status/id vide : la mise à jour effacerait le statut")
        elif int(row["status/id"]) not in component["statuses"]:
            errors.append(f"status/id {row['status/id']} inconnu du composant")
        if row.get("category/id") and int(row["category/id"]) not in component["categories"]:
            errors.append("catégorie inconnue")
        if row.get("scope/id") and int(row["scope/id"]) not in component["scopes"]:
            errors.append("secteur inconnu")
        if row.get("parent/id") and int(row["parent/id"]) not in component["results"]:
            # remove_invalid_results: a result whose parent is no result of the component is destroyed.
            errors.append(f"parent/id {row['parent/id']} inconnu : Decidim supprimerait ce résultat")
        for field in ("start_date", "end_date"):
            if row.get(field):
                datetime.date.fromisoformat(row[field])
        float(row["progress"])
        if errors:
            outcome["errors"].append((number, errors))
            continue
        if row["id"] and int(row["id"]) in component["results"]:
            outcome["updated"][int(row["id"])] = row
        else:
            outcome["created"].append(row)
    return outcome


@pytest.fixture
def edition(mdo_officer):
    edition = EditionFactory(name="Budget participatif 2026-2027", number=2)
    ProjectFactory(
        title="Jardin Montchat",
        edition=edition,
        status=S.WORKS,
        selected=True,
        progress=75,
        public_summary="Un jardin partagé rue Ferdinand-Buisson.",
        planned_start=datetime.date(2026, 3, 2),
        officer=mdo_officer,
    )
    ProjectFactory(
        title="Fresque du gros caillou",
        edition=edition,
        status=S.DESIGN,
        selected=True,
        progress=40,
        description="",
        public_summary="",
        district=4,
    )
    ProjectFactory(title="Bancs du quai Saint-Vincent", edition=edition, status=S.WINNER, selected=True, district=1)
    ProjectFactory(title="Skatepark non retenu", edition=edition, status=S.NOT_SELECTED, selected=False)
    return edition


def _import(client, edition, name="decidim_results.csv"):
    with open(DATA / name, "rb") as upload:
        return client.post(reverse("projects:decidim_import"), {"edition": edition.pk, "file": upload})


def _export(client, edition) -> bytes:
    response = client.get(reverse("projects:decidim_accountability"), {"edition": edition.pk})
    assert response.status_code == 200
    return response.content


def test_import_learns_decidim_ids_statuses_and_matches_titles(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    response = _import(client, edition)
    assert response.status_code == 302
    results = {r.decidim_id: r for r in DecidimResult.objects.filter(edition=edition).select_related("project")}
    assert set(results) == {1207, 1208, 1209}
    assert results[1207].project.title == "Jardin Montchat"
    assert results[1208].project.title == "Fresque du gros caillou"  # case, accents and hyphens aside
    assert results[1209].project is None
    assert {(s.decidim_id, s.key, s.name) for s in DecidimStatus.objects.filter(edition=edition)} == {
        (52, "en_travaux", "En travaux"),
        (51, "etudes", "En études"),
        (53, "termine", "Réalisé"),
    }
    mapping = dict(
        DecidimStatusMapping.objects.filter(edition=edition).values_list("status", "decidim_status__decidim_id")
    )
    assert mapping == {S.WORKS: 52, S.DESIGN: 51}  # same name; "Réalisé" is chosen by the MDO


def test_json_export_teaches_the_same_as_the_csv(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    _import(client, edition, "decidim_results.json")
    result = DecidimResult.objects.get(edition=edition, decidim_id=1207)
    assert result.project.title == "Jardin Montchat"
    assert result.value("category/id") == "14" and result.value("scope/id") == "5"
    assert result.value("proposal_urls") == (
        "https://oye.lyon.fr/processes/bp2/f/85/proposals/3301, https://oye.lyon.fr/processes/bp2/f/85/proposals/3302"
    )


def test_export_passes_decidim_importer_rules_and_touches_no_foreign_column(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    _import(client, edition)
    component = decidim_component()
    content = _export(client, edition)
    outcome = replay_decidim_import(content, component)
    assert outcome["errors"] == [] and outcome["created"] == []
    assert set(outcome["updated"]) == {1207, 1208}
    jardin, fresque = outcome["updated"][1207], outcome["updated"][1208]
    assert jardin["status/id"] == "52" and fresque["status/id"] == "51"  # the component's own status ids
    assert jardin["progress"] == "75" and jardin["start_date"] == "2026-03-02"
    assert jardin["description/fr"] == "Un jardin partagé rue Ferdinand-Buisson."
    assert fresque["description/fr"] == "<p>Une fresque.</p>"  # ours is empty: Decidim's is kept
    for decidim_id, row in outcome["updated"].items():
        original = component["results"][decidim_id]
        for column in (
            "category/id",
            "scope/id",
            "parent/id",
            "proposal_urls",
            "title/en",
            "description/en",
            "component/id",
            "url",
        ):
            assert row[column] == original[column], column


def test_parent_project_goes_to_decidim_as_its_decidim_result_id(client, mdo_officer, edition):
    from projects.decidim import decidim_result_link
    from projects.models import Project

    client.force_login(mdo_officer)
    _import(client, edition)
    component = decidim_component()
    programme = ProjectFactory(title="Programme des jardins", edition=edition, status=S.WORKS)
    decidim_result_link(result=DecidimResult.objects.get(edition=edition, decidim_id=1209), project=programme, by=None)
    Project.objects.filter(title="Jardin Montchat").update(parent=programme)
    # A parent whose Decidim result is another edition's component: its id means nothing to this one.
    elsewhere = ProjectFactory(title="Programme d'une autre édition", edition=EditionFactory(name="BP 2030"))
    DecidimResult.objects.create(edition=elsewhere.edition, decidim_id=4242, project=elsewhere)
    Project.objects.filter(title="Fresque du gros caillou").update(parent=elsewhere)
    outcome = replay_decidim_import(_export(client, edition), component)
    assert outcome["errors"] == [] and outcome["created"] == []
    assert outcome["updated"][1207]["parent/id"] == "1209"
    assert outcome["updated"][1208]["parent/id"] == component["results"][1208]["parent/id"] == ""


def test_parent_project_without_decidim_result_keeps_decidim_s_parent(client, mdo_officer, edition):
    from projects.models import Project

    client.force_login(mdo_officer)
    _import(client, edition)
    programme = ProjectFactory(title="Programme pas encore sur Decidim", edition=edition, status=S.WORKS)
    Project.objects.filter(title="Jardin Montchat").update(parent=programme)
    outcome = replay_decidim_import(_export(client, edition), decidim_component())
    assert outcome["errors"] == [] and outcome["updated"][1207]["parent/id"] == ""


def test_accountability_export_keeps_a_constant_number_of_queries_with_parents(client, mdo_officer, edition):
    from projects.decidim import decidim_result_link
    from tests.helpers import assert_constant_queries

    client.force_login(mdo_officer)
    _import(client, edition)
    programme = ProjectFactory(title="Programme des jardins", edition=edition, status=S.WORKS)
    decidim_result_link(result=DecidimResult.objects.get(edition=edition, decidim_id=1209), project=programme, by=None)

    def grow():
        for number in range(5):
            child = ProjectFactory(edition=edition, status=S.WORKS, selected=True, parent=programme)
            DecidimResult.objects.create(edition=edition, decidim_id=2000 + number, project=child, columns=[])

    assert_constant_queries(client, f"{reverse('projects:decidim_accountability')}?edition={edition.pk}", grow)


def test_export_uses_the_instance_separator(client, mdo_officer, edition, settings):
    client.force_login(mdo_officer)
    _import(client, edition)
    assert not _export(client, edition).startswith(b"\xef\xbb\xbf")  # a BOM would rename Decidim's "id" column
    settings.DECIDIM_CSV_COL_SEP = "|"
    content = _export(client, edition)
    assert replay_decidim_import(content, decidim_component(), col_sep="|")["errors"] == []
    assert replay_decidim_import(content, decidim_component(), col_sep=";")["errors"]


def test_unmatched_projects_are_listed_not_exported(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    _import(client, edition)
    page = client.get(reverse("projects:decidim"), {"edition": edition.pk}).content.decode()
    assert "Bancs du quai Saint-Vincent" in page and "aucun résultat Decidim relié" in page
    assert "Pumptrack de Gerland" in page  # the Decidim result nobody matched
    assert "Skatepark non retenu" not in page
    assert b"Bancs du quai" not in _export(client, edition)


def test_status_without_decidim_status_is_listed_not_exported(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    _import(client, edition)
    jardin = edition.projects.get(title="Jardin Montchat")
    jardin.status = S.DELIVERED
    jardin.save()
    page = client.get(reverse("projects:decidim"), {"edition": edition.pk}).content.decode()
    assert "statut « Livrée » sans statut Decidim associé" in page
    assert 1207 not in replay_decidim_import(_export(client, edition), decidim_component())["updated"]
    finished = DecidimStatus.objects.get(edition=edition, decidim_id=53)
    client.post(
        reverse("projects:decidim_statuses"),
        {
            "edition": edition.pk,
            "status_delivered": finished.pk,
            "status_works": "",
            "status_design": DecidimStatus.objects.get(edition=edition, decidim_id=51).pk,
        },
    )
    outcome = replay_decidim_import(_export(client, edition), decidim_component())
    assert outcome["updated"][1207]["status/id"] == "53" and outcome["errors"] == []


def test_manual_link_and_formula_title_written_as_text(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    _import(client, edition)
    project = ProjectFactory(title=FORMULA, edition=edition, status=S.DESIGN, selected=True, description="")
    result = DecidimResult.objects.get(edition=edition, decidim_id=1209)
    response = client.post(
        reverse("projects:decidim_link"), {"edition": edition.pk, "result": result.pk, "project": project.pk}
    )
    assert response.status_code == 302
    outcome = replay_decidim_import(_export(client, edition), decidim_component())
    row = outcome["updated"][1209]
    assert row["title/fr"] == "'" + FORMULA
    assert row["description/fr"] == "'" + FORMULA  # Decidim's is empty too: never an empty description


def test_bad_file_imports_nothing_and_says_why(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    bad = io.BytesIO(b"id;title/fr\n12;Jardin\nabc;Fresque\n")
    bad.name = "resultats.csv"
    response = client.post(reverse("projects:decidim_import"), {"edition": edition.pk, "file": bad}, follow=True)
    assert "ligne 3 : identifiant Decidim « abc »" in response.content.decode()
    assert not DecidimResult.objects.exists()
    pabulib = io.BytesIO(b"META\nkey;value\n")
    pabulib.name = "vote.csv"
    response = client.post(reverse("projects:decidim_import"), {"edition": edition.pk, "file": pabulib}, follow=True)
    assert "colonne « id » absente" in response.content.decode()


def test_decidim_pages_are_the_mdo_s_only(client, town_hall_agent, edition):
    client.force_login(town_hall_agent)
    assert client.get(reverse("projects:decidim")).status_code == 404
    assert client.get(reverse("projects:decidim_accountability"), {"edition": edition.pk}).status_code == 404
    assert _import(client, edition).status_code == 404
    assert not DecidimResult.objects.exists()


def test_decidim_post_views_refuse_get(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    for name in ("projects:decidim_import", "projects:decidim_statuses", "projects:decidim_link"):
        assert client.get(reverse(name)).status_code == 405


def test_unknown_edition_answers_404(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    assert client.get(reverse("projects:decidim_accountability"), {"edition": "999999"}).status_code == 404
    assert client.get(reverse("projects:decidim"), {"edition": "x"}).status_code == 404


def test_decidim_page_keeps_a_constant_number_of_queries(client, mdo_officer, edition, django_assert_max_num_queries):
    from tests.helpers import assert_constant_queries

    client.force_login(mdo_officer)
    _import(client, edition)
    url = f"{reverse('projects:decidim')}?edition={edition.pk}"
    count = assert_constant_queries(
        client, url, lambda: ProjectFactory.create_batch(10, edition=edition, status=S.WINNER, selected=True)
    )
    with django_assert_max_num_queries(count):
        client.get(url)


def test_reimport_keeps_links_and_updates_columns(client, mdo_officer, edition):
    client.force_login(mdo_officer)
    _import(client, edition)
    items = json.loads((DATA / "decidim_results.json").read_text(encoding="utf-8"))
    items[0]["category"]["id"] = 16
    items[0]["title"]["fr"] = "Jardin partagé de Montchat"  # renamed on Decidim: the link holds
    upload = io.BytesIO(json.dumps(items).encode())
    upload.name = "results.json"
    client.post(reverse("projects:decidim_import"), {"edition": edition.pk, "file": upload})
    result = DecidimResult.objects.get(edition=edition, decidim_id=1207)
    assert result.project.title == "Jardin Montchat" and result.value("category/id") == "16"
    assert DecidimResult.objects.filter(edition=edition).count() == 3


def test_our_description_goes_to_decidim_as_the_sanitisers_html_and_an_older_plain_one_with_its_paragraphs(
    client, mdo_officer, edition
):
    from projects.models import Project

    # Decidim shows a result's description as HTML (its own editor's); no public summary, so ours is sent.
    Project.objects.filter(title="Fresque du gros caillou").update(
        description="<p>Une <strong>fresque</strong> au mur<script>alert(1)</script></p><ul><li>rue Dumenge</li></ul>"
    )
    Project.objects.filter(title="Jardin Montchat").update(public_summary="", description="Un jardin.\nDes bacs.")
    client.force_login(mdo_officer)
    _import(client, edition)
    outcome = replay_decidim_import(_export(client, edition), decidim_component())
    assert outcome["errors"] == []
    assert (
        outcome["updated"][1208]["description/fr"]
        == "<p>Une <strong>fresque</strong> au mur</p><ul><li>rue Dumenge</li></ul>"
    )
    assert outcome["updated"][1207]["description/fr"] == "<p>Un jardin.<br>Des bacs.</p>"
