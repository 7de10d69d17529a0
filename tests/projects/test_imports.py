import io
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.enums import ProjectStatus as S
from projects.imports import ImportFailed, Row, greedy_winners, import_votes, parse_decimal
from projects.models import Edition, EditionDistrict, Project, TimelineEntry
from tests.projects.factories import lyon_edition

pytestmark = pytest.mark.django_db
PABULIB = Path(__file__).resolve().parents[2].parent.parent / "shared" / "data" / "pabulib"
if not PABULIB.is_dir():
    PABULIB = Path("/work/shared/data/pabulib")


def _import(name, edition="Import test", **kwargs):
    path = PABULIB / name
    return import_votes(path.read_bytes(), filename=path.name, edition_name=edition, **kwargs)


def _state():
    return sorted(
        Project.objects.values_list(
            "external_id", "status", "votes", "estimated_cost", "selected", "edition_district__name"
        )
    )


def test_toulouse_2024_twenty_districts_greedy_rule():
    summary = _import("France_Toulouse_2024.pb")
    assert summary.created == 183 and summary.edition_created
    edition = Edition.objects.get(name="Import test")
    assert edition.districts.count() == 20
    assert summary.budget == Decimal("8000000")
    assert summary.winners_cost <= summary.budget
    winners = Project.objects.filter(status=S.WINNER)
    assert winners.count() == summary.winners and all(p.selected for p in winners)
    assert Project.objects.filter(status=S.NOT_SELECTED).count() == 183 - summary.winners
    skatepark = Project.objects.get(external_id="333")
    assert skatepark.votes == 366 and skatepark.estimated_cost == Decimal("150000.00")
    assert skatepark.edition_district.name == "13 - Rangueil / Sauzelong / Jules-Julien / Pech-David / Pouvourville"
    assert skatepark.theme == "Cadre de vie" and skatepark.district is None
    # Greedy: the most voted project that fits is always funded.
    top = Project.objects.order_by("-votes", "estimated_cost").first()
    assert top.selected


def test_toulouse_2019_cumulative_vote_ranks_by_points():
    summary = _import("France_Toulouse_2019.pb")
    assert summary.created == 30 and "points" in summary.rule
    assert Project.objects.get(external_id="4").title.startswith("Tous à la Ramée")
    assert EditionDistrict.objects.filter(name="PRADETTES").exists()


def test_warszawa_uses_the_selected_column_and_meta_subunit():
    summary = _import("Poland_Warszawa_2023_Wesola.pb")
    assert summary.created == 29 and summary.winners == 17
    district = EditionDistrict.objects.get()
    assert district.name == "Wesoła" and district.envelope == Decimal("1011308")
    assert Project.objects.get(external_id="818").selected
    assert all(p.edition_district_id == district.pk for p in Project.objects.all())


@pytest.mark.parametrize(
    "name", ["France_Toulouse_2024.pb", "France_Toulouse_2019.pb", "Poland_Warszawa_2023_Wesola.pb"]
)
def test_reimport_changes_nothing(name):
    _import(name)
    before = _state()
    entries = TimelineEntry.objects.count()
    summary = _import(name)
    assert summary.created == 0 and summary.updated == 0 and summary.unchanged == len(before)
    assert _state() == before and TimelineEntry.objects.count() == entries


def test_reimport_does_not_pull_back_a_project_already_in_works():
    _import("Poland_Warszawa_2023_Wesola.pb")
    Project.objects.filter(external_id="818").update(status=S.WORKS)
    _import("Poland_Warszawa_2023_Wesola.pb")
    assert Project.objects.get(external_id="818").status == S.WORKS


def test_dry_run_writes_nothing():
    summary = _import("Poland_Warszawa_2023_Wesola.pb", dry_run=True)
    assert summary.dry_run and summary.created == 29
    assert not Project.objects.exists() and not Edition.objects.exists()


def test_csv_windows_1252_semicolon_french_decimals_into_lyon_districts():
    lyon_edition()
    EditionDistrict.objects.filter(name="Lyon 3e").update(envelope=Decimal("50000"))
    content = (
        "id;titre;coût;voix;arrondissement;thème\n"
        "A1;Végétalisation rue Paul-Bert;30 000,00;412;Lyon 3e;Nature en ville\n"
        "A2;Fontaine à boire place Guichard;25 000,50;388;3;Cadre de vie\n"
        "A3;Boîte à livres Montchat;4 500;120;3e arrondissement;Culture\n"
    ).encode("cp1252")
    summary = import_votes(content, filename="votes.csv", edition_name="Budget participatif 2026-2027")
    assert summary.created == 3 and summary.budget == Decimal("50000")
    fountain = Project.objects.get(external_id="A2")
    assert fountain.title == "Fontaine à boire place Guichard" and fountain.estimated_cost == Decimal("25000.50")
    assert fountain.district == 3 and fountain.edition_district.name == "Lyon 3e"
    # Greedy on 50 000 €: A1 (30 000) fits, A2 (25 000,50) does not, A3 (4 500) still does.
    assert set(Project.objects.filter(selected=True).values_list("external_id", flat=True)) == {"A1", "A3"}


def test_csv_utf8_bom_comma_with_selected_column():
    content = '\ufeffproject_id,name,cost,votes,district,selected\n7,Jardin,"1234,56",10,Lyon 1er,1\n8,Banc,300,5,,0\n'
    import_votes(content.encode("utf-8"), filename="votes.csv", edition_name="E")
    assert Project.objects.get(external_id="7").estimated_cost == Decimal("1234.56")
    assert Project.objects.get(external_id="7").district == 1
    assert Project.objects.get(external_id="8").district is None  # city-wide
    assert Project.objects.get(external_id="7").status == S.WINNER


BROKEN = {
    "missing_section": (
        "META\nkey;value\nbudget;1000\nVOTES\nvoter_id;vote\n1;1\n",
        "ligne 6 : section PROJECTS absente",
    ),
    "cost_not_a_number": (
        "META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost;votes;name\n1;100;5;A\n2;beaucoup;3;B\n",
        "ligne 7 : coût « beaucoup »",
    ),
    "duplicate_id": (
        "META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost;votes;name\n1;100;5;A\n1;200;3;B\n",
        "ligne 7 : identifiant de projet « 1 » en double (déjà ligne 6)",
    ),
    "unknown_district": (
        "id;titre;coût;voix;arrondissement\nA1;Banc;100;4;Lyon 3e\nA2;Arbre;200;5;Lyon 12e\n",
        "ligne 3 : arrondissement « Lyon 12e » inconnu",
    ),
    "missing_cost_column": ("id;titre;voix\nA1;Banc;4\n", "ligne 1 : colonne « cost (coût) » absente"),
    "ordinal_scoring_fn_not_borda": (
        "META\nkey;value\nbudget;100\nvote_type;ordinal\nscoring_fn;dowdall\n"
        "PROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;1\n",
        "fonction de score « dowdall » non prise en charge",
    ),
    "cumulative_ballot_without_points": (
        "META\nkey;value\nbudget;100\nvote_type;cumulative\n"
        "PROJECTS\nproject_id;cost\n1;50\n2;50\nVOTES\nvoter_id;vote;points\n1;1,2;3,2\n2;2;\n",
        "ligne 12 : bulletin sans points, alors qu'un vote « cumulative »",
    ),
    "points_not_matching_the_ballot": (
        "META\nkey;value\nbudget;100\nvote_type;scoring\n"
        "PROJECTS\nproject_id;cost\n1;50\n2;50\nVOTES\nvoter_id;vote;points\n1;1,2;3\n",
        "ligne 11 : 2 projets pour 1 valeurs de points",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_imports_nothing_and_names_the_line(case):
    content, message = BROKEN[case]
    lyon_edition("Edition cassée")
    projects_before = Project.objects.count()
    with pytest.raises(ImportFailed) as failure:
        import_votes(
            content.encode(), filename="f.pb" if content.startswith("META") else "f.csv", edition_name="Edition cassée"
        )
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert Project.objects.count() == projects_before


def test_unknown_name_in_a_lyon_edition_is_refused():
    lyon_edition("Lyon")
    with pytest.raises(ImportFailed, match="ligne 2 : district « Capitole » inconnu"):
        import_votes(b"id;cost;votes;district;selected\n1;10;1;Capitole;1\n", filename="v.csv", edition_name="Lyon")


def test_error_late_in_the_file_rolls_back_everything():
    content = (
        "id;cost;votes;district;selected\n" + "".join(f"{i};10;1;3;1\n" for i in range(1, 50)) + "50;10;1;3;peut-être\n"
    )
    with pytest.raises(ImportFailed, match="ligne 51"):
        import_votes(content.encode(), filename="v.csv", edition_name="X")
    assert not Project.objects.exists() and not Edition.objects.exists()


def test_parse_decimal_french_and_pabulib_formats():
    assert parse_decimal("40000.0") == Decimal("40000.0")
    assert parse_decimal("1 234,56") == Decimal("1234.56")
    assert parse_decimal("1\u202f234,56 €") == Decimal("1234.56")
    with pytest.raises(ValueError):
        parse_decimal("NaN")


def test_greedy_ties_by_lower_cost_then_file_order():
    rows = [
        Row(1, "a", "A", Decimal("60"), 10, None, "", "", None),
        Row(2, "b", "B", Decimal("50"), 10, None, "", "", None),
        Row(3, "c", "C", Decimal("50"), 10, None, "", "", None),
        Row(4, "d", "D", Decimal("40"), 5, None, "", "", None),
    ]
    assert greedy_winners(rows, Decimal("100")) == {"b", "c"}
    assert greedy_winners(rows, Decimal("95")) == {"b", "d"}


def test_command_imports_and_prints_a_summary():
    out = io.StringIO()
    call_command("import_votes", str(PABULIB / "Poland_Warszawa_2023_Wesola.pb"), "--edition", "Varsovie", stdout=out)
    assert "Projets créés : 29" in out.getvalue() and "Lauréats : 17" in out.getvalue()


def test_command_reports_errors_and_imports_nothing(tmp_path):
    path = tmp_path / "cassé.pb"
    path.write_text(BROKEN["duplicate_id"][0])
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été enregistré"):
        call_command("import_votes", str(path), "--edition", "X", stderr=err)
    assert "ligne 7" in err.getvalue() and not Project.objects.exists()


def test_upload_page_imports_and_shows_the_summary(client, mdo_officer, django_capture_on_commit_callbacks):
    client.force_login(mdo_officer)
    data = (PABULIB / "Poland_Warszawa_2023_Wesola.pb").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:vote_import"),
            {"file": SimpleUploadedFile("wesola.pb", data), "new_edition": "Varsovie 2023"},
        )
    assert response.url.startswith("/traitements/")
    page = client.get(response.url).content.decode()
    assert "Import terminé" in page and "Projets créés : 29" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:vote_import"),
            {
                "file": SimpleUploadedFile("cassé.pb", BROKEN["cost_not_a_number"][0].encode()),
                "edition": "Varsovie 2023",
            },
        )
    response = client.get(response.url)
    assert "ligne 7" in response.content.decode() and "Rien n&#x27;a été importé" in response.content.decode()
    assert Project.objects.count() == 29


def test_one_file_per_district_into_one_edition():
    lyon_edition()
    EditionDistrict.objects.filter(name__in=["Lyon 3e", "Lyon 5e"]).update(envelope=Decimal("10000"))
    third = "id;titre;coût;voix;arrondissement\nT1;Banc;6000;50;3\nT2;Arbre;6000;40;3\n"
    fifth = "id;titre;coût;voix;arrondissement\nF1;Fontaine;9000;70;5\nF2;Nichoirs;900;10;5\n"
    import_votes(third.encode(), filename="3e.csv", edition_name="Budget participatif 2026-2027")
    summary = import_votes(fifth.encode(), filename="5e.csv", edition_name="Budget participatif 2026-2027")
    assert summary.created == 2 and not summary.edition_created
    edition = Edition.objects.get(name="Budget participatif 2026-2027")
    assert edition.projects.count() == 4
    assert set(edition.projects.filter(selected=True).values_list("external_id", flat=True)) == {"T1", "F1", "F2"}


def test_the_dry_run_keeps_the_file_and_the_real_run_needs_no_second_upload(
    client, mdo_officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    lyon_edition()
    EditionDistrict.objects.filter(name="Lyon 3e").update(envelope=Decimal("10000"))
    content = "id;titre;coût;voix;arrondissement\nT1;Banc;6000;50;3\nT2;Arbre;6000;40;3\n".encode()
    client.force_login(mdo_officer)

    with django_capture_on_commit_callbacks(execute=True):
        trial = client.post(
            reverse("projects:vote_import"),
            {
                "file": SimpleUploadedFile("3e.csv", content),
                "edition": "Budget participatif 2026-2027",
                "dry_run": "on",
            },
        )
    trial = client.get(trial.url)
    assert "Essai à blanc réussi" in trial.content.decode() and not Project.objects.exists()
    form = client.get(reverse("projects:vote_import")).context["form"]
    assert form.initial["edition"] == "Budget participatif 2026-2027" and "3e.csv" in form.fields["file"].help_text

    with django_capture_on_commit_callbacks(execute=True):
        real = client.post(
            reverse("projects:vote_import"),
            {"kept_file": form.initial["kept_file"], "edition": "Budget participatif 2026-2027"},
        )

    real = client.get(real.url)
    assert "Import terminé" in real.content.decode()
    assert set(Project.objects.values_list("external_id", flat=True)) == {"T1", "T2"}
    assert not list((tmp_path / "media" / "imports").iterdir())  # the kept file is gone once imported


def test_a_typo_in_the_edition_is_refused_instead_of_creating_one(client, mdo_officer):
    lyon_edition()
    client.force_login(mdo_officer)
    content = b"id;titre;co\xc3\xbbt;voix\nT1;Banc;6000;50\n"
    typo = client.post(
        reverse("projects:vote_import"),
        {"file": SimpleUploadedFile("v.csv", content), "edition": "Budget participatif 2026-2072"},
    )
    assert typo.status_code == 400 and "edition" in typo.context["form"].errors
    again = client.post(
        reverse("projects:vote_import"),
        {"file": SimpleUploadedFile("v.csv", content), "new_edition": "budget participatif 2026-2027"},
    )
    assert "existe déjà" in again.context["form"].errors["new_edition"][0]
    assert Edition.objects.count() == 1 and not Project.objects.exists()


def test_a_recount_moves_a_project_through_the_declared_vote_transitions():
    _import("Poland_Warszawa_2023_Wesola.pb")
    winner = Project.objects.get(external_id="818")
    assert winner.status == S.WINNER
    Project.objects.filter(pk=winner.pk).update(status=S.NOT_SELECTED, selected=False)
    _import("Poland_Warszawa_2023_Wesola.pb")
    winner.refresh_from_db()
    assert winner.status == S.WINNER and winner.selected
    entry = TimelineEntry.objects.filter(project=winner).latest("pk")
    assert (entry.from_status, entry.to_status) == (S.NOT_SELECTED, S.WINNER)


def test_imports_are_logged_with_their_outcome(caplog):
    with caplog.at_level(logging.INFO, logger="projects.imports"):
        _import("Poland_Warszawa_2023_Wesola.pb")
        with pytest.raises(ImportFailed):
            import_votes(b"", filename="vide.csv", edition_name="Import test")
    assert "'Poland_Warszawa_2023_Wesola.pb' imported into 'Import test': 29 created" in caplog.text
    assert "'vide.csv' refused" in caplog.text
