"""Pabulib files as Decidim and Pabulib write them: each case with a small file made for it, and the real ones."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from projects.enums import ProjectStatus as S
from projects.imports import WinnersUndecided, import_votes
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


def test_upload_page_offers_to_compute_winners(client, mdo_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(mdo_officer)
    content = (DATA / "decidim_zero_selected.pb").read_bytes()
    page = client.post(reverse("projects:vote_import"), {
        "file": SimpleUploadedFile("vote.pb", content), "edition": "BP 2026"}).content.decode()
    assert "ne désigne aucun lauréat" in page and 'value="rule"' in page
    assert not Project.objects.exists()
    client.post(reverse("projects:vote_import"), {
        "file": SimpleUploadedFile("vote.pb", content), "edition": "BP 2026", "winners": "rule"})
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
    with_score = set(Project.objects.filter(edition__name="Avec score", selected=True).values_list("external_id", flat=True))
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
    without = set(Project.objects.filter(edition__name="Sans score", selected=True).values_list("external_id", flat=True))
    assert len(with_score) == 14 and without == with_score


def test_ordinal_ballots_rank_by_pabulib_borda_score():
    summary = _import(DATA / "ordinal.pb")
    # max_length 3: X = 3 + 3 + 3 = 9 points on three ballots, Y = 2 + 2 + 2 + 1 = 7 on four.
    assert _winners() == {"X"} and "Borda" in summary.rule
    assert Project.objects.get(external_id="Y").votes == 4  # ballots naming it, counted from VOTES


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
    assert '<td class="money">1\xa0181</td>' in editions.replace("\u202f", "\xa0").replace("1 181", "1\xa0181")  # voters
