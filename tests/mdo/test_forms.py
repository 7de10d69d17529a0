"""One money field for every form: amounts typed the French way are accepted wherever money is typed."""

import datetime
import html
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.forms import BudgetLineForm, CommitmentForm, PaymentForm
from budgets.models import BudgetLine
from mdo.forms import MoneyField
from projects import forms as project_forms
from tests.vendors.factories import ProjectFactory, approved_line, make_contract
from vendors import forms as vendor_forms
from vendors.models import Invoice, PurchaseOrder

TODAY = timezone.localdate


@pytest.fixture
def line_3e(db, mdo_manager):
    return approved_line(project=ProjectFactory(district=3), requester=mdo_manager)


@pytest.mark.parametrize(
    "typed, amount",
    [
        ("1234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56 €", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1234.56", "1234.56"),
        (" 12 ", "12"),
        ("-500,5", "-500.5"),
    ],
)
def test_french_amounts_accepted(typed, amount):
    assert MoneyField().clean(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["douze", "1,2,3", "12,345", "NaN", "1e400"])
def test_unreadable_amounts_refused_in_french(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        MoneyField().clean(typed)
    assert any(word in " ".join(error.value.messages) for word in ("Saisissez un montant", "chiffres", "décimales"))


def test_money_field_is_a_text_input_for_decimals_shown_with_a_comma():
    field = MoneyField(min_value=Decimal("0.01"))
    rendered = field.widget.render("amount", Decimal("1234.5"), attrs=field.widget_attrs(field.widget))
    assert 'type="text"' in rendered and 'inputmode="decimal"' in rendered and 'value="1\xa0234,5"' in rendered
    assert field.clean("1\xa0234,5") == Decimal("1234.5")  # what is shown is read back


def _money_fields(form_class, **kwargs):
    form = form_class(**kwargs)
    money = {name for name, field in form.fields.items() if isinstance(field, MoneyField)}
    bare = {name for name, field in form.fields.items() if type(field).__name__ == "DecimalField"}
    return money, bare


@pytest.mark.django_db
def test_every_money_form_field_uses_the_one_class(mdo_officer):
    """No form keeps a bare DecimalField: each amount goes through MoneyField."""
    cases = [
        (vendor_forms.ContractForm, {"user": mdo_officer}),
        (vendor_forms.AmendmentForm, {}),
        (vendor_forms.OrderForm, {"user": mdo_officer}),
        (vendor_forms.MilestoneForm, {}),
        (vendor_forms.InvoiceForm, {}),
        (BudgetLineForm, {"user": mdo_officer}),
        (CommitmentForm, {}),
        (project_forms.TransitionForm, {}),
        (project_forms.ProjectForm, {"user": mdo_officer}),
        (project_forms.DirectorateAnswerForm, {}),
    ]
    for form_class, kwargs in cases:
        money, bare = _money_fields(form_class, **kwargs)
        assert money, form_class
        assert not bare, (form_class, bare)


@pytest.mark.django_db
def test_order_and_invoice_typed_with_a_decimal_comma_through_the_pages(client, mdo_officer, line_3e):
    contract = make_contract(by=mdo_officer)
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{contract.pk}/orders/new/",
        {
            "budget_line": line_3e.pk,
            "subject": "Atelier",
            "amount_ht": "1 234,56",
            "issued_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302, html.unescape(response.content.decode())[:500]
    order = PurchaseOrder.objects.get()
    assert order.amount_ht == Decimal("1234.56")
    response = client.post(
        f"/vendors/orders/{order.pk}/invoices/",
        {
            "number": "F-1",
            "received_on": TODAY().isoformat(),
            "amount_ht": "1234,56",
            "amount_ttc": "1\u00a0481,47",
        },
    )
    assert response.status_code == 302
    assert Invoice.objects.get().amount_ttc == Decimal("1481.47")


@pytest.mark.django_db
def test_budget_line_and_commitment_typed_with_a_decimal_comma(client, mdo_officer, mdo_manager):
    client.force_login(mdo_officer)
    response = client.post(
        "/budgets/lines/new/",
        {
            "fiscal_year": TODAY().year,
            "section": "investment",
            "chapter": "21",
            "nature": "2128",
            "function": "823",
            "label": "Bancs",
            "amount_ht": "12 500,50",
            "vat_rate": "20",
            "holder_district": "",
        },
    )
    assert response.status_code == 302, html.unescape(response.content.decode())[:1500]
    assert BudgetLine.objects.get().amount_ht == Decimal("12500.50")
    form = PaymentForm(
        data={"amount": "1 000,10", "paid_on": (TODAY() - datetime.timedelta(days=1)).isoformat(), "reference": "M-1"},
        line=BudgetLine.objects.get(),
    )
    form.is_valid()
    assert form.cleaned_data["amount"] == Decimal("1000.10")


def test_bad_amount_at_its_field_on_the_order_page(client, db, mdo_officer, line_3e):
    contract = make_contract(by=mdo_officer)
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{contract.pk}/orders/new/",
        {
            "budget_line": line_3e.pk,
            "subject": "Atelier",
            "amount_ht": "mille euros",
            "issued_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["amount_ht"] == ["Saisissez un montant, par exemple 1 234,56."]
    assert not PurchaseOrder.objects.exists()


def test_money_field_bound_written_as_a_float_accepts_exactly_that_amount():
    from django.core.exceptions import ValidationError

    field = MoneyField(min_value=0.01)
    assert field.clean("0,01") == Decimal("0.01")
    with pytest.raises(ValidationError):
        field.clean("0,00")
