import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mdo.registry import registry
from tests.helpers import assert_constant_queries, excel_csv_rows
from tests.vendors.factories import (
    VendorFactory,
    certify_service_done,
    enter_ecb_rate,
    make_contract,
    make_order,
    valid_siret,
)
from vendors import services
from vendors.enums import ContractKind, MilestoneStatus, PenaltyDecision
from vendors.models import Amendment, Contract, Invoice, Milestone, PurchaseOrder, Vendor, VendorContact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def text(response) -> str:
    """The page with French non-breaking spaces (thousands, before units) as plain spaces."""
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


def iso(day):
    return day.strftime("%Y-%m-%d")


@pytest.fixture
def milestone(order_3e, mdo_officer):
    return services.milestone_create(
        order=order_3e, label="Rapport d'étape", due_on=TODAY() - datetime.timedelta(days=40), by=mdo_officer
    )


@pytest.fixture
def delivered(milestone, mdo_officer):
    return services.milestone_deliver(
        milestone=milestone, delivered_on=TODAY() - datetime.timedelta(days=5), by=mdo_officer
    )


@pytest.fixture
def invoice(order_3e, mdo_officer):
    return services.invoice_create(
        order=order_3e,
        number="F-2026-007",
        received_on=TODAY() - datetime.timedelta(days=3),
        amount_ht=Decimal("2000"),
        by=mdo_officer,
    )


def _post_urls(framework, order, milestone, invoice, vendor):
    return [
        f"/vendors/{vendor.pk}/contacts/",
        f"/vendors/contracts/{framework.pk}/amendments/",
        f"/vendors/contracts/{framework.pk}/renew/",
        f"/vendors/contracts/{framework.pk}/milestones/",
        f"/vendors/orders/{order.pk}/milestones/",
        f"/vendors/orders/{order.pk}/invoices/",
        f"/vendors/milestones/{milestone.pk}/deliver/",
        f"/vendors/milestones/{milestone.pk}/certify/",
        f"/vendors/milestones/{milestone.pk}/penalty/apply/",
        f"/vendors/milestones/{milestone.pk}/penalty/waive/",
        f"/vendors/invoices/{invoice.pk}/suspend/",
        f"/vendors/invoices/{invoice.pk}/resume/",
        f"/vendors/invoices/{invoice.pk}/pay/",
    ]


def test_post_views_answer_405_on_get(client, mdo_officer, framework, order_3e, milestone, invoice):
    client.force_login(mdo_officer)
    for url in _post_urls(framework, order_3e, milestone, invoice, framework.vendor):
        assert client.get(url).status_code == 405, url


def test_post_views_answer_404_out_of_scope(client, other_town_hall_agent, framework, order_3e, milestone, invoice):
    client.force_login(other_town_hall_agent)
    for url in _post_urls(framework, order_3e, milestone, invoice, framework.vendor):
        assert client.post(url, {"reason": "x", "amount_ht": "1", "signed_on": iso(TODAY())}).status_code == 404, url
    assert not Amendment.objects.exists()
    assert client.post(f"/vendors/contracts/{framework.pk}/orders/new/", {}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/vendors/",
        "/vendors/contracts/",
        "/vendors/orders/",
        "/vendors/milestones/",
        "/vendors/milestones/to-certify/",
        "/vendors/invoices/",
        "/vendors/new/",
        "/vendors/contracts/new/",
        "/vendors/import/",
    ],
)
def test_pages_render_for_the_mdo(client, mdo_officer, order_3e, url):
    client.force_login(mdo_officer)
    assert client.get(url).status_code == 200


def test_detail_pages_render(client, mdo_officer, framework, order_3e, delivered, invoice):
    client.force_login(mdo_officer)
    for obj in (framework.vendor, framework, order_3e, delivered, invoice):
        assert client.get(obj.get_absolute_url()).status_code == 200


# --- vendors and contracts -----------------------------------------------------------------


def test_vendor_created_through_the_form(client, mdo_officer):
    client.force_login(mdo_officer)
    siret = valid_siret()
    response = client.post("/vendors/new/", {"name": "Traces Urbaines", "siret": siret[:3] + " " + siret[3:]})
    vendor = Vendor.objects.get()
    assert response.status_code == 302 and response.url == vendor.get_absolute_url()
    assert vendor.siret == siret


def test_bad_siret_shows_the_french_message_at_the_field(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post("/vendors/new/", {"name": "Faux", "siret": "12345678901234"})
    assert response.status_code == 200
    assert "SIRET invalide" in response.context["form"].errors["siret"][0]
    assert not Vendor.objects.exists()


def test_vendor_contact_added(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/{framework.vendor.pk}/contacts/", {"name": "Aline Roche", "role": "Cheffe de projet"}
    )
    assert response.status_code == 302
    assert VendorContact.objects.get().name == "Aline Roche"


def test_framework_without_maximum_refused_at_the_field(client, mdo_officer):
    vendor = VendorFactory()
    client.force_login(mdo_officer)
    response = client.post(
        "/vendors/contracts/new/",
        {
            "reference": "2026-AC-077",
            "kind": ContractKind.FRAMEWORK_ORDERS,
            "subject": "Mobilier urbain",
            "vendor": vendor.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2027-12-31",
            "renewals_allowed": 0,
            "renewal_months": 12,
            "vat_rate": "20",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["max_amount_ht"] == ["Un accord-cadre doit avoir un montant maximum."]
    assert not Contract.objects.exists()


def test_contract_created_through_the_form(client, mdo_officer):
    vendor = VendorFactory()
    client.force_login(mdo_officer)
    response = client.post(
        "/vendors/contracts/new/",
        {
            "reference": "2026-AMO-003",
            "kind": ContractKind.AMO,
            "subject": "AMO concertation Part-Dieu",
            "vendor": vendor.pk,
            "starts_on": "28/11/2026",
            "ends_on": "2027-11-27",
            "renewals_allowed": 1,
            "renewal_months": 12,
            "vat_rate": "20",
            "max_amount_ht": "60000",
        },
    )
    contract = Contract.objects.get()
    assert response.url == contract.get_absolute_url()
    assert contract.intellectual_services and contract.starts_on == datetime.date(2026, 11, 28)


def test_amendment_added_and_flagged_above_ten_percent(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{framework.pk}/amendments/",
        {"signed_on": iso(TODAY()), "amount_ht": "12000", "reason": "Ateliers supplémentaires"},
    )
    assert response.status_code == 302
    page = client.get(framework.get_absolute_url())
    assert page.context["consumption"].ceiling == Decimal("112000.00")
    assert page.context["consumption"].amendments_flagged
    assert 'data-testid="amendments-alert"' in page.text


def test_amendment_refused_shows_error_at_the_field(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{framework.pk}/amendments/", {"signed_on": iso(TODAY()), "amount_ht": "1000", "reason": ""}
    )
    assert response.status_code == 400
    assert "reason" in response.context["amendment_form"].errors


def test_contract_renewed(client, mdo_officer):
    contract = make_contract(by=mdo_officer, renewals_allowed=2)
    client.force_login(mdo_officer)
    assert client.post(f"/vendors/contracts/{contract.pk}/renew/").status_code == 302
    contract.refresh_from_db()
    assert contract.renewals_done == 1


def test_contract_milestone_added(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{framework.pk}/milestones/",
        {"label": "Bilan annuel", "due_on": iso(TODAY()), "amount_ht": "5000"},
    )
    assert response.status_code == 302
    assert Milestone.objects.get(order__isnull=True).contract == framework


def test_contract_page_shows_consumption_with_warning_at_80_percent(client, mdo_officer, framework, line_3e):
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("85000"))
    client.force_login(mdo_officer)
    page = client.get(framework.get_absolute_url())
    assert page.context["consumption"].level == "warning"
    assert "plus de 80 %" in page.text
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("15000"))
    page = client.get(framework.get_absolute_url())
    assert page.context["consumption"].level == "reached"
    assert "Maximum atteint" in page.text


def test_consumption_counts_certified_invoiced_and_paid(
    mdo_officer, other_mdo_officer, framework, order_3e, delivered, invoice
):
    from vendors.selectors import contract_consumption

    services.milestone_certify(milestone=delivered, by=other_mdo_officer)
    services.invoice_pay(invoice=invoice, paid_on=TODAY(), by=mdo_officer)
    consumption = contract_consumption(framework)
    assert consumption.ordered == Decimal("20000.00")
    assert consumption.certified == Decimal("20000.00")
    assert consumption.invoiced == consumption.paid == Decimal("2000.00")
    assert consumption.ordered_rate == Decimal("20.0")


# --- orders -------------------------------------------------------------------------------


def test_order_issued_through_the_form(client, mdo_officer, framework, line_3e):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{framework.pk}/orders/new/",
        {
            "budget_line": line_3e.pk,
            "subject": "Ateliers de co-conception",
            "amount_ht": "4500,50" if False else "4500.50",
            "issued_on": iso(TODAY()),
        },
    )
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert order.number == f"BC-{TODAY().year}-0001"
    assert order.issued_by == mdo_officer


def test_order_beyond_maximum_refused_at_the_amount_field(client, mdo_officer, framework, line_3e):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{framework.pk}/orders/new/",
        {
            "budget_line": line_3e.pk,
            "subject": "Trop",
            "amount_ht": "100000.01",
            "issued_on": iso(TODAY()),
        },
    )
    assert response.status_code == 400
    assert "maximum" in response.context["form"].errors["amount_ht"][0]
    assert not PurchaseOrder.objects.exists()


def test_milestone_added_to_an_order(client, mdo_officer, order_3e):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/orders/{order_3e.pk}/milestones/", {"label": "Restitution", "due_on": iso(TODAY())}
    )
    assert response.status_code == 302
    assert Milestone.objects.get().amount_ht == order_3e.amount_ht


def test_invoice_recorded_and_shows_its_due_date(client, mdo_officer, order_3e):
    client.force_login(mdo_officer)
    received = TODAY() - datetime.timedelta(days=2)
    response = client.post(
        f"/vendors/orders/{order_3e.pk}/invoices/",
        {"number": "FA-0091", "received_on": received.strftime("%d/%m/%Y"), "amount_ht": "3000"},
    )
    invoice = Invoice.objects.get()
    assert response.url == invoice.get_absolute_url()
    page = client.get(invoice.get_absolute_url()).text
    assert (received + datetime.timedelta(days=30)).strftime("%d/%m/%Y") in page


def test_invoice_above_order_refused_at_the_field(client, mdo_officer, order_3e):
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/orders/{order_3e.pk}/invoices/",
        {"number": "FA-1", "received_on": iso(TODAY()), "amount_ht": "20000.01"},
    )
    assert response.status_code == 400
    assert "au-delà" in response.context["invoice_form"].errors["amount_ht"][0]
    assert not Invoice.objects.exists()


# --- milestones ---------------------------------------------------------------------------


def test_milestone_delivered_then_certified_by_a_colleague(client, mdo_officer, other_mdo_officer, milestone):
    client.force_login(mdo_officer)
    assert (
        client.post(f"/vendors/milestones/{milestone.pk}/deliver/", {"delivered_on": iso(TODAY())}).status_code == 302
    )
    response = client.post(f"/vendors/milestones/{milestone.pk}/certify/", {"service_done_on": iso(TODAY())})
    assert response.status_code == 403  # the issuer: refused, and told why
    assert "un·e autre agent·e" in response.text
    client.force_login(other_mdo_officer)
    assert (
        client.post(f"/vendors/milestones/{milestone.pk}/certify/", {"service_done_on": iso(TODAY())}).status_code
        == 302
    )
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.CERTIFIED and milestone.service_done_by == other_mdo_officer


def test_to_certify_queue_lists_delivered_milestones_of_others(client, mdo_officer, other_mdo_officer, delivered):
    client.force_login(other_mdo_officer)
    assert "Rapport d&#x27;étape" in client.get("/vendors/milestones/to-certify/").text
    client.force_login(mdo_officer)  # the issuer does not certify their own
    assert "Rapport d&#x27;étape" not in client.get("/vendors/milestones/to-certify/").text


def test_penalty_applied_after_notice_and_waived_through_the_page(client, mdo_officer, mdo_manager, line_3e):
    contract = make_contract(by=mdo_officer, max_amount_ht=Decimal("500000"))
    order = make_order(contract=contract, line=line_3e, by=mdo_officer, amount_ht=Decimal("80000"))
    first = services.milestone_create(
        order=order,
        label="Lot 1",
        due_on=TODAY() - datetime.timedelta(days=30),
        by=mdo_officer,
        amount_ht=Decimal("40000"),
    )
    second = services.milestone_create(
        order=order, label="Lot 2", due_on=TODAY() - datetime.timedelta(days=30), by=mdo_officer
    )
    assert second.amount_ht == Decimal("40000.00")  # what remained of the order
    for m in (first, second):
        services.milestone_deliver(milestone=m, delivered_on=TODAY(), by=mdo_officer)
    client.force_login(mdo_manager)
    page = text(client.get(first.get_absolute_url()))
    assert "1 200,00" in page  # 40 000 × 30 / 1000
    assert client.post(f"/vendors/milestones/{first.pk}/penalty/apply/").status_code == 302  # refused: no notice yet
    first.refresh_from_db()
    assert first.penalty_decision == PenaltyDecision.NONE
    assert (
        client.post(
            f"/vendors/milestones/{first.pk}/penalty/notify/", {"penalty_notice_sent_on": iso(TODAY())}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/vendors/milestones/{first.pk}/penalty/observations/",
            {"penalty_observations_on": iso(TODAY()), "penalty_observations": "Intempéries"},
        ).status_code
        == 302
    )
    assert client.post(f"/vendors/milestones/{first.pk}/penalty/apply/").status_code == 302
    assert client.post(f"/vendors/milestones/{second.pk}/penalty/waive/", {"penalty_reason": ""}).status_code == 400
    assert (
        client.post(
            f"/vendors/milestones/{second.pk}/penalty/waive/", {"penalty_reason": "Retard imputable à la ville"}
        ).status_code
        == 302
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.penalty == Decimal("1200.00") and second.penalty_decision == PenaltyDecision.WAIVED


def test_milestones_list_shows_late_ones_first(client, mdo_officer, order_3e):
    services.milestone_create(
        order=order_3e,
        label="À venir",
        due_on=TODAY() + datetime.timedelta(days=5),
        by=mdo_officer,
        amount_ht=Decimal("100"),
    )
    services.milestone_create(
        order=order_3e,
        label="En retard",
        due_on=TODAY() - datetime.timedelta(days=5),
        by=mdo_officer,
        amount_ht=Decimal("100"),
    )
    client.force_login(mdo_officer)
    rows = [row.record.label for row in client.get("/vendors/milestones/").context["table"].rows]
    assert rows == ["En retard", "À venir"]


# --- invoices -----------------------------------------------------------------------------


def test_invoice_suspended_resumed_and_paid(client, mdo_officer, mdo_manager, invoice):
    certify_service_done(invoice.order, certifier=mdo_manager, delivered_on=invoice.order.issued_on)
    client.force_login(mdo_officer)
    url = f"/vendors/invoices/{invoice.pk}/"
    assert client.post(url + "suspend/", {"suspended_on": iso(TODAY()), "suspension_reason": ""}).status_code == 400
    assert (
        client.post(
            url + "suspend/", {"suspended_on": iso(TODAY()), "suspension_reason": "Attestation manquante"}
        ).status_code
        == 302
    )
    assert client.post(url + "resume/", {"resumed_on": iso(TODAY())}).status_code == 302
    assert client.post(url + "pay/", {"paid_on": iso(TODAY())}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.paid_on == TODAY() and invoice.resumed_on == TODAY()


def test_invoices_list_shows_due_soon_first(client, mdo_officer, order_3e):
    services.invoice_create(
        order=order_3e,
        number="TARD",
        received_on=TODAY() - datetime.timedelta(days=1),
        amount_ht=Decimal("10"),
        by=mdo_officer,
    )
    services.invoice_create(
        order=order_3e,
        number="TOT",
        received_on=TODAY() - datetime.timedelta(days=25),
        amount_ht=Decimal("10"),
        by=mdo_officer,
    )
    client.force_login(mdo_officer)
    rows = [row.record.number for row in client.get("/vendors/invoices/").context["table"].rows]
    assert rows == ["TOT", "TARD"]


def test_late_invoice_page_shows_interest(client, mdo_officer, order_3e):
    invoice = services.invoice_create(
        order=order_3e,
        number="RET",
        received_on=TODAY() - datetime.timedelta(days=40),
        amount_ht=Decimal("10000"),
        by=mdo_officer,
    )
    enter_ecb_rate(due_on=invoice.due_on)
    client.force_login(mdo_officer)
    page = client.get(invoice.get_absolute_url()).text
    assert 'data-testid="interest"' in page and "40,00" in page


# --- vendor page, dashboard, tasks, calendar ----------------------------------------------


def test_vendor_page_shows_stats_and_average_payment_time(
    client, mdo_officer, other_mdo_officer, framework, order_3e, invoice
):
    billed = services.milestone_create(
        order=order_3e, label="Atelier", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("2000")
    )
    services.milestone_deliver(milestone=billed, delivered_on=TODAY(), by=mdo_officer)
    services.milestone_certify(milestone=billed, by=other_mdo_officer)
    invoice.milestones.set([billed])
    services.invoice_pay(invoice=invoice, paid_on=TODAY(), by=mdo_officer)  # received 3 days ago
    services.milestone_create(
        order=order_3e, label="Oubli", due_on=TODAY() - datetime.timedelta(days=3), by=mdo_officer
    )
    client.force_login(mdo_officer)
    page = client.get(framework.vendor.get_absolute_url())
    assert page.context["stats"].average_payment_days == 3.0
    assert page.context["stats"].milestones_late == 1
    assert "3,0 jours" in text(page)


def test_dashboard_panel_lists_milestones_to_certify_and_invoices_due(client, other_mdo_officer, delivered, invoice):
    client.force_login(other_mdo_officer)
    page = client.get("/").text
    assert "Jalons à certifier (1)" in page
    assert "F-2026-007" not in page  # due in 27 days
    services.invoice_create(
        order=invoice.order,
        number="F-PROCHE",
        received_on=TODAY() - datetime.timedelta(days=25),
        amount_ht=Decimal("10"),
        by=other_mdo_officer,
    )
    assert "F-PROCHE" in client.get("/").text


def test_tasks_inbox_offers_the_certification(client, other_mdo_officer, delivered):
    client.force_login(other_mdo_officer)
    page = client.get("/tasks/").text
    assert "Certifier le service fait : Rapport d&#x27;étape" in page
    assert "Végétalisation de la place Guichard" in page  # the project the order is charged to


def test_calendar_events_are_milestones_of_orders_i_issued(mdo_officer, other_mdo_officer, milestone):
    source = next(s for s in registry.calendars if s.key == "vendors")
    events = source.events(mdo_officer)
    assert [str(e["uid"]) for e in events] == [f"milestone-{milestone.pk}@mdo-pilotage"]
    assert events[0].decoded("dtstart") == milestone.due_on  # an all-day DATE
    assert events[0].decoded("dtend") == milestone.due_on + datetime.timedelta(days=1)
    assert source.events(other_mdo_officer) == []


def test_calendar_events_cost_constant_queries(mdo_officer, order_3e, django_assert_num_queries):
    source = next(s for s in registry.calendars if s.key == "vendors")
    services.milestone_create(order=order_3e, label="Un", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("1"))
    with django_assert_num_queries(2):  # roles + milestones
        source.events(mdo_officer)
    for n in range(5):
        services.milestone_create(order=order_3e, label=f"J{n}", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("1"))
    mdo_officer = type(mdo_officer).objects.get(pk=mdo_officer.pk)
    with django_assert_num_queries(2):
        assert len(source.events(mdo_officer)) == 6


# --- constant queries ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/vendors/",
        "/vendors/contracts/",
        "/vendors/orders/",
        "/vendors/milestones/",
        "/vendors/milestones/to-certify/",
        "/vendors/invoices/",
    ],
)
def test_lists_have_constant_queries(
    client, mdo_officer, other_mdo_officer, line_3e, django_assert_max_num_queries, url
):
    client.force_login(other_mdo_officer)

    def grow():
        for n in range(4):
            contract = make_contract(by=mdo_officer, max_amount_ht=Decimal("50000"))
            services.amendment_create(
                contract=contract, signed_on=TODAY(), amount_ht=Decimal("100"), reason="r", by=mdo_officer
            )
            order = make_order(contract=contract, line=line_3e, by=mdo_officer)
            m = services.milestone_create(
                order=order, label=f"Jalon {n}", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("1")
            )
            services.milestone_deliver(milestone=m, delivered_on=TODAY(), by=mdo_officer)
            services.invoice_create(
                order=order, number=f"F{n}", received_on=TODAY(), amount_ht=Decimal("10"), by=mdo_officer
            )

    grow()
    count = assert_constant_queries(client, url, grow)
    with django_assert_max_num_queries(count):
        client.get(url)
    with django_assert_max_num_queries(count):
        client.get(url, {"_export": "csv"})


@pytest.mark.parametrize("kind", ["vendor", "contract", "order"])
def test_detail_pages_have_constant_queries(
    client, mdo_officer, framework, line_3e, django_assert_max_num_queries, kind
):
    client.force_login(mdo_officer)
    order = make_order(contract=framework, line=line_3e, by=mdo_officer)
    url = {"vendor": framework.vendor, "contract": framework, "order": order}[kind].get_absolute_url()

    def grow():
        for n in range(3):
            extra = make_order(contract=framework, line=line_3e, by=mdo_officer)
            services.milestone_create(
                order=order, label=f"J{n}", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("1")
            )
            services.milestone_create(
                order=extra, label=f"K{n}", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("1")
            )
            services.invoice_create(
                order=order, number=f"F{n}", received_on=TODAY(), amount_ht=Decimal("1"), by=mdo_officer
            )

    count = assert_constant_queries(client, url, grow)
    with django_assert_max_num_queries(count):
        client.get(url)


def test_tasks_inbox_has_constant_queries(
    client, mdo_officer, other_mdo_officer, order_3e, django_assert_max_num_queries
):
    client.force_login(other_mdo_officer)

    def grow():
        for n in range(4):
            m = services.milestone_create(
                order=order_3e, label=f"J{n}", due_on=TODAY(), amount_ht=Decimal("1"), by=mdo_officer
            )
            services.milestone_deliver(milestone=m, delivered_on=TODAY(), by=mdo_officer)

    grow()
    count = assert_constant_queries(client, "/tasks/", grow)
    with django_assert_max_num_queries(count):
        client.get("/tasks/")


def test_dashboard_has_constant_queries(
    client, mdo_officer, other_mdo_officer, order_3e, django_assert_max_num_queries
):
    client.force_login(other_mdo_officer)
    numbers = iter(range(100))

    def grow():
        for n in (next(numbers) for _ in range(7)):
            m = services.milestone_create(
                order=order_3e, label=f"J{n}", due_on=TODAY(), amount_ht=Decimal("1"), by=mdo_officer
            )
            services.milestone_deliver(milestone=m, delivered_on=TODAY(), by=mdo_officer)
            services.invoice_create(
                order=order_3e,
                number=f"F{n}",
                received_on=TODAY() - datetime.timedelta(days=25),
                amount_ht=Decimal("1"),
                by=mdo_officer,
            )

    grow()
    count = assert_constant_queries(client, "/", grow)
    with django_assert_max_num_queries(count):
        client.get("/")


def test_invoice_list_shows_interest_of_late_invoices(client, mdo_officer, order_3e):
    late = services.invoice_create(
        order=order_3e,
        number="RET-1",
        received_on=TODAY() - datetime.timedelta(days=40),
        amount_ht=Decimal("1000"),
        by=mdo_officer,
    )
    enter_ecb_rate(due_on=late.due_on, rate="2.15")
    client.force_login(mdo_officer)
    response = client.get("/vendors/invoices/")
    assert "43,34" in text(response)
    export = excel_csv_rows(client.get("/vendors/invoices/", {"_export": "csv"}))
    assert "Intérêts moratoires" in export[0]
    # 1 200 € TTC × (2,15 + 8) % × 10 days / 365 = 3,34 €, + 40 € = 43,34 €
    assert export[1][-1] == "43,34"


def test_administrator_sets_the_ecb_rate_used_for_interest(client, admin_user, order_3e, mdo_officer):
    from vendors.models import LatePaymentRate
    from vendors.rules import half_year_start, interest_start
    from vendors.selectors import invoice_interest

    invoice = services.invoice_create(
        order=order_3e,
        number="RET-2",
        received_on=TODAY() - datetime.timedelta(days=40),
        amount_ht=Decimal("10000"),
        by=mdo_officer,
    )
    client.force_login(admin_user)
    start = half_year_start(interest_start(invoice.due_on))
    LatePaymentRate.objects.filter(valid_from=start).delete()
    response = client.post(
        "/admin/vendors/latepaymentrate/add/", {"valid_from": start.strftime("%d/%m/%Y"), "ecb_rate": "0.00"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    interest = invoice_interest(invoice)
    assert interest.rate == Decimal("8.00")  # 0 % + 8 points


@pytest.mark.parametrize(
    "url", ["/vendors/", "/vendors/contracts/", "/vendors/orders/", "/vendors/milestones/", "/vendors/invoices/"]
)
def test_lists_export_xlsx(client, mdo_officer, order_3e, invoice, milestone, url):
    import io

    import openpyxl

    client.force_login(mdo_officer)
    export = client.get(url, {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 2
