"""One money chain, walked through the real URLs: order → milestones → delivery → service fait →
invoice → payment, the payment being the budget's mandat; then the CCAG 2021 penalties of an order."""

import datetime
import html
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budgets import services as budget_services
from budgets.models import BudgetLine, Commitment, Payment
from mdo.forms import parse_amount
from tests.helpers import excel_csv_rows
from tests.pdfua import house_pdf_failures
from tests.vendors.factories import make_contract, make_order
from vendors import services
from vendors.enums import PenaltyDecision
from vendors.models import Invoice, Milestone, PurchaseOrder

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def iso(day) -> str:
    return day.strftime("%Y-%m-%d")


def page(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def _milestone(client, order, label, amount, due):
    response = client.post(
        f"/vendors/orders/{order.pk}/milestones/", {"label": label, "due_on": iso(due), "amount_ht": amount}
    )
    assert response.status_code == 302, page(response)[:3000]
    return Milestone.objects.get(order=order, label=label)


@pytest.fixture
def order(client, mdo_officer, framework, line_3e):
    """10 000 € HT (12 000 € TTC), issued 60 days ago by the officer, with two milestones entered on its page."""
    order = make_order(
        contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("10000.00"), issued_on=TODAY() - days(60)
    )
    client.force_login(mdo_officer)
    _milestone(client, order, "Diagnostic", "4000,00", TODAY() - days(20))
    _milestone(client, order, "Restitution", "6000", TODAY() + days(20))
    return order


def test_the_chain_through_the_urls_and_one_paid_figure_everywhere(
    client, mdo_officer, other_mdo_officer, order, line_3e
):
    diagnostic, restitution = order.milestones.order_by("due_on")
    assert (
        client.post(
            f"/vendors/milestones/{diagnostic.pk}/deliver/", {"delivered_on": iso(TODAY() - days(25))}
        ).status_code
        == 302
    )
    client.force_login(other_mdo_officer)  # the service fait is certified by an agent other than the issuer
    assert (
        client.post(
            f"/vendors/milestones/{diagnostic.pk}/certify/", {"service_done_on": iso(TODAY() - days(24))}
        ).status_code
        == 302
    )
    response = client.post(
        f"/vendors/orders/{order.pk}/invoices/",
        {
            "number": "FA-0042",
            "received_on": iso(TODAY() - days(20)),
            "amount_ht": "4000,00",
            "milestones": [diagnostic.pk],
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(number="FA-0042")
    assert invoice.amount_ttc == Decimal("4800.00") and list(invoice.milestones.all()) == [diagnostic]
    assert client.post(f"/vendors/invoices/{invoice.pk}/pay/", {"paid_on": iso(TODAY() - days(5))}).status_code == 302

    invoice.refresh_from_db()
    payment = Payment.objects.get()
    assert invoice.payment == payment
    assert (payment.commitment, payment.amount, payment.reference, payment.paid_on) == (
        order.commitment,
        Decimal("4800.00"),
        "FA-0042",
        TODAY() - days(5),
    )

    # The same paid figure on the project page, the budget line, the summary, the export and the PDF report.
    project_page = page(client.get(line_3e.project.get_absolute_url()))
    assert 'data-testid="orders-paid-ttc">4 800,00 €' in project_page
    line_page = client.get(f"/budgets/lines/{line_3e.pk}/")
    assert line_page.context["line"].paid_total == Decimal("4800.00")
    assert "FA-0042" in page(line_page)
    assert BudgetLine.objects.with_amounts().get(pk=line_3e.pk).paid_total == Decimal("4800.00")
    summary = client.get("/budgets/summary/", {"year": line_3e.fiscal_year}).context["summary"]
    assert summary.total.paid == Decimal("4800.00")
    header, *rows = excel_csv_rows(client.get("/budgets/", {"_export": "csv"}))
    exported = {row[header.index("Libellé")]: row for row in rows}
    assert parse_amount(exported[line_3e.label][header.index("Mandaté")]) == Decimal("4800.00")
    orders = {row[0]: row for row in excel_csv_rows(client.get("/vendors/orders/", {"_export": "csv"}))[1:]}
    assert order.number in orders
    from pypdf import PdfReader

    report = client.get("/budgets/report.pdf", {"year": line_3e.fiscal_year})
    report_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(report.content)).pages)
    assert "4 800,00" in report_text.replace("\u202f", " ").replace("\xa0", " ")
    assert PurchaseOrder.objects.with_invoiced().get(pk=order.pk).paid_ttc == line_3e.paid_total == Decimal("4800.00")


def test_payment_refused_before_the_service_fait_is_certified(client, mdo_officer, other_mdo_officer, order):
    diagnostic, restitution = order.milestones.order_by("due_on")
    invoice = services.invoice_create(
        order=order,
        number="FA-7",
        received_on=TODAY() - days(2),
        amount_ht=Decimal("4000"),
        by=mdo_officer,
        milestones=[diagnostic],
    )
    response = client.post(f"/vendors/invoices/{invoice.pk}/pay/", {"paid_on": iso(TODAY())})
    assert response.status_code == 400
    assert "Le service fait du jalon facturé n'est pas certifié : « Diagnostic » (à livrer)." in page(response)
    services.milestone_deliver(milestone=diagnostic, delivered_on=TODAY(), by=mdo_officer)
    response = client.post(f"/vendors/invoices/{invoice.pk}/pay/", {"paid_on": iso(TODAY())})
    assert "« Diagnostic » (livré, à certifier)" in page(response)
    invoice.refresh_from_db()
    assert invoice.paid_on is None and invoice.payment is None and not Payment.objects.exists()
    # An invoice naming no milestone bills them all: the restitution is still missing.
    services.milestone_certify(milestone=diagnostic, by=other_mdo_officer)
    whole = services.invoice_create(
        order=order, number="FA-8", received_on=TODAY(), amount_ht=Decimal("100"), by=mdo_officer
    )
    with pytest.raises(ValidationError) as error:
        services.invoice_pay(invoice=whole, paid_on=TODAY(), by=mdo_officer)
    assert (
        "« Restitution »" in error.value.message_dict["paid_on"][0]
        and "Diagnostic" not in error.value.message_dict["paid_on"][0]
    )
    assert services.invoice_pay(invoice=invoice, paid_on=TODAY(), by=mdo_officer).payment.amount == Decimal("4800.00")


def test_an_order_without_milestone_has_no_recorded_delivery(mdo_officer, framework, line_3e):
    bare = make_order(
        contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("500"), issued_on=TODAY() - days(3)
    )
    invoice = services.invoice_create(
        order=bare, number="F-1", received_on=TODAY(), amount_ht=Decimal("500"), by=mdo_officer
    )
    with pytest.raises(ValidationError) as error:
        services.invoice_pay(invoice=invoice, paid_on=TODAY(), by=mdo_officer)
    assert "aucune livraison n'y est enregistrée" in error.value.message_dict["paid_on"][0]


def test_invoices_never_exceed_the_order_ttc(client, mdo_officer, order):
    services.invoice_create(order=order, number="F-1", received_on=TODAY(), amount_ht=Decimal("4000"), by=mdo_officer)
    response = client.post(
        f"/vendors/orders/{order.pk}/invoices/",
        {"number": "F-2", "received_on": iso(TODAY()), "amount_ht": "6000", "amount_ttc": "7300,00"},
    )
    assert response.status_code == 400
    assert response.context["invoice_form"].errors["amount_ttc"] == [
        "Cette facture porterait le total facturé du bon à 12\xa0100,00 € TTC, au-delà de son montant "
        "(12\xa0000,00 € TTC ; déjà facturé 4\xa0800,00 € TTC)."
    ]
    assert order.invoices.count() == 1
    assert (
        client.post(
            f"/vendors/orders/{order.pk}/invoices/",
            {"number": "F-2", "received_on": iso(TODAY()), "amount_ht": "6000", "amount_ttc": "7200"},
        ).status_code
        == 302
    )


def test_an_invoice_bills_only_milestones_of_its_order(mdo_officer, framework, line_3e, order):
    other = make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("500"))
    foreign = services.milestone_create(order=other, label="Ailleurs", due_on=TODAY(), by=mdo_officer)
    with pytest.raises(ValidationError) as error:
        services.invoice_create(
            order=order,
            number="F-X",
            received_on=TODAY(),
            amount_ht=Decimal("10"),
            by=mdo_officer,
            milestones=[foreign],
        )
    assert "milestones" in error.value.message_dict and not Invoice.objects.exists()


def test_an_order_commitment_is_mandated_only_through_its_invoices(mdo_officer, order):
    with pytest.raises(ValidationError) as error:
        budget_services.payment_create(
            commitment=order.commitment, amount=Decimal("10"), paid_on=TODAY(), reference="M-1", by=mdo_officer
        )
    assert "au paiement de chaque facture" in error.value.message_dict["commitment"][0]
    assert not Payment.objects.exists()


def test_a_released_commitment_leaves_the_engaged_totals(mdo_officer, mdo_manager, line_3e):
    commitment = budget_services.commitment_create(
        budget_line=line_3e, amount=Decimal("1000"), committed_on=TODAY(), by=mdo_manager
    )
    before = BudgetLine.objects.get(pk=line_3e.pk)
    assert before.committed_total == Decimal("1000.00")
    budget_services.commitment_release(commitment=commitment, on=TODAY(), by=mdo_manager)
    after = BudgetLine.objects.with_amounts().get(pk=line_3e.pk)
    assert after.committed_total == BudgetLine.objects.get(pk=line_3e.pk).committed_total == Decimal("0.00")
    assert after.available == line_3e.amount_ttc
    assert Commitment.objects.engaged().count() == 0
    with pytest.raises(ValidationError):
        budget_services.payment_create(
            commitment=commitment, amount=Decimal("1"), paid_on=TODAY(), reference="M", by=mdo_manager
        )


# --- milestones' values ------------------------------------------------------------------------


def test_a_milestone_never_exceeds_what_remains_of_its_order(client, mdo_officer, order):
    response = client.post(
        f"/vendors/orders/{order.pk}/milestones/", {"label": "Bonus", "due_on": iso(TODAY()), "amount_ht": "1,00"}
    )
    assert response.status_code == 400
    assert "aucun autre ne peut s'y ajouter" in response.context["milestone_form"].errors["amount_ht"][0]
    roomy = make_order(
        contract=order.contract, line=order.commitment.budget_line, by=mdo_officer, amount_ht=Decimal("1000")
    )
    services.milestone_create(order=roomy, label="A", due_on=TODAY(), by=mdo_officer, amount_ht=Decimal("600"))
    response = client.post(
        f"/vendors/orders/{roomy.pk}/milestones/", {"label": "B", "due_on": iso(TODAY()), "amount_ht": "400,01"}
    )
    assert response.context["milestone_form"].errors["amount_ht"] == [
        "La valeur du jalon ne peut dépasser ce qui reste du bon de commande : 400,00 € HT "
        "(montant 1\xa0000,00 € HT, déjà 600,00 € HT en jalons)."
    ]
    assert services.milestone_create(order=roomy, label="B", due_on=TODAY(), by=mdo_officer).amount_ht == Decimal(
        "400.00"
    )


# --- CCAG 2021 penalties ------------------------------------------------------------------------


@pytest.fixture
def three_late(mdo_officer, line_3e):
    """A 40 000 € order whose three milestones of 13 333,33 € (and the rest) were each delivered 300 days late, 20 days ago."""
    contract = make_contract(by=mdo_officer, max_amount_ht=Decimal("500000"), starts_on=TODAY() - days(500))
    order = make_order(
        contract=contract, line=line_3e, by=mdo_officer, amount_ht=Decimal("40000"), issued_on=TODAY() - days(400)
    )
    milestones = []
    for n, amount in enumerate(("13333.33", "13333.33", "13333.34")):
        milestone = services.milestone_create(
            order=order, label=f"Lot {n + 1}", due_on=TODAY() - days(320), by=mdo_officer, amount_ht=Decimal(amount)
        )
        milestones.append(
            services.milestone_deliver(milestone=milestone, delivered_on=TODAY() - days(20), by=mdo_officer)
        )
    return order, milestones


def _notify_and_apply(client, milestone, sent_on):
    assert (
        client.post(
            f"/vendors/milestones/{milestone.pk}/penalty/notify/", {"penalty_notice_sent_on": iso(sent_on)}
        ).status_code
        == 302
    )
    response = client.post(f"/vendors/milestones/{milestone.pk}/penalty/decide/", {"penalty_decision": "applied"})
    assert response.status_code == 302, page(response)[:3000]
    milestone.refresh_from_db()
    return milestone


def test_three_late_milestones_are_capped_at_10_percent_of_the_order(client, mdo_manager, three_late):
    order, (first, second, third) = three_late
    # Each alone: 13 333,33 × 300 / 1000 = 4 000 € — the order's cap (10 % of 40 000 €) for all three together.
    assert services.milestone_penalty(first).raw == Decimal("4000.00")
    client.force_login(mdo_manager)
    first = _notify_and_apply(client, first, TODAY() - days(16))  # 16 days ago: the observations' delay has run out
    assert first.penalty == Decimal("4000.00")
    proposal = services.milestone_penalty(second)
    assert proposal.capped and proposal.amount == Decimal("0.00")
    response = client.post(f"/vendors/milestones/{second.pk}/penalty/notify/", {"penalty_notice_sent_on": iso(TODAY())})
    assert response.status_code == 400 and "plafond de 10 % du bon est déjà atteint" in page(response)
    total = sum(Milestone.objects.filter(order=order).values_list("penalty", flat=True))
    assert total == Decimal("4000.00") == order.amount_ht / 10


def test_notices_of_one_order_share_its_cap(mdo_manager, three_late):
    order, (first, second, third) = three_late
    services.milestone_penalty_notify(milestone=first, sent_on=TODAY(), by=mdo_manager)
    # The first notice holds the whole cap until it is decided: the second has nothing left to notify.
    assert services.milestone_penalty(second).amount == Decimal("0.00")


def test_the_exemption_is_judged_on_the_order_total(mdo_officer, mdo_manager, line_3e, framework):
    order = make_order(
        contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("30000"), issued_on=TODAY() - days(100)
    )
    small = []
    for label in ("Esquisse", "Plan"):
        milestone = services.milestone_create(
            order=order, label=label, due_on=TODAY() - days(70), by=mdo_officer, amount_ht=Decimal("10000")
        )
        small.append(services.milestone_deliver(milestone=milestone, delivered_on=TODAY() - days(10), by=mdo_officer))
    # 10 000 × 60 / 1000 = 600 € each: alone under 1 000 €, together 1 200 € — no exemption.
    proposal = services.milestone_penalty(small[0])
    assert proposal.raw == Decimal("600.00") and not proposal.exempted and proposal.amount == Decimal("600.00")
    lone = make_order(
        contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("30000"), issued_on=TODAY() - days(100)
    )
    milestone = services.milestone_create(
        order=lone, label="Seul", due_on=TODAY() - days(70), by=mdo_officer, amount_ht=Decimal("10000")
    )
    milestone = services.milestone_deliver(milestone=milestone, delivered_on=TODAY() - days(10), by=mdo_officer)
    assert services.milestone_penalty(milestone).exempted  # 600 € in all on that order
    with pytest.raises(ValidationError) as error:
        services.milestone_penalty_notify(milestone=milestone, sent_on=TODAY(), by=mdo_manager)
    assert "exonération" in error.value.message_dict["penalty_notice_sent_on"][0]


def test_notice_then_observations_then_a_reduced_decision_all_in_the_history(client, mdo_manager, three_late):
    order, (first, *_rest) = three_late
    client.force_login(mdo_manager)
    # Before the notice nothing can be applied.
    response = client.post(f"/vendors/milestones/{first.pk}/penalty/decide/", {"penalty_decision": "applied"})
    assert response.status_code == 400 and "Le titulaire doit d'abord être informé" in page(response)

    from pypdf import PdfReader

    letter = client.get(f"/vendors/milestones/{first.pk}/penalty/notice.pdf")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    letter_text = (
        "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages)
        .replace("\u202f", " ")
        .replace("\xa0", " ")
    )
    assert (
        "Pénalités de retard envisagées" in letter_text and "4 000,00 € HT" in letter_text and "15 jours" in letter_text
    )
    assert order.contract.vendor.name in letter_text
    assert house_pdf_failures(letter.content) == []  # tagged, PDF/A-3b, the shared footer

    assert (
        client.post(
            f"/vendors/milestones/{first.pk}/penalty/notify/", {"penalty_notice_sent_on": iso(TODAY() - days(2))}
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert (first.penalty_notice_sent_on, first.penalty_notice_amount, first.penalty_notice_sent_by) == (
        TODAY() - days(2),
        Decimal("4000.00"),
        mdo_manager,
    )
    # Within the 15 days and without observations: the decision waits.
    response = client.post(f"/vendors/milestones/{first.pk}/penalty/decide/", {"penalty_decision": "applied"})
    assert response.status_code == 400 and f"jusqu'au {first.observations_until:%d/%m/%Y}" in page(response)
    late = client.post(
        f"/vendors/milestones/{first.pk}/penalty/observations/",
        {"penalty_observations_on": iso(TODAY() + days(1)), "penalty_observations": "x"},
    )
    assert late.status_code == 400 and "futur" in page(late)
    assert (
        client.post(
            f"/vendors/milestones/{first.pk}/penalty/observations/",
            {
                "penalty_observations_on": iso(TODAY()),
                "penalty_observations": "Accès au site fermé deux semaines par la ville.",
            },
        ).status_code
        == 302
    )
    no_reason = client.post(
        f"/vendors/milestones/{first.pk}/penalty/decide/", {"penalty_decision": "reduced", "penalty": "1500"}
    )
    assert no_reason.status_code == 400 and "Le motif de la réduction est obligatoire." in page(no_reason)
    too_much = client.post(
        f"/vendors/milestones/{first.pk}/penalty/decide/",
        {"penalty_decision": "reduced", "penalty": "4000", "penalty_reason": "x"},
    )
    assert too_much.status_code == 400
    first.refresh_from_db()
    assert first.penalty_decision == PenaltyDecision.NONE and first.penalty == Decimal("0.00")
    assert (
        client.post(
            f"/vendors/milestones/{first.pk}/penalty/decide/",
            {
                "penalty_decision": "reduced",
                "penalty": "1500,00",
                "penalty_reason": "Fermeture du site imputable à la ville",
            },
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert (first.penalty_decision, first.penalty, first.penalty_decided_by) == (
        PenaltyDecision.REDUCED,
        Decimal("1500.00"),
        mdo_manager,
    )
    # Every step is in the milestone's history, shown on its page.
    steps = list(
        first.history.order_by("history_date").values_list(
            "penalty_notice_sent_on", "penalty_observations_on", "penalty_decision"
        )
    )
    assert steps[-3:] == [
        (TODAY() - days(2), None, ""),
        (TODAY() - days(2), TODAY(), ""),
        (TODAY() - days(2), TODAY(), "reduced"),
    ]
    detail = page(client.get(first.get_absolute_url()))
    assert "Accès au site fermé deux semaines" in detail and "Réduite (1 500,00 € HT)" in detail


def test_waiver_needs_no_notice_but_a_reason(client, mdo_manager, three_late):
    _order, (first, *_rest) = three_late
    client.force_login(mdo_manager)
    assert (
        client.post(f"/vendors/milestones/{first.pk}/penalty/decide/", {"penalty_decision": "waived"}).status_code
        == 400
    )
    assert (
        client.post(
            f"/vendors/milestones/{first.pk}/penalty/decide/",
            {"penalty_decision": "waived", "penalty_reason": "Retard dû à la ville"},
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.penalty_decision == PenaltyDecision.WAIVED


def test_penalty_views_answer_404_out_of_scope_and_403_to_a_wrong_role(
    client, other_town_hall_agent, town_hall_agent, three_late
):
    _order, (first, *_rest) = three_late
    urls = [
        (f"/vendors/milestones/{first.pk}/penalty/{action}/", "post") for action in ("notify", "observations", "decide")
    ]
    urls.append((f"/vendors/milestones/{first.pk}/penalty/notice.pdf", "get"))
    data = {
        "penalty_notice_sent_on": iso(TODAY()),
        "penalty_decision": "waived",
        "penalty_reason": "x",
        "penalty_observations_on": iso(TODAY()),
        "penalty_observations": "x",
    }
    for user, status in ((other_town_hall_agent, 404), (town_hall_agent, 403)):  # the 3rd district's agent sees it
        client.force_login(user)
        for url, method in urls:
            response = client.post(url, data) if method == "post" else client.get(url)
            assert response.status_code == status, (user, url)
    first.refresh_from_db()
    assert first.penalty_notice_sent_on is None and first.penalty_decision == PenaltyDecision.NONE


def test_milestone_page_costs_the_same_whatever_the_order_milestones(client, mdo_manager, three_late, mdo_officer):
    from tests.helpers import assert_constant_queries

    order, (first, *_rest) = three_late
    client.force_login(mdo_manager)
    order.amount_ht = Decimal("400000")  # room for more milestones in the same order
    PurchaseOrder.objects.filter(pk=order.pk).update(amount_ht=order.amount_ht, amount_ttc=Decimal("480000"))

    def grow():
        for n in range(5):
            m = services.milestone_create(
                order=order, label=f"Extra {n}", due_on=TODAY() - days(30), by=mdo_officer, amount_ht=Decimal("100")
            )
            services.milestone_deliver(milestone=m, delivered_on=TODAY(), by=mdo_officer)

    assert_constant_queries(client, first.get_absolute_url(), grow)
