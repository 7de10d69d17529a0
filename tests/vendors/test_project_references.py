"""An order the reader may see, charged to a project they may not open: the order, not the project.

Who sees an order and who sees a project are two rules: the 3rd district's town hall, lead of a
project of the 5th, sees that project's orders (vendors.access) but not its page (projects.access).
Its pages and exports then name no project; a project the reader may open is linked.
"""

import html
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import town_hall
from tests.helpers import body
from tests.vendors.factories import ProjectFactory, approved_line, make_contract, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def led_elsewhere(mdo_officer, mdo_manager):
    """A 5th-district project led by the 3rd district's town hall, and an order charged to it."""
    project = ProjectFactory(title="Kiosque du parc des Hauteurs", district=5, lead_directorate=town_hall(3))
    line = approved_line(project=project, requester=mdo_manager)
    line.label = "Mobilier de parc"  # a label of its own: the line's words are the writer's choice
    line.save(update_fields=["label"])
    contract = make_contract(by=mdo_officer, reference="2026-AC-042")
    order = make_order(contract=contract, line=line, by=mdo_officer, subject="Atelier au kiosque")
    return project, order


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)


def test_order_pages_name_no_project_the_reader_may_not_open(client, led_elsewhere, order_3e, town_hall_agent):
    project, order = led_elsewhere
    client.force_login(town_hall_agent)
    assert client.get(project.get_absolute_url()).status_code == 404  # why there is no reference
    for url in (
        reverse("vendors:order_list"),
        order.get_absolute_url(),
        order.contract.get_absolute_url(),
        order.contract.vendor.get_absolute_url(),
    ):
        page = _page(client, url)
        assert order.number in page, url
        assert project.title not in page and project.get_absolute_url() not in page, url
    third = order_3e.commitment.budget_line.project
    for url in (reverse("vendors:order_list"), order_3e.get_absolute_url(), order_3e.contract.get_absolute_url()):
        assert f'href="{third.get_absolute_url()}"' in _page(client, url), url


def test_order_exports_name_only_the_projects_the_reader_may_open(
    client, led_elsewhere, order_3e, town_hall_agent, mdo_officer
):
    project, order = led_elsewhere
    third = order_3e.commitment.budget_line.project
    client.force_login(town_hall_agent)
    csv = body(client.get(reverse("vendors:order_list"), {"_export": "csv"})).decode()
    xlsx = _xlsx_text(body(client.get(reverse("vendors:order_list"), {"_export": "xlsx"})))
    for content in (csv, xlsx):
        assert order.number in content and third.title in content
        assert project.title not in content
    client.force_login(mdo_officer)
    assert project.title in body(client.get(reverse("vendors:order_list"), {"_export": "csv"})).decode()


def test_mdo_sees_the_link(client, led_elsewhere, mdo_officer):
    project, order = led_elsewhere
    client.force_login(mdo_officer)
    for url in (reverse("vendors:order_list"), order.get_absolute_url(), order.contract.get_absolute_url()):
        assert f'href="{project.get_absolute_url()}"' in _page(client, url), url
