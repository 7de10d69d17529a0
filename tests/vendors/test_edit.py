"""Edit pages of vendors, contacts, contracts and orders: MDO only, the creation's checks, history kept."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.vendors.factories import VendorFactory, make_contract, valid_siret
from vendors import services
from vendors.enums import ContractKind
from vendors.models import Contract, VendorContact

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def iso(day):
    return day.strftime("%Y-%m-%d")


def contract_data(contract, **changes):
    data = {
        "kind": contract.kind,
        "subject": contract.subject,
        "lot": contract.lot,
        "notified_on": "",
        "starts_on": iso(contract.starts_on),
        "ends_on": iso(contract.ends_on),
        "min_amount_ht": "",
        "max_amount_ht": str(contract.max_amount_ht or ""),
    }
    return {**data, **changes}


def snapshot(obj):
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def contact(framework, mdo_officer):
    return services.vendor_contact_create(
        vendor=framework.vendor,
        name="Claire Dubois",
        role="Cheffe de projet",
        email="claire.dubois@example.fr",
        by=mdo_officer,
    )


# --- vendor -------------------------------------------------------------------------------


def test_officer_corrects_a_vendor_and_the_history_keeps_the_old_name(client, mdo_officer, framework):
    vendor = framework.vendor
    client.force_login(mdo_officer)
    page = client.get(f"/vendors/{vendor.pk}/")
    assert f"/vendors/{vendor.pk}/edit/" in page.content.decode()
    assert client.get(f"/vendors/{vendor.pk}/edit/").status_code == 200
    new_siret = valid_siret()
    response = client.post(
        f"/vendors/{vendor.pk}/edit/",
        {
            "name": "Cabinet Saône Conseil",
            "siret": new_siret[:9] + " " + new_siret[9:],
            "address": "3 quai Saint-Vincent",
            "postcode": "69001",
            "city": "Lyon",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    vendor.refresh_from_db()
    assert (vendor.name, vendor.siret, vendor.postcode) == ("Cabinet Saône Conseil", new_siret, "69001")
    assert vendor.history.count() == 2
    assert vendor.history.earliest().name != "Cabinet Saône Conseil"


@pytest.mark.parametrize(
    "siret, message",
    [
        ("12345678901234", "SIRET invalide"),
        ("taken", "Un titulaire avec ce SIRET existe déjà."),
    ],
)
def test_vendor_edit_refuses_a_bad_or_taken_siret_at_the_field(client, mdo_officer, framework, siret, message):
    vendor = framework.vendor
    other = VendorFactory()
    before = snapshot(vendor)
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/{vendor.pk}/edit/",
        {
            "name": "Autre nom",
            "siret": other.siret if siret == "taken" else siret,
            "address": "",
            "postcode": "",
            "city": "",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors["siret"][0]
    assert snapshot(vendor) == before


def test_vendor_edit_keeps_its_own_siret(client, mdo_officer, framework):
    vendor = framework.vendor
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/{vendor.pk}/edit/",
        {
            "name": "Nouveau nom",
            "siret": vendor.siret,
            "address": "",
            "postcode": "",
            "city": "",
            "email": "",
            "phone": "",
        },
    )
    assert response.status_code == 302


# --- contacts -----------------------------------------------------------------------------


def test_officer_edits_then_removes_a_contact_with_history(client, mdo_officer, contact):
    client.force_login(mdo_officer)
    page = client.get(f"/vendors/{contact.vendor_id}/").content.decode()
    assert f"/vendors/contacts/{contact.pk}/edit/" in page and f"/vendors/contacts/{contact.pk}/delete/" in page
    assert client.get(f"/vendors/contacts/{contact.pk}/edit/").status_code == 200
    response = client.post(
        f"/vendors/contacts/{contact.pk}/edit/",
        {"name": "Claire Dubois-Martin", "role": "Directrice", "email": "", "phone": "04 72 00 00 00"},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.role) == ("Claire Dubois-Martin", "Directrice")
    assert client.post(f"/vendors/contacts/{contact.pk}/delete/").status_code == 302
    assert not VendorContact.objects.filter(pk=contact.pk).exists()
    assert [h.history_type for h in VendorContact.history.filter(id=contact.pk).order_by("history_date")] == [
        "+",
        "~",
        "-",
    ]


def test_contact_edit_refuses_a_bad_email_at_the_field(client, mdo_officer, contact):
    before = snapshot(contact)
    client.force_login(mdo_officer)
    response = client.post(f"/vendors/contacts/{contact.pk}/edit/", {"name": "X", "email": "pas-un-email"})
    assert response.status_code == 400
    assert response.context["form"].errors["email"]
    assert snapshot(contact) == before


def test_contact_delete_is_post_only(client, mdo_officer, contact):
    client.force_login(mdo_officer)
    assert client.get(f"/vendors/contacts/{contact.pk}/delete/").status_code == 405
    assert VendorContact.objects.filter(pk=contact.pk).exists()


# --- contract -----------------------------------------------------------------------------


def test_officer_corrects_a_contract(client, mdo_officer, framework, order_3e):
    client.force_login(mdo_officer)
    assert (
        f"/vendors/contracts/{framework.pk}/edit/" in client.get(f"/vendors/contracts/{framework.pk}/").content.decode()
    )
    form = client.get(f"/vendors/contracts/{framework.pk}/edit/").context["form"]
    assert form.fields["kind"].disabled
    response = client.post(
        f"/vendors/contracts/{framework.pk}/edit/",
        contract_data(
            framework,
            subject="Animation des conseils de quartier",
            lot="Lot 2",
            min_amount_ht="5000",
            max_amount_ht="20000",
            ends_on=iso(TODAY() + datetime.timedelta(days=30)),
        ),
    )
    assert response.status_code == 302
    framework.refresh_from_db()
    assert (framework.subject, framework.lot, framework.max_amount_ht) == (
        "Animation des conseils de quartier",
        "Lot 2",
        Decimal("20000.00"),
    )
    assert framework.history.count() == 2


def test_contract_maximum_below_the_ordered_amount_is_refused(client, mdo_officer, framework, order_3e):
    before = snapshot(framework)
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{framework.pk}/edit/", contract_data(framework, max_amount_ht="19999.99")
    )
    assert response.status_code == 400
    assert "déjà commandé (20\xa0000,00 € HT)" in response.context["form"].errors["max_amount_ht"][0]
    assert snapshot(framework) == before


def test_contract_end_before_an_order_date_is_refused(client, mdo_officer, framework, order_3e):
    before = snapshot(framework)
    client.force_login(mdo_officer)
    response = client.post(
        f"/vendors/contracts/{framework.pk}/edit/",
        contract_data(framework, ends_on=iso(order_3e.issued_on - datetime.timedelta(days=1))),
    )
    assert response.status_code == 400
    assert "la validité doit le couvrir" in response.context["form"].errors["ends_on"][0]
    assert snapshot(framework) == before


def test_contract_kind_is_frozen_once_ordered(mdo_officer, framework, order_3e):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.contract_update(
            contract=framework,
            by=mdo_officer,
            **{
                **{
                    k: getattr(framework, k)
                    for k in ("subject", "starts_on", "ends_on", "lot", "notified_on", "min_amount_ht", "max_amount_ht")
                },
                "kind": ContractKind.SIMPLE,
            },
        )
    assert "bons de commande" in error.value.message_dict["kind"][0]
    assert Contract.objects.get(pk=framework.pk).kind == ContractKind.FRAMEWORK_ORDERS


def test_contract_kind_may_change_before_any_order(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    response = client.post(f"/vendors/contracts/{framework.pk}/edit/", contract_data(framework, kind=ContractKind.AMO))
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.kind == ContractKind.AMO and framework.intellectual_services


def test_framework_without_maximum_is_refused_on_edit(client, mdo_officer, framework):
    client.force_login(mdo_officer)
    response = client.post(f"/vendors/contracts/{framework.pk}/edit/", contract_data(framework, max_amount_ht=""))
    assert response.status_code == 400
    assert response.context["form"].errors["max_amount_ht"] == ["Un accord-cadre doit avoir un montant maximum."]


# --- order --------------------------------------------------------------------------------


def test_officer_corrects_an_order_subject_and_date_but_not_its_amount(client, mdo_officer, order_3e):
    client.force_login(mdo_officer)
    assert f"/vendors/orders/{order_3e.pk}/edit/" in client.get(f"/vendors/orders/{order_3e.pk}/").content.decode()
    page = client.get(f"/vendors/orders/{order_3e.pk}/edit/")
    assert "une fois facturé, il ne peut plus changer" in page.content.decode()
    new_day = order_3e.issued_on + datetime.timedelta(days=1) if order_3e.issued_on.month != 12 else order_3e.issued_on
    response = client.post(
        f"/vendors/orders/{order_3e.pk}/edit/",
        {
            "subject": "Atelier de concertation place Guichard",
            "issued_on": iso(new_day),
            "amount_ht": "1",
        },
    )
    assert response.status_code == 302
    order_3e.refresh_from_db()
    assert order_3e.subject == "Atelier de concertation place Guichard" and order_3e.issued_on == new_day
    assert order_3e.amount_ht == Decimal("20000.00")
    assert order_3e.history.count() == 2


def test_order_date_outside_the_contract_validity_is_refused(client, mdo_officer, order_3e):
    before = snapshot(order_3e)
    client.force_login(mdo_officer)
    day = order_3e.contract.starts_on - datetime.timedelta(days=1)
    response = client.post(f"/vendors/orders/{order_3e.pk}/edit/", {"subject": "Autre", "issued_on": iso(day)})
    assert response.status_code == 400
    assert response.context["form"].errors["issued_on"]
    assert snapshot(order_3e) == before


# --- who may ------------------------------------------------------------------------------


def _edit_posts(framework, order, contact):
    vendor = framework.vendor
    return [
        (f"/vendors/{vendor.pk}/edit/", {"name": "Piraté", "siret": valid_siret()}, vendor),
        (f"/vendors/contacts/{contact.pk}/edit/", {"name": "Piraté"}, contact),
        (f"/vendors/contacts/{contact.pk}/delete/", {}, contact),
        (f"/vendors/contracts/{framework.pk}/edit/", contract_data(framework, subject="Piraté"), framework),
        (f"/vendors/orders/{order.pk}/edit/", {"subject": "Piraté", "issued_on": iso(order.issued_on)}, order),
    ]


@pytest.mark.parametrize("who", ["other_town_hall_agent", "town_hall_agent", "directorate_agent", "director"])
def test_edit_pages_refuse_out_of_scope_and_non_mdo_users_and_change_nothing(
    client, request, who, framework, order_3e, contact
):
    """5e town hall: out of scope. 3e town hall, Espaces verts, director: they see these records, but only
    the MDO corrects them. Everyone gets the 404 and every record stays as it was."""
    client.force_login(request.getfixturevalue(who))
    for url, data, record in _edit_posts(framework, order_3e, contact):
        before = snapshot(record)
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, data).status_code == 404, (who, url)
        assert snapshot(record) == before, url


def test_out_of_scope_user_does_not_see_the_records(client, other_town_hall_agent, framework, order_3e):
    client.force_login(other_town_hall_agent)
    assert client.get(f"/vendors/orders/{order_3e.pk}/").status_code == 404


def test_non_mdo_reader_sees_no_edit_link(client, town_hall_agent, framework, order_3e):
    client.force_login(town_hall_agent)
    page = client.get(f"/vendors/orders/{order_3e.pk}/")
    assert page.status_code == 200
    assert "/edit/" not in page.content.decode()


def _update_args(contract, **changes):
    fields = ("subject", "kind", "starts_on", "ends_on", "lot", "notified_on", "min_amount_ht", "max_amount_ht")
    return {**{name: getattr(contract, name) for name in fields}, **changes}


def test_subsequent_and_framework_maxima_stay_consistent_on_edit(mdo_officer):
    from django.core.exceptions import ValidationError

    vendor = VendorFactory()
    framework = make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.FRAMEWORK, max_amount_ht=Decimal("50000")
    )
    first = make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.SUBSEQUENT, parent=framework, max_amount_ht=Decimal("30000")
    )
    make_contract(
        by=mdo_officer, vendor=vendor, kind=ContractKind.SUBSEQUENT, parent=framework, max_amount_ht=Decimal("15000")
    )
    with pytest.raises(ValidationError) as error:
        services.contract_update(
            contract=first, by=mdo_officer, **_update_args(first, max_amount_ht=Decimal("35000.01"))
        )
    assert "35\xa0000,00 € HT" in error.value.message_dict["max_amount_ht"][0]
    services.contract_update(contract=first, by=mdo_officer, **_update_args(first, max_amount_ht=Decimal("35000")))
    with pytest.raises(ValidationError) as error:
        services.contract_update(
            contract=framework, by=mdo_officer, **_update_args(framework, max_amount_ht=Decimal("49999"))
        )
    assert "marchés subséquents" in error.value.message_dict["max_amount_ht"][0]
    with pytest.raises(ValidationError) as error:
        services.contract_update(contract=first, by=mdo_officer, **_update_args(first, kind=ContractKind.SIMPLE))
    assert "subséquent" in error.value.message_dict["kind"][0]
    assert Contract.objects.get(pk=first.pk).max_amount_ht == Decimal("35000.00")
    assert Contract.objects.get(pk=framework.pk).max_amount_ht == Decimal("50000.00")
