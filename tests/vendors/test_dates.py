"""A contract's dates are rules: orders, renewals and amendments are refused through the real URLs,
with the French message at the field, and nothing is written."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from budgets.models import Commitment
from tests.vendors.factories import approved_line, make_contract, make_order
from vendors.models import Amendment, Contract, OrderCounter, PurchaseOrder

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
PARIS = ZoneInfo("Europe/Paris")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def iso(day: datetime.date) -> str:
    return day.strftime("%Y-%m-%d")


def _order_post(client, contract, line, issued_on, amount="1000,00"):
    return client.post(
        f"/vendors/contracts/{contract.pk}/orders/new/",
        {
            "budget_line": line.pk,
            "subject": "Atelier",
            "amount_ht": amount,
            "issued_on": iso(issued_on),
        },
    )


def _field_errors(response, form: str, field: str) -> str:
    return " ".join(response.context[form].errors.get(field, []))


@pytest.fixture
def ended(mdo_officer):
    """Ran from 400 days ago to 30 days ago; one renewal allowed, never exercised."""
    return make_contract(
        by=mdo_officer, reference="ECHU", starts_on=TODAY() - days(400), ends_on=TODAY() - days(30), renewals_allowed=1
    )


# --- orders ---------------------------------------------------------------------------------


def test_order_dated_in_the_future_refused_at_the_field(client, mdo_officer, framework, line_3e):
    client.force_login(mdo_officer)
    response = _order_post(client, framework, line_3e, TODAY() + days(1))
    assert response.status_code == 400
    assert "ne peut pas être daté dans le futur" in _field_errors(response, "form", "issued_on")
    assert "ne peut pas être daté dans le futur" in response.content.decode()
    assert not PurchaseOrder.objects.exists() and not Commitment.objects.exists()


def test_order_dated_next_january_opens_no_number_of_next_year(client, mdo_officer, project_3e, mdo_manager):
    with time_machine.travel(datetime.datetime(2026, 12, 15, 10, 0, tzinfo=PARIS), tick=False):
        contract = make_contract(
            by=mdo_officer, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2028, 12, 31)
        )
        line = approved_line(project=project_3e, requester=mdo_manager)
        client.force_login(mdo_officer)
        response = _order_post(client, contract, line, datetime.date(2027, 1, 4))
        assert response.status_code == 400
        assert "futur" in _field_errors(response, "form", "issued_on")
        assert not OrderCounter.objects.filter(year=2027).exists()
        assert _order_post(client, contract, line, datetime.date(2026, 12, 15)).status_code == 302
        assert PurchaseOrder.objects.get().number == "BC-2026-0001"


def test_order_numbered_in_the_year_of_its_date(mdo_officer, project_3e, mdo_manager):
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, 0, tzinfo=PARIS), tick=False):
        contract = make_contract(
            by=mdo_officer, starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2028, 5, 31)
        )
        line = approved_line(project=project_3e, requester=mdo_manager)
        assert (
            make_order(contract=contract, line=line, by=mdo_officer, issued_on=datetime.date(2027, 1, 5)).number
            == "BC-2027-0001"
        )
        assert (
            make_order(contract=contract, line=line, by=mdo_officer, issued_on=datetime.date(2026, 12, 30)).number
            == "BC-2026-0001"
        )


def test_order_backdated_into_an_ended_contract_refused(client, mdo_officer, ended, line_3e):
    client.force_login(mdo_officer)
    response = _order_post(client, ended, line_3e, TODAY() - days(60))  # inside the old validity
    assert response.status_code == 400
    assert "a pris fin le" in _field_errors(response, "form", "issued_on")
    assert not PurchaseOrder.objects.exists() and not Commitment.objects.exists()


def test_order_dated_before_the_contract_start_refused(client, mdo_officer, framework, line_3e):
    client.force_login(mdo_officer)
    response = _order_post(client, framework, line_3e, framework.starts_on - days(1))
    assert response.status_code == 400
    assert "n'est pas valide à cette date" in _field_errors(response, "form", "issued_on")


def test_order_date_corrected_into_the_future_refused(client, mdo_officer, order_3e):
    client.force_login(mdo_officer)
    before = order_3e.issued_on
    response = client.post(
        f"/vendors/orders/{order_3e.pk}/edit/", {"subject": "Autre", "issued_on": iso(TODAY() + days(1))}
    )
    assert response.status_code == 400
    order = PurchaseOrder.objects.get(pk=order_3e.pk)
    assert order.issued_on == before and order.subject == order_3e.subject
    assert "futur" in " ".join(response.context["form"].errors["issued_on"])


# --- renewals -------------------------------------------------------------------------------


def test_renewal_after_the_end_refused_at_the_field(client, mdo_officer, ended, line_3e):
    client.force_login(mdo_officer)
    response = client.post(f"/vendors/contracts/{ended.pk}/renew/", {"decided_on": ""})  # today
    assert response.status_code == 400
    assert "avant la fin de la période qu'elle prolonge" in _field_errors(response, "renew_form", "decided_on")
    contract = Contract.objects.get(pk=ended.pk)
    assert contract.renewals_done == 0 and contract.valid_until == ended.ends_on
    assert _order_post(client, ended, line_3e, TODAY()).status_code == 400  # still no order on it


def test_renewal_decided_before_the_end_accepted(client, mdo_officer, ended):
    client.force_login(mdo_officer)
    response = client.post(f"/vendors/contracts/{ended.pk}/renew/", {"decided_on": iso(ended.ends_on - days(5))})
    assert response.status_code == 302
    contract = Contract.objects.get(pk=ended.pk)
    assert contract.renewals_done == 1 and contract.valid_until > TODAY() and contract.is_valid


def test_renewal_decided_in_the_future_refused(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    framework.renewals_allowed = 1
    framework.save()
    response = client.post(f"/vendors/contracts/{framework.pk}/renew/", {"decided_on": iso(TODAY() + days(3))})
    assert response.status_code == 400
    assert "futur" in _field_errors(response, "renew_form", "decided_on")
    assert Contract.objects.get(pk=framework.pk).renewals_done == 0


# --- amendments -----------------------------------------------------------------------------


def _amendment_post(client, contract, signed_on):
    return client.post(
        f"/vendors/contracts/{contract.pk}/amendments/",
        {
            "signed_on": iso(signed_on),
            "amount_ht": "5 000,00",
            "reason": "Ateliers en plus",
        },
    )


def test_amendment_after_the_end_refused_at_the_field(client, mdo_officer, ended):
    client.force_login(mdo_officer)
    response = _amendment_post(client, ended, TODAY() - days(2))
    assert response.status_code == 400
    assert "pendant l'exécution du marché" in _field_errors(response, "amendment_form", "signed_on")
    assert not Amendment.objects.exists()


def test_amendment_signed_in_the_future_refused(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    response = _amendment_post(client, framework, TODAY() + days(1))
    assert response.status_code == 400
    assert "futur" in _field_errors(response, "amendment_form", "signed_on")
    assert not Amendment.objects.exists()


def test_amendment_signed_while_the_contract_runs_accepted(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    assert _amendment_post(client, framework, TODAY() - days(1)).status_code == 302
    assert Amendment.objects.get().amount_ht == Decimal("5000.00")  # typed « 5 000,00 »
