"""Each rule has one home (a queryset method and a model property side by side): the rule is pinned
once here, then the list filter, the page and the export are shown to agree on the same records."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from budgets.models import BudgetLine
from mdo.forms import parse_amount
from tests.helpers import excel_csv_rows
from tests.vendors.factories import VendorFactory, make_contract, make_order
from vendors import selectors, services
from vendors.enums import ContractKind
from vendors.models import Contract, Milestone, PurchaseOrder

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def _csv(response) -> list[dict]:
    header, *rows = excel_csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def euros_cell(cell: str) -> Decimal:
    return parse_amount(cell)


# --- contract validity, renewals included ---------------------------------------------------


@pytest.fixture
def renewed(mdo_officer):
    """Renewed once before its initial end, which passed 30 days ago: valid for 12 more months."""
    contract = make_contract(
        by=mdo_officer,
        reference="RENOUVELE",
        starts_on=TODAY() - days(400),
        ends_on=TODAY() - days(30),
        renewals_allowed=2,
    )
    return services.contract_renew(contract=contract, decided_on=TODAY() - days(45), by=mdo_officer)


@pytest.fixture
def ended(mdo_officer):
    return make_contract(
        by=mdo_officer, reference="ECHU", starts_on=TODAY() - days(400), ends_on=TODAY() - days(30), renewals_allowed=2
    )


@pytest.fixture
def not_started(mdo_officer):
    return make_contract(by=mdo_officer, reference="FUTUR", starts_on=TODAY() + days(10), ends_on=TODAY() + days(400))


def test_validity_rule_counts_renewals(renewed, ended, not_started):
    assert renewed.valid_until > TODAY() > renewed.ends_on
    valid = set(Contract.objects.valid().values_list("reference", flat=True))
    assert valid == {"RENOUVELE"}
    assert set(Contract.objects.not_valid().values_list("reference", flat=True)) == {"ECHU", "FUTUR"}
    for contract in Contract.objects.all():
        assert contract.is_valid == (contract.reference in valid)


def test_validity_filter_page_and_export_agree(client, mdo_officer, renewed, ended, not_started):
    client.force_login(mdo_officer)
    listed = {row.record.reference for row in client.get("/vendors/contracts/", {"valid": "yes"}).context["table"].rows}
    exported = _csv(client.get("/vendors/contracts/", {"valid": "yes", "_export": "csv"}))
    assert listed == {row["Référence"] for row in exported} == {"RENOUVELE"}
    assert exported[0]["En cours de validité"] == "Oui"
    assert exported[0]["Valide jusqu'au"] == renewed.valid_until.strftime("%d/%m/%Y")
    not_valid = {
        row.record.reference for row in client.get("/vendors/contracts/", {"valid": "no"}).context["table"].rows
    }
    assert not_valid == {"ECHU", "FUTUR"}
    assert "en cours de validité" in client.get(renewed.get_absolute_url()).text
    assert "échu" in client.get(ended.get_absolute_url()).text
    assert "pas encore commencé" in client.get(not_started.get_absolute_url()).text


def test_orders_follow_the_same_validity(mdo_officer, renewed, ended, line_3e):
    make_order(contract=renewed, line=line_3e, by=mdo_officer)  # valid thanks to its renewal
    with pytest.raises(ValidationError) as error:
        make_order(contract=ended, line=line_3e, by=mdo_officer)
    assert "issued_on" in error.value.message_dict


# --- late milestone -------------------------------------------------------------------------


@pytest.fixture
def milestones(mdo_officer, order_3e):
    def make(label, due, delivered=None):
        milestone = services.milestone_create(
            order=order_3e, label=label, due_on=TODAY() + days(due), by=mdo_officer, amount_ht=Decimal("1000.00")
        )
        if delivered is not None:
            services.milestone_deliver(milestone=milestone, delivered_on=TODAY() + days(delivered), by=mdo_officer)
        return milestone

    make("Non livré, échu", -10)
    make("Livré en retard", -20, delivered=-15)
    make("Livré à temps", -20, delivered=-25)
    make("À venir", 10)


def test_late_rule_is_delivered_after_due_or_still_undelivered_past_due(milestones):
    late = set(Milestone.objects.late().values_list("label", flat=True))
    assert late == {"Non livré, échu", "Livré en retard"}
    assert set(Milestone.objects.overdue().values_list("label", flat=True)) == {"Non livré, échu"}
    for milestone in Milestone.objects.all():
        assert milestone.is_late == (milestone.label in late)
        assert milestone.is_overdue == (milestone.label == "Non livré, échu")


def test_late_filter_export_vendor_page_and_stats_agree(client, mdo_officer, framework, milestones):
    client.force_login(mdo_officer)
    listed = {row.record.label for row in client.get("/vendors/milestones/", {"late": "yes"}).context["table"].rows}
    exported = {row["Livrable"] for row in _csv(client.get("/vendors/milestones/", {"late": "yes", "_export": "csv"}))}
    page = client.get(framework.vendor.get_absolute_url())
    on_page = {milestone.label for milestone in page.context["late_milestones"]}
    assert listed == exported == on_page == {"Non livré, échu", "Livré en retard"}
    assert page.context["stats"].milestones_late == 2 and page.context["stats"].milestones_on_time == 1
    not_late = {row.record.label for row in client.get("/vendors/milestones/", {"late": "no"}).context["table"].rows}
    assert not_late == {"Livré à temps", "À venir"}


# --- budget line available ------------------------------------------------------------------


def test_available_is_approved_ttc_less_committed_in_sql_and_on_the_model(client, mdo_officer, framework, line_3e):
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("1000.00"))  # 1 200 € TTC committed
    annotated = BudgetLine.objects.with_amounts().get(pk=line_3e.pk)
    fresh = BudgetLine.objects.get(pk=line_3e.pk)
    assert annotated.available == fresh.available == Decimal("498800.00")
    assert annotated.committed_total == fresh.committed_total == Decimal("1200.00")
    client.force_login(mdo_officer)
    assert client.get(f"/budgets/lines/{line_3e.pk}/").context["available"] == Decimal("498800.00")
    draft = BudgetLine.objects.create(
        fiscal_year=line_3e.fiscal_year,
        section="investment",
        chapter="21",
        nature="2128",
        function="823",
        label="Brouillon",
        amount_ht=Decimal("10"),
        amount_ttc=Decimal("12"),
        requester=mdo_officer,
    )
    assert draft.available is None and BudgetLine.objects.with_amounts().get(pk=draft.pk).available is None


def test_order_refused_beyond_what_remains_available(mdo_officer, framework, line_3e):
    line_3e.amount_ttc = Decimal("1200.00")
    line_3e.amount_ht = Decimal("1000.00")
    line_3e.save()
    make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("900.00"))  # 1 080 € TTC
    with pytest.raises(ValidationError) as error:
        make_order(contract=framework, line=line_3e, by=mdo_officer, amount_ht=Decimal("100.01"))  # 120,01 € > 120 €
    assert "(120,00 €)" in " ".join(error.value.message_dict["budget_line"])


# --- contract ceiling and ordered total -----------------------------------------------------


@pytest.fixture
def framework_with_subsequent(mdo_officer, line_3e):
    vendor = VendorFactory()
    parent = make_contract(
        by=mdo_officer, vendor=vendor, reference="AC-MS", kind=ContractKind.FRAMEWORK, max_amount_ht=Decimal("50000.00")
    )
    child = make_contract(
        by=mdo_officer,
        vendor=vendor,
        reference="AC-MS-01",
        kind=ContractKind.SUBSEQUENT,
        parent=parent,
        max_amount_ht=Decimal("20000.00"),
    )
    services.amendment_create(
        contract=parent, signed_on=TODAY() - days(1), amount_ht=Decimal("5000.00"), reason="Lot ajouté", by=mdo_officer
    )
    make_order(contract=child, line=line_3e, by=mdo_officer, amount_ht=Decimal("7000.00"))
    return parent, child


def test_ceiling_and_ordered_total_in_sql_and_on_the_model(framework_with_subsequent):
    parent, child = framework_with_subsequent
    annotated = {c.reference: c for c in Contract.objects.with_totals()}
    fresh = {c.reference: c for c in Contract.objects.all()}
    assert annotated["AC-MS"].ceiling_ht == fresh["AC-MS"].ceiling_ht == Decimal("55000.00")
    assert annotated["AC-MS"].ordered_ht == fresh["AC-MS"].ordered_ht == Decimal("7000.00")  # through its subsequent
    assert annotated["AC-MS-01"].ceiling_ht == fresh["AC-MS-01"].ceiling_ht == Decimal("20000.00")
    assert annotated["AC-MS-01"].ordered_ht == fresh["AC-MS-01"].ordered_ht == Decimal("7000.00")


def test_contract_list_export_and_page_agree_on_ceiling_and_ordered(
    client, mdo_officer, framework_with_subsequent, line_3e
):
    parent, child = framework_with_subsequent
    client.force_login(mdo_officer)
    exported = {row["Référence"]: row for row in _csv(client.get("/vendors/contracts/", {"_export": "csv"}))}
    consumption = client.get(parent.get_absolute_url()).context["consumption"]
    assert euros_cell(exported["AC-MS"]["Commandé HT"]) == consumption.ordered == Decimal("7000.00")
    assert (
        euros_cell(exported["AC-MS"]["Maximum HT"]) + euros_cell(exported["AC-MS"]["Avenants HT"])
        == consumption.ceiling
    )
    with pytest.raises(
        ValidationError
    ) as error:  # 20 000 on the subsequent contract: 7 000 ordered, 13 000.01 too much
        make_order(contract=child, line=line_3e, by=mdo_officer, amount_ht=Decimal("13000.01"))
    assert "maximum du marché AC-MS-01" in " ".join(error.value.message_dict["amount_ht"])


# --- order invoiced total -------------------------------------------------------------------


def test_invoiced_total_in_sql_on_the_model_page_and_export(client, mdo_officer, order_3e):
    for number, amount in (("F-1", "1500.00"), ("F-2", "2500.50")):
        services.invoice_create(
            order=order_3e, number=number, received_on=TODAY() - days(5), amount_ht=Decimal(amount), by=mdo_officer
        )
    assert PurchaseOrder.objects.with_invoiced().get(pk=order_3e.pk).invoiced_ht == Decimal("4000.50")
    assert PurchaseOrder.objects.get(pk=order_3e.pk).invoiced_ht == Decimal("4000.50")
    client.force_login(mdo_officer)
    page = client.get(order_3e.get_absolute_url()).context
    assert page["invoiced"] == Decimal("4000.50") and page["remaining"] == Decimal("15999.50")
    exported = {row["Numéro"]: row for row in _csv(client.get("/vendors/orders/", {"_export": "csv"}))}
    assert euros_cell(exported[order_3e.number]["Facturé HT"]) == Decimal("4000.50")
    with pytest.raises(ValidationError) as error:
        services.invoice_create(
            order=order_3e, number="F-3", received_on=TODAY(), amount_ht=Decimal("15999.51"), by=mdo_officer
        )
    assert "amount_ht" in error.value.message_dict


def test_vendor_stats_and_consumption_read_the_same_rules(mdo_officer, framework, order_3e):
    consumption = selectors.contract_consumption(Contract.objects.get(pk=framework.pk))
    annotated = Contract.objects.with_totals().get(pk=framework.pk)
    assert consumption.ordered == annotated.ordered_ht == Decimal("20000.00")
    assert consumption.ceiling == annotated.ceiling_ht == Decimal("100000.00")
