"""An order above the approval threshold waits in « Mes tâches » before it is issued."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budgets.models import BudgetLine, BudgetSettings
from tests.vendors.factories import make_contract
from vendors import services
from vendors.enums import OrderStatus
from vendors.models import PurchaseOrder

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def thresholds(db):
    settings = BudgetSettings.load()
    settings.order_threshold_ht, settings.order_director_threshold_ht = Decimal("30000"), Decimal("100000")
    settings.save()
    return settings


@pytest.fixture
def contract(mdo_officer):
    return make_contract(by=mdo_officer, max_amount_ht=Decimal("500000"))


def _issue(client, contract, line, amount):
    response = client.post(
        f"/vendors/contracts/{contract.pk}/orders/new/",
        {"budget_line": line.pk, "subject": "Mobilier", "amount_ht": amount, "issued_on": TODAY().strftime("%Y-%m-%d")},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return PurchaseOrder.objects.order_by("-pk").first()


def test_under_the_threshold_the_order_is_issued_at_once(
    client, mdo_officer, thresholds, contract, line_3e, mdo_manager
):
    client.force_login(mdo_officer)
    order = _issue(client, contract, line_3e, "30000")  # the threshold itself: not above
    assert order.status == OrderStatus.ISSUED
    client.force_login(mdo_manager)
    assert f"Valider le bon de commande {order.number}" not in client.get("/tasks/").content.decode()


def test_above_the_threshold_the_order_waits_for_the_manager_and_is_never_self_approved(
    client, mdo_officer, mdo_manager, thresholds, contract, line_3e
):
    client.force_login(mdo_officer)
    order = _issue(client, contract, line_3e, "45000,00")
    assert order.status == OrderStatus.AWAITING_APPROVAL
    assert BudgetLine.objects.get(pk=line_3e.pk).committed_total == Decimal("54000.00")  # the money is reserved
    # Not issued yet: no invoice, no milestone.
    with pytest.raises(ValidationError):
        services.invoice_create(order=order, number="F", received_on=TODAY(), amount_ht=Decimal("1"), by=mdo_officer)
    # The issuer has no task and cannot approve their own order, even with the manager's role.
    assert f"Valider le bon de commande {order.number}" not in client.get("/tasks/").content.decode()
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL
    client.force_login(mdo_manager)
    inbox = client.get("/tasks/").content.decode()
    assert f"Valider le bon de commande {order.number}" in inbox
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and order.decisions.get().decided_by == mdo_manager
    assert f"Valider le bon de commande {order.number}" not in client.get("/tasks/").content.decode()
    assert services.invoice_create(
        order=order, number="F-1", received_on=TODAY(), amount_ht=Decimal("1"), by=mdo_officer
    )


def test_manager_who_issued_the_order_cannot_approve_it(
    client, mdo_manager, other_mdo_officer, thresholds, contract, line_3e
):
    from mdo.enums import Role

    client.force_login(mdo_manager)
    order = _issue(client, contract, line_3e, "40000")
    assert f"Valider le bon de commande {order.number}" not in client.get("/tasks/").content.decode()
    response = client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL and not order.decisions.exists()
    assert mdo_manager.has_role(Role.MDO_MANAGER)


def test_above_the_higher_threshold_the_direction_approves_too(
    client, mdo_officer, mdo_manager, director, thresholds, contract, line_3e
):
    client.force_login(mdo_officer)
    order = _issue(client, contract, line_3e, "150000")
    client.force_login(director)  # the Direction's step comes after the manager's
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 403
    client.force_login(mdo_manager)
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL
    client.force_login(director)
    assert f"Valider le bon de commande {order.number}" in client.get("/tasks/").content.decode()
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED and order.decisions.count() == 2


def test_a_refused_order_releases_its_commitment(client, mdo_officer, mdo_manager, thresholds, contract, line_3e):
    client.force_login(mdo_officer)
    order = _issue(client, contract, line_3e, "45000")
    client.force_login(mdo_manager)
    response = client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "refused", "comment": ""})
    assert response.status_code == 400 and "Indiquez le motif du refus." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL and order.commitment.released_on is None
    assert (
        client.post(
            f"/vendors/orders/{order.pk}/approval/", {"outcome": "refused", "comment": "Hors programme"}
        ).status_code
        == 302
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUSED and order.commitment.released_on == TODAY()
    line = BudgetLine.objects.with_amounts().get(pk=line_3e.pk)
    assert line.committed_total == Decimal("0.00") and line.available == line_3e.amount_ttc
    assert "Refusé" in client.get(order.get_absolute_url()).content.decode()
    # The task is done: a second decision finds nothing to decide.
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 404


def test_approval_answers_404_out_of_scope_and_403_to_a_wrong_role(
    client, mdo_officer, town_hall_agent, other_town_hall_agent, thresholds, contract, line_3e
):
    client.force_login(mdo_officer)
    order = _issue(client, contract, line_3e, "45000")
    client.force_login(other_town_hall_agent)
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 404
    client.force_login(town_hall_agent)
    assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_APPROVAL


def test_order_page_and_inbox_queries_are_constant(client, mdo_officer, mdo_manager, thresholds, contract, line_3e):
    from tests.helpers import assert_constant_queries

    client.force_login(mdo_officer)
    first = _issue(client, contract, line_3e, "45000")
    client.force_login(mdo_manager)

    def grow():
        for n in range(3):
            services.purchase_order_create(
                contract=contract,
                budget_line=line_3e,
                subject=f"Lot {n}",
                amount_ht=Decimal("31000"),
                issued_on=TODAY() - datetime.timedelta(days=1),
                by=mdo_officer,
            )

    assert_constant_queries(client, "/tasks/", grow)
    assert_constant_queries(client, first.get_absolute_url(), grow)
