import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, screenshot
from tests.browser.test_finding import pick
from tests.factories import TEST_PASSWORD
from tests.vendors.factories import ProjectFactory, approved_line, make_contract
from vendors.models import Invoice, Milestone, PurchaseOrder

pytestmark = pytest.mark.django_db(transaction=True)


def test_order_on_framework_certified_by_a_colleague_then_invoiced(page, mdo_officer, other_mdo_officer, mdo_manager):
    line = approved_line(
        project=ProjectFactory(title="Végétalisation de la place Guichard", district=3), requester=mdo_manager
    )
    framework = make_contract(by=mdo_manager, reference="2026-AC-042", max_amount_ht=Decimal("150000"))
    today = timezone.localdate()

    # The officer issues an order on the framework agreement.
    login(page, "camille", TEST_PASSWORD)
    page.goto(framework.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("link", name="Émettre un bon de commande").click()
    assert_accessible(page)
    pick(page, "Ligne budgétaire (imputation)", "guichard", "Végétalisation de la place Guichard")
    page.keyboard.press("Tab")  # leaves the picker, its list closed, as a keyboard user does
    page.keyboard.type("Ateliers de co-conception — Guichard")
    page.get_by_label("Montant HT (€)").fill("12500.00")
    page.get_by_role("button", name="Émettre le bon de commande").click()
    page.wait_for_url("**/vendors/orders/*/")
    screenshot(page, "vendors-order-sent")
    order = PurchaseOrder.objects.get()
    assert order.commitment.budget_line == line
    page.wait_for_url(f"**{order.get_absolute_url()}")
    expect(page.get_by_role("heading", name=f"Bon de commande {order.number}")).to_be_visible()

    # …with a deliverable, delivered today.
    page.get_by_text("Ajouter un jalon").click()
    page.get_by_label("Livrable").fill("Compte rendu des ateliers")
    page.get_by_label("Échéance").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Ajouter le jalon").click()
    page.get_by_role("link", name="Compte rendu des ateliers").click()
    page.get_by_role("button", name="Déclarer livré").click()
    expect(page.get_by_test_id("milestone-status")).to_contain_text("Livré, à certifier", use_inner_text=True)
    expect(page.get_by_text("un·e autre agent·e de la MDO doit certifier")).to_be_visible()
    assert_accessible(page)

    # A colleague certifies the service fait from the "À certifier" queue.
    page.context.clear_cookies()
    login(page, "leo", TEST_PASSWORD)
    page.goto("/vendors/milestones/to-certify/")
    assert_accessible(page)
    page.get_by_role("link", name="Compte rendu des ateliers").click()
    page.get_by_role("button", name="Certifier le service fait").click()
    expect(page.get_by_test_id("milestone-status")).to_contain_text("Service fait certifié", use_inner_text=True)
    assert Milestone.objects.get().service_done_by == other_mdo_officer

    # The invoice is recorded and shows its due date (received + 30 days).
    page.goto(order.get_absolute_url())
    page.get_by_text("Enregistrer une facture").click()
    page.get_by_label("Numéro de facture").fill("FA-2026-0311")
    page.get_by_label("Montant HT (€)").fill("12500")
    page.get_by_role("button", name="Enregistrer la facture").click()
    invoice = Invoice.objects.get()
    page.wait_for_url(f"**{invoice.get_absolute_url()}")
    due = (today + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert due in page.get_by_test_id("due-on").inner_text()
    assert_accessible(page)
    screenshot(page, "vendors-invoice")
    page.goto(framework.get_absolute_url())
    screenshot(page, "vendors-contract")
    assert_accessible(page)


def test_vendors_lists_are_accessible(page, mdo_officer, other_mdo_officer, mdo_manager):
    from vendors import services

    line = approved_line(project=ProjectFactory(district=3), requester=mdo_manager)
    framework = make_contract(by=mdo_manager, reference="2026-AC-043")
    order = services.purchase_order_create(
        contract=framework,
        budget_line=line,
        subject="Atelier",
        amount_ht=Decimal("900"),
        issued_on=timezone.localdate() - datetime.timedelta(days=60),
        by=mdo_officer,
    )
    milestone = services.milestone_create(
        order=order, label="Synthèse", due_on=timezone.localdate() - datetime.timedelta(days=3), by=mdo_officer
    )
    services.milestone_deliver(milestone=milestone, delivered_on=timezone.localdate(), by=mdo_officer)
    services.invoice_create(
        order=order,
        number="F-1",
        received_on=timezone.localdate() - datetime.timedelta(days=40),
        amount_ht=Decimal("100"),
        by=mdo_officer,
    )
    contact = services.vendor_contact_create(
        vendor=framework.vendor, name="Claire Dubois", role="Cheffe de projet", by=mdo_officer
    )
    login(page, "leo", TEST_PASSWORD)
    for path in [
        "/vendors/",
        "/vendors/contracts/",
        "/vendors/orders/",
        "/vendors/milestones/",
        "/vendors/milestones/to-certify/",
        "/vendors/invoices/",
        framework.vendor.get_absolute_url(),
        milestone.get_absolute_url(),
        "/vendors/import/",
        "/",
        # The MDO's edit pages.
        f"/vendors/{framework.vendor_id}/edit/",
        f"/vendors/contacts/{contact.pk}/edit/",
        f"/vendors/contracts/{framework.pk}/edit/",
        f"/vendors/orders/{order.pk}/edit/",
    ]:
        page.goto(path)
        assert_accessible(page)
    screenshot(page, "vendors-order-edit")
    page.goto("/vendors/milestones/")
    screenshot(page, "vendors-milestones")
    # The project page's "Bons de commande et jalons" section.
    page.goto(line.project.get_absolute_url())
    section = page.get_by_test_id("vendors-section")
    assert order.number in section.inner_text()
    assert "Livré avec 3 jours de retard" in section.inner_text()
    assert_accessible(page)
    section.screenshot(path="test-artifacts/vendors-project-section.png")
