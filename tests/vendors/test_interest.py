"""Late-payment interest: from the day after the due date (L2192-13), at the ECB rate of the first day of
the half-year it starts in (R2192-31), + 8 points and the 40 € flat fee; recorded at payment and shown
on the invoice, the order and the vendor's page; refused, never guessed, when that rate is missing."""

import datetime
import html
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.vendors.factories import approved_line, certify_service_done, enter_ecb_rate, make_contract, make_order
from vendors import services
from vendors.models import Invoice, LatePaymentRate
from vendors.rules import half_year_start, interest_start
from vendors.selectors import ecb_rate_for

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
PARIS = ZoneInfo("Europe/Paris")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def service_done(order_3e, mdo_manager):
    """The service fait of the order is certified: its invoices may be paid (the rule is tested in test_money_chain)."""
    certify_service_done(order_3e, certifier=mdo_manager, delivered_on=order_3e.issued_on)


def _pay(client, invoice, paid_on):
    return client.post(f"/vendors/invoices/{invoice.pk}/pay/", {"paid_on": paid_on.strftime("%Y-%m-%d")})


def _page(client, url) -> str:
    return html.unescape(client.get(url).content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def test_interest_starts_the_day_after_the_due_date_in_its_half_year():
    assert interest_start(datetime.date(2026, 6, 30)) == datetime.date(2026, 7, 1)
    assert half_year_start(interest_start(datetime.date(2026, 6, 30))) == datetime.date(2026, 7, 1)
    assert half_year_start(interest_start(datetime.date(2026, 6, 29))) == datetime.date(2026, 1, 1)
    assert half_year_start(interest_start(datetime.date(2026, 12, 31))) == datetime.date(2027, 1, 1)


def test_one_day_late_owes_interest_and_the_flat_fee_recorded_and_shown(client, mdo_officer, framework, order_3e):
    invoice = services.invoice_create(
        order=order_3e, number="F-1J", received_on=TODAY() - days(31), amount_ht=Decimal("10000.00"), by=mdo_officer
    )  # 12 000 € TTC, due yesterday
    enter_ecb_rate(due_on=invoice.due_on, rate="2.15")
    client.force_login(mdo_officer)
    assert _pay(client, invoice, TODAY()).status_code == 302
    invoice = Invoice.objects.get(pk=invoice.pk)
    # 12 000 × (2,15 + 8) % × 1 / 365 = 3,3369… → 3,34 € ; + 40 € of flat fee
    assert (invoice.interest_days, invoice.interest_rate) == (1, Decimal("10.15"))
    assert (invoice.interest_amount, invoice.interest_flat_fee, invoice.interest_total) == (
        Decimal("3.34"),
        Decimal("40.00"),
        Decimal("43.34"),
    )
    invoice_page = _page(client, invoice.get_absolute_url())
    assert "enregistrés au paiement" in invoice_page and "43,34 €" in invoice_page and "1 jour(s)" in invoice_page
    order_page = _page(client, order_3e.get_absolute_url())
    assert 'data-testid="order-interest-total">43,34 €' in order_page
    vendor_page = client.get(framework.vendor.get_absolute_url())
    assert vendor_page.context["stats"].late_payment_interest == Decimal("43.34")
    assert 'data-testid="vendor-interest-total">43,34 €' in _page(client, framework.vendor.get_absolute_url())


def test_the_recorded_interest_does_not_move_after_payment(client, mdo_officer, order_3e):
    invoice = services.invoice_create(
        order=order_3e, number="F-FIX", received_on=TODAY() - days(40), amount_ht=Decimal("1000.00"), by=mdo_officer
    )
    enter_ecb_rate(due_on=invoice.due_on, rate="2.15")
    services.invoice_pay(invoice=invoice, paid_on=TODAY() - days(5), by=mdo_officer)  # 5 days late
    LatePaymentRate.objects.update(ecb_rate=Decimal("4.00"))  # a later correction of the table
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.interest_days == 5 and invoice.interest_rate == Decimal("10.15")
    # 1 200 × 10,15 % × 5 / 365 = 1,668… → 1,67 €
    assert invoice.interest_amount == Decimal("1.67")


def test_paid_on_time_records_no_interest(mdo_officer, order_3e):
    invoice = services.invoice_create(
        order=order_3e, number="F-OK", received_on=TODAY() - days(30), amount_ht=Decimal("1000.00"), by=mdo_officer
    )
    invoice = services.invoice_pay(invoice=invoice, paid_on=TODAY(), by=mdo_officer)  # on the due date itself
    assert (invoice.interest_days, invoice.interest_amount, invoice.interest_flat_fee) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
    )


@pytest.fixture
def july(mdo_officer, project_3e, mdo_manager):
    """20 July 2026: an invoice received on 31 May, due on 30 June, unpaid."""
    with time_machine.travel(datetime.datetime(2026, 7, 20, 11, 0, tzinfo=PARIS), tick=False):
        LatePaymentRate.objects.all().delete()
        LatePaymentRate.objects.create(valid_from=datetime.date(2026, 1, 1), ecb_rate=Decimal("2.40"))
        contract = make_contract(
            by=mdo_officer, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 12, 31)
        )
        line = approved_line(project=project_3e, requester=mdo_manager, year=2026)
        order = make_order(
            contract=contract,
            line=line,
            by=mdo_officer,
            amount_ht=Decimal("5000.00"),
            issued_on=datetime.date(2026, 5, 2),
        )
        invoice = services.invoice_create(
            order=order,
            number="F-JUIN",
            received_on=datetime.date(2026, 5, 31),
            amount_ht=Decimal("1000.00"),
            by=mdo_officer,
        )
        assert invoice.due_on == datetime.date(2026, 6, 30)
        certify_service_done(order, certifier=mdo_manager, delivered_on=datetime.date(2026, 5, 20))
        yield invoice


def test_due_on_30_june_takes_the_july_rate(client, mdo_officer, july):
    LatePaymentRate.objects.create(valid_from=datetime.date(2026, 7, 1), ecb_rate=Decimal("2.15"))
    assert ecb_rate_for(july.due_on, list(LatePaymentRate.objects.all())) == (
        datetime.date(2026, 7, 1),
        Decimal("2.15"),
    )
    client.force_login(mdo_officer)
    assert _pay(client, july, datetime.date(2026, 7, 10)).status_code == 302
    invoice = Invoice.objects.get(pk=july.pk)
    # July's 2,15 % + 8, not January's 2,40 %: 1 200 × 10,15 % × 10 / 365 = 3,3369… → 3,34 €
    assert (invoice.interest_days, invoice.interest_rate, invoice.interest_amount) == (
        10,
        Decimal("10.15"),
        Decimal("3.34"),
    )


def test_missing_rate_refuses_the_late_payment_with_the_rate_named(client, mdo_officer, july):
    client.force_login(mdo_officer)
    response = _pay(client, july, datetime.date(2026, 7, 10))
    assert response.status_code == 400
    message = " ".join(response.context["pay_form"].errors["paid_on"])
    assert "Le taux de la BCE du 1er juillet 2026 (2d semestre 2026) n'est pas saisi" in message
    assert "aucun autre taux n'est utilisé" in message
    invoice = Invoice.objects.get(pk=july.pk)
    assert invoice.paid_on is None and invoice.interest_days == 0  # nothing half-written
    assert "taux de la BCE du 01/07/2026 non saisi" in _page(client, july.get_absolute_url())
    assert "taux BCE du 01/07/2026 non saisi" in _page(client, "/vendors/invoices/")


def test_missing_rate_does_not_stop_a_payment_on_time(client, mdo_officer, july):
    with time_machine.travel(datetime.datetime(2026, 7, 20, 11, 0, tzinfo=PARIS), tick=False):
        client.force_login(mdo_officer)
        assert _pay(client, july, datetime.date(2026, 6, 30)).status_code == 302
    assert Invoice.objects.get(pk=july.pk).interest_days == 0


def test_rates_are_entered_on_the_first_day_of_a_half_year(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/vendors/latepaymentrate/add/", {"valid_from": "15/03/2031", "ecb_rate": "2.00"})
    assert response.status_code == 200
    assert "1er janvier ou au 1er juillet" in html.unescape(response.content.decode())
    assert not LatePaymentRate.objects.filter(valid_from=datetime.date(2031, 3, 15)).exists()
