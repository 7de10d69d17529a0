"""Every list export opens right in French Excel and never runs a formula from a record."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from mdo.exports import french_cell, neutralise, sheet_name
from projects.enums import ProjectStatus
from tests.budgets.factories import make_line
from tests.helpers import excel_csv_rows
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","clic")'


@pytest.fixture
def projects(mdo_officer):
    planned = datetime.date(2026, 3, 7)
    ProjectFactory(title=FORMULA, estimated_cost=Decimal("45000.50"), planned_end=planned, votes=812,
                   status=ProjectStatus.WINNER)
    ProjectFactory(title="Jardin « Montchat » ; lot 2", estimated_cost=Decimal("1234.56"), planned_end=planned)
    return planned


def test_project_csv_reads_in_french_excel(client, mdo_officer, projects):
    client.force_login(mdo_officer)
    response = client.get(reverse("projects:index"), {"_export": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    header, *rows = excel_csv_rows(response)
    assert header[:2] == ["Titre", "Édition"]  # accents intact through the cp1252 view, `;` as separator
    by_title = {row[0].lstrip("'"): dict(zip(header, row)) for row in rows}
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
