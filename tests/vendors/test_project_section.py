"""The "Bons de commande et jalons" section of the project page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.helpers import assert_constant_queries, count_queries
from tests.vendors.factories import make_contract, make_order
from vendors import services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def text(response) -> str:
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def late_milestone(order_3e, mdo_officer):
    return services.milestone_create(
        order=order_3e, label="Plan de plantation", due_on=TODAY() - datetime.timedelta(days=12), by=mdo_officer
    )


def test_section_lists_the_orders_and_milestones_for_an_allowed_user(
    client, town_hall_agent, order_3e, late_milestone, mdo_officer
):
    services.invoice_create(
        order=order_3e, number="F-1", received_on=TODAY(), amount_ht=Decimal("5000.00"), by=mdo_officer
    )
    client.force_login(town_hall_agent)
    page = text(client.get(order_3e.commitment.budget_line.project.get_absolute_url()))
    assert "Bons de commande et jalons" in page
    assert order_3e.number in page and order_3e.contract.reference in page and order_3e.contract.vendor.name in page
    assert "20 000,00 €" in page and "24 000,00 €" in page  # HT and TTC
    assert "5 000,00 €" in page  # invoiced
    assert "Plan de plantation" in page
    assert "En retard de 12 jours, non livré" in page  # in words, not by colour only
    assert "À livrer" in page
    assert "Émettre un bon de commande" not in page  # not MDO


def test_total_row_sums_the_orders(client, mdo_officer, framework, order_3e, line_3e):
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("1500.50"))
    client.force_login(mdo_officer)
    response = client.get(order_3e.commitment.budget_line.project.get_absolute_url())
    assert '<td class="money" data-testid="total-ht">21 500,50 €</td>' in text(response)


def test_delivered_milestone_says_its_delay_and_certification(client, mdo_officer, other_mdo_officer, late_milestone):
    services.milestone_deliver(
        milestone=late_milestone, delivered_on=TODAY() - datetime.timedelta(days=2), by=mdo_officer
    )
    services.milestone_certify(milestone=late_milestone, by=other_mdo_officer)
    client.force_login(mdo_officer)
    page = text(client.get(late_milestone.order.commitment.budget_line.project.get_absolute_url()))
    assert "Livré avec 10 jours de retard" in page
    assert "Service fait certifié" in page


def test_mdo_gets_a_prefilled_new_order_link(client, mdo_officer, order_3e, line_3e):
    client.force_login(mdo_officer)
    project = line_3e.project
    page = client.get(project.get_absolute_url()).content.decode()
    url = f"/vendors/contracts/{order_3e.contract.pk}/orders/new/?subject="
    assert url in page and f"budget_line={line_3e.pk}" in page
    form = client.get(
        f"/vendors/contracts/{order_3e.contract.pk}/orders/new/", {"budget_line": line_3e.pk, "subject": project.title}
    )
    assert form.context["form"]["budget_line"].value() == str(line_3e.pk)
    assert form.context["form"]["subject"].value() == project.title


def test_5e_agent_never_sees_a_3e_order_on_a_project_page(
    client, other_town_hall_agent, order_3e, line_5e, framework, mdo_officer
):
    """The 5e agent cannot open the 3e project, and the 5e project shows only its own orders."""
    order_5e = make_order(contract=framework, line=line_5e, by=mdo_officer, subject="Jeux pour enfants")
    client.force_login(other_town_hall_agent)
    assert client.get(order_3e.commitment.budget_line.project.get_absolute_url()).status_code == 404
    page = text(client.get(line_5e.project.get_absolute_url()))
    assert order_5e.number in page
    assert order_3e.number not in page


def test_hidden_rows_for_a_user_out_of_scope_on_a_visible_project(
    client, directorate_agent, order_3e, framework, line_5e, mdo_officer
):
    """The Espaces verts lead the 3e project only: on a project they may see, an order charged to a
    line of another project never shows, and with no visible order the section is left out."""
    client.force_login(directorate_agent)
    page = text(client.get(order_3e.commitment.budget_line.project.get_absolute_url()))
    assert order_3e.number in page
    order_5e = make_order(contract=framework, line=line_5e, by=mdo_officer)
    assert order_5e.number not in page


def test_section_is_left_out_for_a_non_mdo_user_without_orders(client, town_hall_agent, project_3e):
    client.force_login(town_hall_agent)
    assert "Bons de commande et jalons" not in text(client.get(project_3e.get_absolute_url()))


def test_project_page_has_constant_queries_whatever_the_orders(
    client, mdo_officer, other_mdo_officer, framework, line_3e, django_assert_max_num_queries
):
    """Pinned against the same page without any order: the section adds exactly one query once orders
    exist (the milestones prefetch; the approved budget line that prefills a new order rides on the
    project's own query), whatever the number of orders and whatever the other apps' sections cost."""
    client.force_login(other_mdo_officer)
    url = line_3e.project.get_absolute_url()
    baseline = count_queries(client, url)

    def grow():
        for n in range(3):
            order = make_order(contract=make_contract(by=mdo_officer), line=line_3e, by=mdo_officer)
            for k in range(2):
                milestone = services.milestone_create(
                    order=order, label=f"J{n}{k}", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("1")
                )
                services.milestone_deliver(milestone=milestone, delivered_on=TODAY(), by=mdo_officer)
            services.invoice_create(
                order=order, number=f"F{n}", received_on=TODAY(), amount_ht=Decimal("10"), by=mdo_officer
            )

    grow()
    count = assert_constant_queries(client, url, grow)
    assert count == baseline + 1
    with django_assert_max_num_queries(baseline + 1):
        client.get(url)
