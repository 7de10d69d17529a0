"""Every list export opens right in French Excel and never runs a formula from a record."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from mdo import exports
from mdo.exports import french_cell, neutralise, sheet_name
from projects.enums import ProjectStatus
from tests.budgets.factories import make_line
from tests.helpers import body, excel_csv_rows
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","clic")'


@pytest.fixture
def projects(mdo_officer):
    planned = datetime.date(2026, 3, 7)
    ProjectFactory(
        title=FORMULA, estimated_cost=Decimal("45000.50"), planned_end=planned, votes=812, status=ProjectStatus.WINNER
    )
    ProjectFactory(title="Jardin « Montchat » ; lot 2", estimated_cost=Decimal("1234.56"), planned_end=planned)
    return planned


def test_project_csv_reads_in_french_excel(client, mdo_officer, projects):
    client.force_login(mdo_officer)
    response = client.get(reverse("projects:index"), {"_export": "csv"})
    content = body(response)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    header, *rows = excel_csv_rows(content)
    assert header[:2] == ["Titre", "Édition"]  # accents intact through the cp1252 view, `;` as separator
    by_title = {row[0].lstrip("'"): dict(zip(header, row, strict=True)) for row in rows}
    jardin = by_title["Jardin « Montchat » ; lot 2"]
    assert jardin["Coût estimé (€)"] == "1234,56"
    assert jardin["Livraison prévue"] == "07/03/2026"
    assert by_title[FORMULA]["Voix"] == "812"


def test_csv_writes_a_formula_title_as_text(client, mdo_officer, projects):
    client.force_login(mdo_officer)
    header, *rows = excel_csv_rows(client.get(reverse("projects:index"), {"_export": "csv"}))
    titles = [row[0] for row in rows]
    assert "'" + FORMULA in titles and FORMULA not in titles


def test_xlsx_cells_are_typed_and_never_formulas(client, mdo_officer, projects):
    client.force_login(mdo_officer)
    response = client.get(reverse("projects:index"), {"_export": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet.title == "Projets"
    assert sheet.auto_filter.ref.startswith("A1:")
    header = [cell.value for cell in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    assert all(cell.data_type != "f" for row in rows for cell in row)
    formula_row = next(row for row in rows if row[0].value == FORMULA)
    assert formula_row[0].data_type == "s"
    cost = formula_row[header.index("Coût estimé (€)")]
    assert cost.data_type == "n" and Decimal(str(cost.value)) == Decimal("45000.50") and "€" in cost.number_format
    planned = formula_row[header.index("Livraison prévue")]
    assert planned.is_date and planned.value.date() == projects


def test_budget_xlsx_year_is_a_number_and_amount_a_euro_number(client, mdo_officer):
    make_line(mdo_officer, label="-Bancs", amount_ht="1234.56")
    client.force_login(mdo_officer)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(reverse("budgets:index"), {"_export": "xlsx"}).content)).active
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    assert sheet.title == "Lignes budgétaires"
    assert row[header.index("Exercice")].value == 2026 and row[header.index("Exercice")].data_type == "n"
    assert "€" in row[header.index("Montant HT")].number_format
    assert row[header.index("Libellé")].value == "-Bancs" and row[header.index("Libellé")].data_type == "s"


def test_french_cell_rules():
    assert french_cell(Decimal("-12.50")) == "-12,50"  # a negative amount stays a number
    assert french_cell("-12") == "'-12"  # a text that Excel would compute is neutralised
    assert french_cell(datetime.date(2026, 1, 2)) == "02/01/2026"
    assert french_cell(True) == "Oui" and french_cell(None) == ""
    for trigger in ("=1+1", "+33 6", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(trigger) == "'" + trigger
    assert sheet_name("Jalons [retards] / à certifier : tous les jalons du marché") == "Jalons retards à certifier tous"


def test_csv_export_is_streamed_in_chunks_with_one_bom(client, mdo_officer, projects, monkeypatch):
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 1)  # one chunk per row: the two projects make three chunks
    client.force_login(mdo_officer)
    response = client.get(reverse("projects:index"), {"_export": "csv"})
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == 3
    assert chunks[0].startswith(b"\xef\xbb\xbf") and not any(b"\xef\xbb\xbf" in chunk for chunk in chunks[1:])
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)


def test_csv_rows_are_read_as_the_file_is_sent():
    read = []

    def rows():
        for number in range(2 * exports.CSV_CHUNK_ROWS + 1):
            read.append(number)
            yield [number, "=1+1"]

    chunks = exports.french_csv_chunks(rows())
    first = next(chunks)
    assert len(read) == exports.CSV_CHUNK_ROWS  # not the whole export before the first bytes
    rest = b"".join(chunks)
    lines = (first + rest).decode("utf-8-sig").split("\r\n")
    assert lines[0] == "0;'=1+1" and lines[-2] == f"{2 * exports.CSV_CHUNK_ROWS};'=1+1" and lines[-1] == ""


def test_xlsx_written_row_by_row_keeps_bold_header_frozen_and_sized_columns():
    rows = [["Titre", "Montant"], *([f"Projet {n}", Decimal("1234567.89")] for n in range(3))]
    sheet = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(iter(rows), title="Projets"))).active
    assert sheet.title == "Projets" and sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B4"
    assert all(cell.font.bold for cell in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.column_dimensions["B"].width == len("1,234,567.89") + 4
    assert Decimal(str(sheet["B4"].value)) == Decimal("1234567.89") and "€" in sheet["B4"].number_format
