import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budgets.models import Commitment
from tests.vendors.factories import (
    VendorFactory,
    approved_line,
    certify_service_done,
    enter_ecb_rate,
    make_contract,
    make_order,
    valid_siret,
)
from vendors import services
from vendors.enums import ContractKind, MilestoneStatus, PenaltyDecision
from vendors.models import Contract, Invoice, OrderCounter, PurchaseOrder, Vendor

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n):
    return datetime.timedelta(days=n)


# --- SIRET --------------------------------------------------------------------------------


def test_vendor_with_valid_siret_is_created(mdo_officer):
    vendor = services.vendor_create(name="Ville Ouverte Conseil", siret="732 829 320 00074", by=mdo_officer)
    assert vendor.siret == "73282932000074"


def test_siret_with_wrong_luhn_key_refused_with_french_message(mdo_officer):
    with pytest.raises(ValidationError) as error:
        services.vendor_create(name="Cabinet Faux", siret="73282932000075", by=mdo_officer)
    assert "SIRET invalide" in error.value.message_dict["siret"][0]
    assert not Vendor.objects.exists()


@pytest.mark.parametrize("siret", ["7328293200007", "732829320000745", "7328293200007A"])
def test_siret_must_have_14_digits(mdo_officer, siret):
    with pytest.raises(ValidationError) as error:
        services.vendor_create(name="Cabinet", siret=siret, by=mdo_officer)
    assert "siret" in error.value.message_dict


def test_siret_is_unique(mdo_officer):
    siret = valid_siret()
    services.vendor_create(name="Premier", siret=siret, by=mdo_officer)
    with pytest.raises(ValidationError) as error:
        services.vendor_create(name="Second", siret=siret, by=mdo_officer)
    assert error.value.message_dict["siret"] == ["Un titulaire avec ce SIRET existe déjà."]


# --- contracts ----------------------------------------------------------------------------


def test_framework_without_maximum_refused(mdo_officer):
    with pytest.raises(ValidationError) as error:
        make_contract(by=mdo_officer, kind=ContractKind.FRAMEWORK_ORDERS, max_amount_ht=None)
    assert error.value.message_dict["max_amount_ht"] == ["Un accord-cadre doit avoir un montant maximum."]
    assert not Contract.objects.exists()


def test_simple_contract_without_maximum_is_allowed(mdo_officer):
    contract = make_contract(by=mdo_officer, kind=ContractKind.SIMPLE, max_amount_ht=None)
    assert Contract.objects.get(pk=contract.pk).ceiling_ht is None


def test_amo_is_intellectual_services(mdo_officer):
    assert make_contract(by=mdo_officer, kind=ContractKind.AMO).intellectual_services


def test_subsequent_contract_needs_a_framework_and_fits_in_its_maximum(mdo_officer):
    vendor = VendorFactory()
    framework = make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.FRAMEWORK, max_amount_ht=Decimal("50000")
    )
    make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.SUBSEQUENT, parent=framework, max_amount_ht=Decimal("30000")
    )
    with pytest.raises(ValidationError) as error:
        make_contract(
            by=mdo_officer,
            vendor=vendor,
            kind=ContractKind.SUBSEQUENT,
            parent=framework,
            max_amount_ht=Decimal("25000"),
        )
    assert "20\xa0000,00 € HT" in error.value.message_dict["max_amount_ht"][0]
    with pytest.raises(ValidationError) as error:
        make_contract(by=mdo_officer, vendor=vendor, kind=ContractKind.SUBSEQUENT, max_amount_ht=Decimal("1000"))
    assert "parent" in error.value.message_dict


def test_orders_are_drawn_on_subsequent_contracts_not_on_their_framework(mdo_officer, line_3e):
    vendor = VendorFactory()
    framework = make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.FRAMEWORK, max_amount_ht=Decimal("50000")
    )
    with pytest.raises(ValidationError) as error:
        make_order(contract=framework, line=line_3e, by=mdo_officer)
    assert "contract" in error.value.message_dict
    subsequent = make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.SUBSEQUENT, parent=framework, max_amount_ht=Decimal("10000")
    )
    make_order(contract=subsequent, line=line_3e, by=mdo_officer, amount_ht=Decimal("4000"))
    assert Contract.objects.get(pk=framework.pk).ordered_ht == Decimal("4000.00")


def test_amendments_raise_the_ceiling(mdo_officer, framework, line_3e):
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("100000"))
    with pytest.raises(ValidationError):
        make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("5000"))
    services.amendment_create(
        contract=framework,
        signed_on=TODAY(),
        amount_ht=Decimal("8000"),
        reason="Ateliers supplémentaires",
        by=mdo_officer,
    )
    order = make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("5000"))
    assert order.pk
    assert Contract.objects.get(pk=framework.pk).ceiling_ht == Decimal("108000.00")


def test_amendment_cannot_lower_ceiling_below_ordered(mdo_officer, framework, order_3e):
    with pytest.raises(ValidationError) as error:
        services.amendment_create(
            contract=framework, signed_on=TODAY(), amount_ht=Decimal("-90000"), reason="Réduction", by=mdo_officer
        )
    assert "amount_ht" in error.value.message_dict
    assert not framework.amendments.exists()


def test_amendment_needs_a_reason(mdo_officer, framework):
    with pytest.raises(ValidationError) as error:
        services.amendment_create(
            contract=framework, signed_on=TODAY(), amount_ht=Decimal("1000"), reason=" ", by=mdo_officer
        )
    assert "reason" in error.value.message_dict


def test_renewal_extends_validity_up_to_the_allowed_number(mdo_officer):
    end = datetime.date(timezone.localdate().year + 1, 12, 31)
    contract = make_contract(by=mdo_officer, ends_on=end, renewals_allowed=1, renewal_months=12)
    services.contract_renew(contract=contract, by=mdo_officer)
    contract.refresh_from_db()
    assert contract.valid_until == datetime.date(end.year + 1, 12, 31)
    with pytest.raises(ValidationError):
        services.contract_renew(contract=contract, by=mdo_officer)


# --- purchase orders ----------------------------------------------------------------------


def test_order_creates_its_commitment_on_the_line(mdo_officer, framework, line_3e):
    order = make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("1234.56"))
    assert order.amount_ttc == Decimal("1481.47")  # 1 234,56 × 1,2 = 1 481,472 → half-up
    assert order.commitment.budget_line == line_3e
    assert order.commitment.amount == order.amount_ttc
    assert order.number in order.commitment.label


def test_order_refused_before_the_contract_starts(mdo_officer, framework, line_3e):
    with pytest.raises(ValidationError) as error:
        make_order(contract=framework, line=line_3e, by=mdo_officer, issued_on=framework.starts_on - days(1))
    assert "n'est pas valide" in error.value.message_dict["issued_on"][0]
    assert not PurchaseOrder.objects.exists() and not Commitment.objects.exists()


def test_order_refused_after_the_contract_ends(mdo_officer, line_3e):
    contract = make_contract(by=mdo_officer, starts_on=TODAY() - days(400), ends_on=TODAY() - days(10))
    with pytest.raises(ValidationError) as error:
        make_order(contract=contract, line=line_3e, by=mdo_officer)
    assert "issued_on" in error.value.message_dict


def test_order_refused_beyond_framework_maximum(mdo_officer, framework, line_3e):
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("90000"))
    with pytest.raises(ValidationError) as error:
        make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("10000.01"))
    assert "reste 10\xa0000,00 € HT" in error.value.message_dict["amount_ht"][0]
    assert PurchaseOrder.objects.count() == 1 and Commitment.objects.count() == 1
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("10000"))  # exactly the maximum


def test_order_refused_beyond_the_line_available_amount(mdo_officer, mdo_manager, framework, project_3e):
    line = approved_line(project=project_3e, requester=mdo_manager, amount_ttc=Decimal("12000.00"))
    make_order(contract=framework, line=line, by=mdo_officer, amount_ht=Decimal("9000"))  # 10 800 TTC
    with pytest.raises(ValidationError) as error:
        make_order(contract=framework, line=line, by=mdo_officer, amount_ht=Decimal("1001"))  # 1 201,20 TTC > 1 200
    assert "disponible" in error.value.message_dict["budget_line"][0]
    assert PurchaseOrder.objects.count() == 1
    assert OrderCounter.objects.get(year=TODAY().year).last == 1  # the refused order took no number


def test_order_refused_on_a_line_not_approved(mdo_officer, framework, line_3e):
    line_3e.status = "submitted"
    line_3e.save()
    with pytest.raises(ValidationError) as error:
        make_order(contract=framework, line=line_3e, by=mdo_officer)
    assert "budget_line" in error.value.message_dict


def test_orders_are_numbered_per_year_without_gaps(mdo_officer, framework, line_3e):
    year = TODAY().year
    first = make_order(contract=framework, line=line_3e, by=mdo_officer)
    second = make_order(contract=framework, line=line_3e, by=mdo_officer)
    assert first.number == f"BC-{year}-0001"
    assert second.number == f"BC-{year}-0002"
    last_year = make_order(contract=framework, line=line_3e, by=mdo_officer, issued_on=framework.starts_on)
    if framework.starts_on.year != year:
        assert last_year.number == f"BC-{framework.starts_on.year}-0001"


def test_imported_number_moves_the_counter_past_it(mdo_officer, framework, line_3e):
    year = TODAY().year
    services.purchase_order_create(
        contract=framework,
        budget_line=line_3e,
        subject="Repris",
        amount_ht=Decimal("10"),
        issued_on=TODAY(),
        by=mdo_officer,
        number=f"BC-{year}-0041",
    )
    assert make_order(contract=framework, line=line_3e, by=mdo_officer).number == f"BC-{year}-0042"


# --- milestones ---------------------------------------------------------------------------


@pytest.fixture
def delivered_milestone(order_3e, mdo_officer):
    milestone = services.milestone_create(
        order=order_3e, label="Rapport de concertation", due_on=TODAY() - days(30), by=mdo_officer
    )
    return services.milestone_deliver(milestone=milestone, delivered_on=TODAY() - days(10), by=mdo_officer)


def test_milestone_value_defaults_to_the_order_amount(order_3e, mdo_officer):
    milestone = services.milestone_create(order=order_3e, label="Compte rendu", due_on=TODAY(), by=mdo_officer)
    assert milestone.amount_ht == order_3e.amount_ht
    assert milestone.contract == order_3e.contract


def test_late_days_are_counted_until_delivery(delivered_milestone):
    assert delivered_milestone.late_days == 20
    assert delivered_milestone.status == MilestoneStatus.DELIVERED


def test_colleague_certifies_service_fait(delivered_milestone, other_mdo_officer):
    milestone = services.milestone_certify(milestone=delivered_milestone, by=other_mdo_officer)
    assert milestone.status == MilestoneStatus.CERTIFIED
    assert milestone.service_done_by == other_mdo_officer
    assert milestone.service_done_on == TODAY()


def test_issuer_cannot_certify_own_order(delivered_milestone, mdo_officer):
    with pytest.raises(ValidationError) as error:
        services.milestone_certify(milestone=delivered_milestone, by=mdo_officer)
    assert "un·e autre agent·e" in error.value.message_dict["service_done_by"][0]
    delivered_milestone.refresh_from_db()
    assert delivered_milestone.status == MilestoneStatus.DELIVERED


def test_only_mdo_staff_certify(delivered_milestone, town_hall_agent, director):
    for user in (town_hall_agent, director):
        with pytest.raises(ValidationError):
            services.milestone_certify(milestone=delivered_milestone, by=user)


def test_undelivered_milestone_cannot_be_certified(order_3e, mdo_officer, other_mdo_officer):
    milestone = services.milestone_create(order=order_3e, label="Synthèse", due_on=TODAY(), by=mdo_officer)
    with pytest.raises(ValidationError) as error:
        services.milestone_certify(milestone=milestone, by=other_mdo_officer)
    assert "livré" in error.value.message_dict["service_done_on"][0]


def test_penalty_proposed_then_applied(mdo_officer, mdo_manager, line_3e):
    contract = make_contract(by=mdo_officer, kind=ContractKind.FRAMEWORK_ORDERS, max_amount_ht=Decimal("200000"))
    order = make_order(contract=contract, line=line_3e, by=mdo_officer, amount_ht=Decimal("50000"))
    milestone = services.milestone_create(
        order=order, label="Livraison des bancs", due_on=TODAY() - days(40), by=mdo_officer
    )
    milestone = services.milestone_deliver(milestone=milestone, delivered_on=TODAY() - days(10), by=mdo_officer)
    assert services.milestone_penalty(milestone).amount == Decimal("1500.00")  # 50 000 × 30 / 1000
    with pytest.raises(ValidationError) as error:  # the vendor is told first
        services.milestone_penalty_apply(milestone=milestone, by=mdo_manager)
    assert "courrier" in error.value.message_dict["penalty"][0]
    milestone = services.milestone_penalty_notify(milestone=milestone, sent_on=TODAY(), by=mdo_manager)
    milestone = services.milestone_penalty_observations(
        milestone=milestone, received_on=TODAY(), text="Aucune", by=mdo_manager
    )
    milestone = services.milestone_penalty_apply(milestone=milestone, by=mdo_manager)
    assert milestone.penalty == Decimal("1500.00")
    assert milestone.penalty_decision == PenaltyDecision.APPLIED
    with pytest.raises(ValidationError):
        services.milestone_penalty_waive(milestone=milestone, reason="Trop tard", by=mdo_manager)


def test_penalty_waived_with_a_reason(delivered_milestone, mdo_manager):
    with pytest.raises(ValidationError) as error:
        services.milestone_penalty_waive(milestone=delivered_milestone, reason="", by=mdo_manager)
    assert "penalty_reason" in error.value.message_dict
    milestone = services.milestone_penalty_waive(
        milestone=delivered_milestone, reason="Retard dû à la ville", by=mdo_manager
    )
    assert milestone.penalty_decision == PenaltyDecision.WAIVED
    assert milestone.penalty == Decimal("0.00")


def test_penalty_under_1000_euros_cannot_be_applied(delivered_milestone, mdo_manager):
    # 20 000 × 20 / 1000 = 400 € ≤ 1 000 €: exempted
    with pytest.raises(ValidationError):
        services.milestone_penalty_apply(milestone=delivered_milestone, by=mdo_manager)


# --- invoices -----------------------------------------------------------------------------


def test_invoice_due_date_is_received_plus_30_days(order_3e, mdo_officer):
    received_on = order_3e.issued_on + datetime.timedelta(days=3)
    invoice = services.invoice_create(
        order=order_3e, number="F-2026-118", received_on=received_on, amount_ht=Decimal("5000"), by=mdo_officer
    )
    assert invoice.due_on == received_on + datetime.timedelta(days=30)
    assert invoice.amount_ttc == Decimal("6000.00")


def test_invoice_refused_above_the_order_cumulated(order_3e, mdo_officer):
    services.invoice_create(
        order=order_3e, number="F-1", received_on=TODAY(), amount_ht=Decimal("15000"), by=mdo_officer
    )
    with pytest.raises(ValidationError) as error:
        services.invoice_create(
            order=order_3e, number="F-2", received_on=TODAY(), amount_ht=Decimal("5000.01"), by=mdo_officer
        )
    assert "au-delà de son montant" in error.value.message_dict["amount_ht"][0]
    assert Invoice.objects.count() == 1
    services.invoice_create(
        order=order_3e, number="F-2", received_on=TODAY(), amount_ht=Decimal("5000"), by=mdo_officer
    )


def test_invoice_number_unique_per_order(order_3e, mdo_officer):
    services.invoice_create(order=order_3e, number="F-1", received_on=TODAY(), amount_ht=Decimal("10"), by=mdo_officer)
    with pytest.raises(ValidationError) as error:
        services.invoice_create(
            order=order_3e, number="F-1", received_on=TODAY(), amount_ht=Decimal("10"), by=mdo_officer
        )
    assert "number" in error.value.message_dict


def test_invoice_suspended_once_with_a_reason_then_resumed(order_3e, mdo_officer):
    invoice = services.invoice_create(
        order=order_3e, number="F-9", received_on=TODAY() - days(20), amount_ht=Decimal("100"), by=mdo_officer
    )
    with pytest.raises(ValidationError):
        services.invoice_suspend(invoice=invoice, on=TODAY() - days(15), reason="", by=mdo_officer)
    invoice = services.invoice_suspend(invoice=invoice, on=TODAY() - days(15), reason="RIB manquant", by=mdo_officer)
    assert invoice.is_suspended and invoice.late_days == 0
    invoice = services.invoice_resume(invoice=invoice, on=TODAY() - days(5), by=mdo_officer)
    # 25 days remained at the suspension: due 25 days after the resumption
    assert invoice.due_on == TODAY() + days(20)
    with pytest.raises(ValidationError) as error:
        services.invoice_suspend(invoice=invoice, on=TODAY(), reason="Encore", by=mdo_officer)
    assert "qu'une fois" in error.value.message_dict["suspension_reason"][0]


def test_late_invoice_flags_interest(order_3e, mdo_officer, other_mdo_officer):
    from vendors.selectors import invoice_interest

    invoice = services.invoice_create(
        order=order_3e, number="F-10", received_on=TODAY() - days(50), amount_ht=Decimal("10000"), by=mdo_officer
    )
    assert invoice.is_late and invoice.late_days == 20
    enter_ecb_rate(due_on=invoice.due_on)
    interest = invoice_interest(invoice)
    assert interest.days == 20 and interest.flat_fee == Decimal("40.00")
    assert interest.total > Decimal("40.00")
    certify_service_done(order_3e, certifier=other_mdo_officer, delivered_on=order_3e.issued_on)
    invoice = services.invoice_pay(invoice=invoice, paid_on=TODAY() - days(25), by=mdo_officer)
    assert not invoice.is_late


def test_payment_date_cannot_precede_reception(order_3e, mdo_officer):
    invoice = services.invoice_create(
        order=order_3e, number="F-11", received_on=TODAY(), amount_ht=Decimal("10"), by=mdo_officer
    )
    with pytest.raises(ValidationError) as error:
        services.invoice_pay(invoice=invoice, paid_on=TODAY() - days(1), by=mdo_officer)
    assert "paid_on" in error.value.message_dict


def test_certification_date_cannot_be_in_the_future(delivered_milestone, other_mdo_officer):
    with pytest.raises(ValidationError) as error:
        services.milestone_certify(milestone=delivered_milestone, by=other_mdo_officer, on=TODAY() + days(1))
    assert "future" in error.value.message_dict["service_done_on"][0]


def test_invoice_cannot_be_received_before_the_order(order_3e, mdo_officer):
    with pytest.raises(ValidationError) as error:
        services.invoice_create(
            order=order_3e,
            number="F-0",
            received_on=order_3e.issued_on - days(1),
            amount_ht=Decimal("10"),
            by=mdo_officer,
        )
    assert "avant l'émission du bon" in error.value.message_dict["received_on"][0]


def test_add_months_clamps_to_the_month_end():
    from vendors.models import add_months

    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 12, 31), 12) == datetime.date(2027, 12, 31)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_an_order_cannot_be_redated_out_of_its_numbers_year(mdo_officer, line_3e):
    today = TODAY()
    contract = make_contract(by=mdo_officer, starts_on=today - datetime.timedelta(days=800))
    order = make_order(contract=contract, line=line_3e, by=mdo_officer, issued_on=datetime.date(today.year, 1, 1))
    assert order.number.startswith(f"BC-{today.year}-")
    with pytest.raises(ValidationError) as error:
        services.purchase_order_update(
            order=order, by=mdo_officer, subject="Atelier", issued_on=datetime.date(today.year - 1, 12, 31)
        )
    assert f"numéroté en {today.year}" in error.value.message_dict["issued_on"][0]
    order.refresh_from_db()
    assert order.issued_on == datetime.date(today.year, 1, 1) and order.subject == "Atelier de quartier"
    # Within the year, the date may be corrected.
    services.purchase_order_update(order=order, by=mdo_officer, subject="Atelier", issued_on=today)
    order.refresh_from_db()
    assert order.issued_on == today and order.subject == "Atelier"
