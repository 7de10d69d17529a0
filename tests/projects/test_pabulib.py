"""Pabulib files as Decidim and Pabulib write them: each case with a small file made for it, and the real ones."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from projects.imports import WinnersUndecided, import_votes, parse
from projects.models import Edition, EditionDistrict, Project
from tests.projects.factories import lyon_edition

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
PABULIB = Path("/work/shared/data/pabulib")
if not PABULIB.is_dir():
    PABULIB = Path(__file__).resolve().parents[2].parent.parent / "shared" / "data" / "pabulib"


def _import(path: Path, edition="Import test", **kwargs):
    return import_votes(path.read_bytes(), filename=path.name, edition_name=edition, **kwargs)


def _winners() -> set[str]:
    return set(Project.objects.filter(selected=True).values_list("external_id", flat=True))


def test_all_zero_selected_column_stops_and_explains():
    with pytest.raises(WinnersUndecided) as failure:
        _import(DATA / "decidim_zero_selected.pb")
    assert "ne désigne aucun lauréat" in failure.value.errors[0]
    assert not Project.objects.exists() and not Edition.objects.exists()


def test_all_zero_selected_column_winners_computed_by_the_file_rule():
    summary = _import(DATA / "decidim_zero_selected.pb", winners_by_rule=True)
    assert _winners() == {"1", "3"}  # greedy on 100: Jardin (60), Fresque (50) does not fit, Bancs (40) does
    assert summary.winners == 2 and "règle greedy" in summary.rule


def test_all_zero_selected_column_imported_as_is_when_asked_with_a_warning():
    summary = _import(DATA / "decidim_zero_selected.pb", winners_by_rule=False)
    assert _winners() == set() and summary.winners == 0
    assert any("aucun lauréat" in line for line in summary.lines())


def test_upload_page_offers_to_compute_winners(client, mdo_officer, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(mdo_officer)
    content = (DATA / "decidim_zero_selected.pb").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("projects:vote_import"),
            {"file": SimpleUploadedFile("vote.pb", content), "new_edition": "BP 2026"},
        )
    page = client.get(page.url).content.decode()
    assert "ne désigne aucun lauréat" in page
    assert not Project.objects.exists()
    # Back on the import page, the refused file is kept: choosing the rule is the only thing left to do.
    form_page = client.get(reverse("projects:vote_import"))
    assert 'value="rule"' in form_page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("projects:vote_import"),
            {"kept_file": form_page.context["form"].initial["kept_file"], "new_edition": "BP 2026", "winners": "rule"},
        )
    assert _winners() == {"1", "3"}


def test_command_computes_winners_by_rule_on_request(capsys):
    call_command("import_votes", str(DATA / "decidim_zero_selected.pb"), edition="BP 2026", winners_by_rule=True)
    assert _winners() == {"1", "3"}


def test_cumulative_file_without_score_counts_the_voters_points():
    summary = _import(DATA / "cumulative_no_score.pb")
    assert _winners() == {"B"}  # 8 points against 3, although A has more voters
    assert "points" in summary.rule


def test_toulouse_2019_without_its_score_column_gives_the_same_winners(tmp_path):
    original = (PABULIB / "France_Toulouse_2019.pb").read_text(encoding="utf-8")
    _import(PABULIB / "France_Toulouse_2019.pb", edition="Avec score")
    with_score = set(
        Project.objects.filter(edition__name="Avec score", selected=True).values_list("external_id", flat=True)
    )
    lines, in_projects, drop = [], False, None
    for line in original.splitlines():
        cells = line.split(";")
        if line.strip() in ("PROJECTS", "VOTES"):
            in_projects = line.strip() == "PROJECTS"
        elif in_projects and drop is None:
            drop = cells.index("score")
            cells.pop(drop)
        elif in_projects:
            cells.pop(drop)
        lines.append(";".join(cells))
    stripped = tmp_path / "toulouse_2019_sans_score.pb"
    stripped.write_text("\n".join(lines), encoding="utf-8")
    _import(stripped, edition="Sans score")
    without = set(
        Project.objects.filter(edition__name="Sans score", selected=True).values_list("external_id", flat=True)
    )
    assert len(with_score) == 14 and without == with_score


def test_ordinal_ballots_score_as_pabulib_checker_counts_them():
    # Pabulib's checker gives a ballot ranking k projects k points for its first choice down to 1 for
    # its last, whatever max_length: X, alone on three ballots, gets 1 + 1 + 1; Y, first of a ballot
    # of three and of one of two, 3 + 2. Counting from max_length (X = 9) would make X the winner.
    parsed = parse((DATA / "ordinal.pb").read_bytes(), filename="ordinal.pb")
    assert {row.external_id: row.score for row in parsed.rows} == {"X": 3, "Y": 5, "Z": 3, "W": 1}
    assert {row.external_id: row.votes for row in parsed.rows} == {"X": 3, "Y": 2, "Z": 2, "W": 1}
    summary = _import(DATA / "ordinal.pb")
    assert _winners() == {"Y"} and "Borda" in summary.rule
    assert Project.objects.get(external_id="X").votes == 3  # ballots naming it, counted from VOTES


def test_scoring_ballots_count_the_points_not_the_ballots():
    parsed = parse((DATA / "scoring.pb").read_bytes(), filename="scoring.pb")
    assert {row.external_id: row.score for row in parsed.rows} == {"A": 4, "B": 10}
    assert {row.external_id: row.votes for row in parsed.rows} == {"A": 3, "B": 1}
    summary = _import(DATA / "scoring.pb")
    assert _winners() == {"B"} and "points" in summary.rule


# The real files' own PROJECTS columns against what our count of their VOTES section gives.
REAL_COLUMNS = {
    "France_Toulouse_2019.pb": ("cumulative", {"votes", "score"}),
    "France_Toulouse_2024.pb": ("approval", {"votes"}),
    "Poland_Warszawa_2023_Wesola.pb": ("approval", {"votes"}),
}


@pytest.mark.parametrize("name", sorted(REAL_COLUMNS))
def test_counted_ballots_match_the_real_files_own_votes_and_score(name):
    vote_type, columns = REAL_COLUMNS[name]
    parsed = parse((PABULIB / name).read_bytes(), filename=name)
    assert parsed.meta["vote_type"] == vote_type
    assert len(parsed.counted_votes) == len(parsed.rows) and sum(parsed.counted_votes.values()) > len(parsed.rows)
    for row in parsed.rows:
        assert row.votes is not None and row.votes == parsed.counted_votes[row.external_id], row.external_id
        if "score" in columns:
            assert row.score is not None and row.score == parsed.counted_points[row.external_id], row.external_id
    assert parsed.warnings == []


def test_toulouse_2019_score_column_kept_as_written_but_a_difference_is_warned(tmp_path):
    text = (PABULIB / "France_Toulouse_2019.pb").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines.index("PROJECTS") + 1
    columns = lines[header].split(";")
    first = lines[header + 1].split(";")
    project_id, written = first[columns.index("project_id")], Decimal(first[columns.index("score")])
    first[columns.index("score")] = str(written + 5)
    lines[header + 1] = ";".join(first)
    parsed = parse("\n".join(lines).encode(), filename="toulouse.pb")
    assert next(row.score for row in parsed.rows if row.external_id == project_id) == written + 5
    assert parsed.counted_points[project_id] == written
    assert len(parsed.warnings) == 1
    assert f"{project_id} : {written + 5} dans le fichier, {written} selon les bulletins" in parsed.warnings[0]
    summary = import_votes("\n".join(lines).encode(), filename="toulouse.pb", edition_name="Toulouse")
    assert parsed.warnings[0] in summary.lines()


def test_file_currency_is_kept():
    summary = _import(PABULIB / "Poland_Warszawa_2023_Wesola.pb")
    assert Edition.objects.get().currency == "PLN"
    assert "zł" in " ".join(summary.lines()) and "€" not in " ".join(summary.lines())


def test_file_in_another_currency_than_the_edition_is_refused():
    _import(PABULIB / "Poland_Warszawa_2023_Wesola.pb", edition="BP")
    with pytest.raises(Exception) as failure:
        _import(DATA / "unit_district.pb", edition="BP")
    assert "en EUR, l'édition « BP » en PLN" in str(failure.value)


def test_unit_naming_an_arrondissement_is_the_district_and_its_voters_are_stored():
    lyon_edition("BP Lyon")
    _import(DATA / "unit_district.pb", edition="BP Lyon")
    district = EditionDistrict.objects.get(edition__name="BP Lyon", number=3)
    assert set(Project.objects.values_list("edition_district", flat=True)) == {district.pk}
    assert district.voters == 42 and Edition.objects.get(name="BP Lyon").voters == 42


def test_voters_counted_per_district_from_the_ballots():
    _import(PABULIB / "France_Toulouse_2024.pb")
    edition = Edition.objects.get()
    assert edition.voters == 7260
    districts = list(edition.districts.all())
    assert all(d.voters and d.voters <= 7260 for d in districts)
    # Each ballot stays in one district in Toulouse: the districts' voters add up to the city's.
    assert sum(d.voters for d in districts) >= 7260


def test_pln_project_and_edition_pages_show_zloty(client, mdo_officer):
    from django.urls import reverse

    _import(PABULIB / "Poland_Warszawa_2023_Wesola.pb")
    client.force_login(mdo_officer)
    project = Project.objects.get(external_id="818")
    page = client.get(project.get_absolute_url()).content.decode()
    assert "201\u202f710,00 zł" in page or "201 710,00 zł" in page or "201\xa0710,00 zł" in page
    editions = client.get(reverse("projects:editions")).content.decode()
    assert "Enveloppe (zł)" in editions
    assert '<td class="money">1\xa0181</td>' in editions.replace("\u202f", "\xa0").replace(
        "1 181", "1\xa0181"
    )  # voters
