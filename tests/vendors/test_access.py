"""Scope: MDO and directors see all; a town hall the orders of its district's projects; a directorate
the orders of the projects it leads; out of scope answers 404 everywhere, exports included."""

from decimal import Decimal

import pytest
from django.utils import timezone

from mdo import access
from tests.helpers import body
from tests.vendors.factories import make_order
from vendors import services
from vendors.models import Contract, Invoice, Milestone, PurchaseOrder, Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(framework, order_3e, mdo_officer, line_5e):
    """An order of the 3rd district and one of the 5th, on two contracts with their vendors."""
    from tests.vendors.factories import make_contract

    contract_5e = make_contract(by=mdo_officer, reference="2026-AC-005")
    order_5e = make_order(contract=contract_5e, line=line_5e, by=mdo_officer)
    milestone_3e = services.milestone_create(
        order=order_3e, label="Rapport", due_on=timezone.localdate(), by=mdo_officer
    )
    milestone_5e = services.milestone_create(order=order_5e, label="Plan", due_on=timezone.localdate(), by=mdo_officer)
    invoice_3e = services.invoice_create(
        order=order_3e, number="F-3", received_on=timezone.localdate(), amount_ht=Decimal("100"), by=mdo_officer
    )
    invoice_5e = services.invoice_create(
        order=order_5e, number="F-5", received_on=timezone.localdate(), amount_ht=Decimal("100"), by=mdo_officer
    )
    return {
        "3e": [framework, order_3e, milestone_3e, invoice_3e, framework.vendor],
        "5e": [contract_5e, order_5e, milestone_5e, invoice_5e, contract_5e.vendor],
    }


MODELS = [Contract, PurchaseOrder, Milestone, Invoice, Vendor]


def _visible(user):
    return {model: set(access.visible(user, model)) for model in MODELS}


@pytest.mark.parametrize("who", ["mdo_officer", "mdo_manager", "director"])
def test_mdo_and_directors_see_everything(request, records, who):
    user = request.getfixturevalue(who)
    visible = _visible(user)
    for obj in records["3e"] + records["5e"]:
        assert obj in visible[type(obj)]


def test_town_hall_agent_sees_only_its_district(records, town_hall_agent):
    visible = _visible(town_hall_agent)
    for obj in records["3e"]:
        assert obj in visible[type(obj)]
    for obj in records["5e"]:
        assert obj not in visible[type(obj)]


def test_directorate_agent_sees_the_projects_it_leads(records, directorate_agent):
    visible = _visible(directorate_agent)  # the 3rd district's project is led by the Espaces verts
    assert records["3e"][1] in visible[PurchaseOrder]
    assert records["5e"][1] not in visible[PurchaseOrder]


def test_outsider_sees_nothing(records, outsider, no_role_user):
    for user in (outsider, no_role_user):
        assert all(not objs for objs in _visible(user).values())


def test_framework_visible_through_its_subsequent_contracts_orders(mdo_officer, line_3e, town_hall_agent):
    from tests.vendors.factories import VendorFactory, make_contract
    from vendors.enums import ContractKind

    vendor = VendorFactory()
    framework = make_contract(by=mdo_officer, vendor=vendor, kind=ContractKind.FRAMEWORK)
    subsequent = make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.SUBSEQUENT, parent=framework, max_amount_ht=Decimal("5000")
    )
    make_order(contract=subsequent, line=line_3e, by=mdo_officer)
    assert set(access.visible(town_hall_agent, Contract)) == {framework, subsequent}


def test_out_of_scope_pages_answer_404(client, records, other_town_hall_agent):
    client.force_login(other_town_hall_agent)  # 5th district
    contract, order, milestone, invoice, vendor = records["3e"]
    for obj in (contract, order, milestone, invoice, vendor):
        assert client.get(obj.get_absolute_url()).status_code == 404, obj
    for obj in records["5e"]:
        assert client.get(obj.get_absolute_url()).status_code == 200, obj


@pytest.mark.parametrize(
    "url", ["/vendors/", "/vendors/contracts/", "/vendors/orders/", "/vendors/milestones/", "/vendors/invoices/"]
)
def test_exports_hold_only_what_the_user_sees(client, records, other_town_hall_agent, url):
    client.force_login(other_town_hall_agent)
    export = body(client.get(url, {"_export": "csv"})).decode("utf-8-sig")
    contract_3e, order_3e, milestone_3e, invoice_3e, vendor_3e = records["3e"]
    for text in (contract_3e.reference, order_3e.number, "Rapport", "F-3", vendor_3e.name):
        assert text not in export
    assert len(export.strip().splitlines()) == 2  # header + the 5th district's row


def test_town_hall_agent_cannot_change_what_it_sees(client, records, town_hall_agent):
    client.force_login(town_hall_agent)
    order = records["3e"][1]
    assert client.get(order.get_absolute_url()).status_code == 200
    response = client.post(
        f"/vendors/orders/{order.pk}/invoices/", {"number": "F-X", "received_on": "2026-11-01", "amount_ht": "10"}
    )
    assert response.status_code == 404
    assert not Invoice.objects.filter(number="F-X").exists()
    assert client.get("/vendors/contracts/new/").status_code == 404
    assert client.get("/vendors/import/").status_code == 404
