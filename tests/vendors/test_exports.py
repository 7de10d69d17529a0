"""Exports hold exactly what the lists show: the quick ``BaseTable.as_values`` against django-tables2's own."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
import pytest
from django.utils import timezone

from tests.helpers import excel_csv_rows
from tests.vendors.factories import make_order
from vendors import services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def data(mdo_officer, other_mdo_officer, framework, order_3e, line_5e):
    """Orders with and without milestones, late and certified milestones, paid and late invoices."""
    order_5e = make_order(
        contract=framework,
        line=line_5e,
        by=mdo_officer,
        amount_ht=Decimal("1234.56"),
        issued_on=TODAY() - datetime.timedelta(days=90),
        subject="Jeux « Ménival » ; lot 2",
    )
    late = services.milestone_create(
        order=order_3e,
        label="Plan",
        due_on=TODAY() - datetime.timedelta(days=9),
        by=mdo_officer,
        amount_ht=Decimal("2000.00"),
    )
    services.milestone_create(
        order=order_3e,
        label="Bilan",
        due_on=TODAY() + datetime.timedelta(days=9),
        by=mdo_officer,
        amount_ht=Decimal("18000.00"),
    )
    services.milestone_deliver(milestone=late, delivered_on=TODAY(), by=mdo_officer)
    services.milestone_certify(milestone=late, by=other_mdo_officer)
    services.invoice_create(
        order=order_5e,
        number="F-LATE",
        received_on=TODAY() - datetime.timedelta(days=50),
        amount_ht=Decimal("100.00"),
        by=mdo_officer,
    )
    paid = services.invoice_create(
        order=order_3e,
        number="F-PAID",
        received_on=TODAY() - datetime.timedelta(days=20),
        amount_ht=Decimal("2000.00"),
        by=mdo_officer,
        milestones=[late],
    )
    services.invoice_pay(invoice=paid, paid_on=TODAY(), by=mdo_officer)


LISTS = [
    "/vendors/",
    "/vendors/contracts/",
    "/vendors/orders/",
    "/vendors/milestones/",
    "/vendors/milestones/to-certify/",
    "/vendors/invoices/",
    "/projects/",
    "/budgets/",
    "/meetings/",
    "/meetings/decisions/",
    "/organisations/",
]


@pytest.mark.parametrize("url", LISTS)
def test_quick_export_values_equal_django_tables2_ones(client, admin_user, data, url):
    """Every list of every app: the same header and cells as the stock ``Table.as_values``."""
    client.force_login(admin_user)
    table = client.get(url).context["table"]
    quick = list(table.as_values())
    assert quick == list(tables.Table.as_values(table))
    assert len(quick) == len(table.rows) + 1


def _csv(response) -> list[list[str]]:
    return excel_csv_rows(response)


def _cells(html: str) -> list[list[str]]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)

    def text(cell: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).replace("&#x27;", "'").replace("&amp;", "&").strip()

    return [[text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def test_order_csv_rows_match_the_displayed_rows(client, mdo_officer, data):
    client.force_login(mdo_officer)
    shown = _cells(client.get("/vendors/orders/").content.decode())
    exported = _csv(client.get("/vendors/orders/", {"_export": "csv"}))
    assert exported[0][:4] == ["Numéro", "Émis le", "Marché", "Titulaire"]
    assert len(exported) - 1 == len(shown) == 2
    for row, cells in zip(exported[1:], shown, strict=True):
        number, issued_on, contract, vendor, subject = row[:5]
        assert cells[0] == number and cells[2] == contract and cells[3] == vendor and cells[4] == subject
        assert cells[1] == issued_on  # jj/mm/aaaa, as French Excel reads a date
        assert re.sub(r"\s|€|&nbsp;", "", cells[6]) == row[6]  # amount HT: decimal comma, no grouping


def test_milestone_csv_rows_match_the_displayed_rows(client, mdo_officer, data):
    client.force_login(mdo_officer)
    shown = _cells(client.get("/vendors/milestones/").content.decode())
    exported = _csv(client.get("/vendors/milestones/", {"_export": "csv"}))
    assert [row[0] for row in exported[1:]] == [cells[0] for cells in shown] == ["Plan", "Bilan"]
    assert [row[6] for row in exported[1:]] == ["9", "0"]  # late days as numbers in the file
    assert [row[7] for row in exported[1:]] == [cells[7] for cells in shown] == ["Service fait certifié", "À livrer"]
