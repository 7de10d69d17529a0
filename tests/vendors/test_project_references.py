"""An order the reader may see, charged to a project they may not open: the order, not the project.

Who sees an order and who sees a project are two rules: the 3rd district's town hall, lead of a
project of the 5th, sees that project's orders (vendors.access) but not its page (projects.access).
Its pages and exports then name no project; a project the reader may open is linked.
"""

import datetime
import html
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from budgets.models import BudgetSettings
from mdo import access
from projects.models import Project
from tests.factories import town_hall
from tests.helpers import body
from tests.vendors.factories import ProjectFactory, approved_line, make_contract, make_order
from vendors import dashboard, services
from vendors.enums import MilestoneStatus, OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def led_elsewhere_line(mdo_manager):
    """A 5th-district project led by the 3rd district's town hall, and a budget line of it."""
    project = ProjectFactory(title="Kiosque du parc des Hauteurs", district=5, lead_directorate=town_hall(3))
    line = approved_line(project=project, requester=mdo_manager)
    line.label = "Mobilier de parc"  # a label of its own: the line's words are the writer's choice
    line.save(update_fields=["label"])
    return project, line


@pytest.fixture
def led_elsewhere(led_elsewhere_line, mdo_officer):
    """The same project, and an order charged to it."""
    project, line = led_elsewhere_line
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


def _search_results(client, query: str) -> list[tuple[str, str, str]]:
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return [(r.kind, r.title, r.context) for group in response.context["groups"] for r in group["results"]]


def test_search_finds_the_order_but_names_no_project_the_reader_may_not_open(
    client, led_elsewhere, order_3e, town_hall_agent, mdo_officer
):
    project, order = led_elsewhere
    third = order_3e.commitment.budget_line.project
    client.force_login(town_hall_agent)
    for query in (order.number, "Atelier au kiosque"):
        found = [
            (kind, title, context) for kind, title, context in _search_results(client, query) if order.number in title
        ]
        assert [kind for kind, _, _ in found] == ["Bon de commande"], query  # the order itself is in scope
        assert project.title not in found[0][2], query
        page = html.unescape(client.get(reverse("search"), {"q": query}).content.decode())
        assert project.title not in page and project.get_absolute_url() not in page, query
    # The same reader's order of a project they may open names it.
    assert any(third.title in context for _, _, context in _search_results(client, order_3e.number))
    client.force_login(mdo_officer)
    assert any(project.title in context for _, _, context in _search_results(client, order.number))


@pytest.fixture
def vendor_tasks_on_led_elsewhere(led_elsewhere_line, led_elsewhere, mdo_officer):
    """Both kinds of vendors' tasks about the project led elsewhere: a delivered milestone awaiting its
    service-fait certificate, and an order above the approval threshold awaiting the manager."""
    project, line = led_elsewhere_line
    _, order = led_elsewhere
    today = timezone.localdate()
    milestone = services.milestone_create(
        order=order, label="Pose des bancs", due_on=today - datetime.timedelta(days=3), by=mdo_officer
    )
    milestone = services.milestone_deliver(milestone=milestone, delivered_on=today, by=mdo_officer)
    assert milestone.status == MilestoneStatus.DELIVERED
    settings = BudgetSettings.load()
    settings.order_threshold_ht, settings.order_director_threshold_ht = Decimal("30000"), Decimal("100000")
    settings.save()
    waiting = make_order(
        contract=order.contract, line=line, by=mdo_officer, amount_ht=Decimal("45000.00"), subject="Kiosque, lot 2"
    )
    assert waiting.status == OrderStatus.AWAITING_APPROVAL
    return project, milestone, waiting


def test_the_vendors_inbox_names_a_project_only_to_a_reader_who_may_open_it(
    client,
    vendor_tasks_on_led_elsewhere,
    mdo_officer,
    mdo_manager,
    director,
    admin_user,
    town_hall_agent,
    other_town_hall_agent,
    directorate_agent,
    outsider,
):
    project, milestone, waiting = vendor_tasks_on_led_elsewhere
    # Certifying and approving are city-wide roles' work today, and those roles open every project; every role
    # of the cast is still checked, so that a role given these tasks later cannot read a project it may not open.
    cast = (mdo_manager, director, admin_user, town_hall_agent, other_town_hall_agent, directorate_agent, outsider)
    for reader in cast:
        opens_it = access.visible(reader, Project).filter(pk=project.pk).exists()
        rows = dashboard.task_items(reader) + dashboard.order_task_items(reader)
        for row in rows:
            assert row.project in ("", project.title), (reader.username, row.title)
            assert opens_it or row.project == "", (reader.username, row.title)
    # The manager has both tasks, each naming the project.
    client.force_login(mdo_manager)
    inbox = html.unescape(client.get(reverse("tasks")).content.decode())
    assert f"Certifier le service fait : {milestone.label}" in inbox
    assert f"Valider le bon de commande {waiting.number}" in inbox
    assert project.title in inbox
    # The 3rd district's town hall sees the order and its milestone, not the project: its inbox names nothing of it.
    client.force_login(town_hall_agent)
    assert client.get(milestone.get_absolute_url()).status_code == 200
    assert client.get(project.get_absolute_url()).status_code == 404
    inbox = html.unescape(client.get(reverse("tasks")).content.decode())
    assert project.title not in inbox and project.get_absolute_url() not in inbox
