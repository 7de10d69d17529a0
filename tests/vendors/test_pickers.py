"""The contract form's vendor and framework pickers: choices by name or SIRET, in the user's scope; the page
holds only the chosen rows; a value outside the scope is refused at its field."""

import pytest
from django.urls import reverse

from tests.helpers import picker_choices
from tests.vendors.factories import VendorFactory, make_contract, valid_siret
from vendors.enums import ContractKind

pytestmark = pytest.mark.django_db


def test_vendors_are_found_by_name_or_siret_with_the_siret_as_context(client, mdo_officer):
    siret = valid_siret(424242)
    vendor = VendorFactory(name="Atelier Rhône Concertation", siret=siret)
    VendorFactory(name="Bureau d'études Saône")
    client.force_login(mdo_officer)

    assert [(o["value"], o["context"]) for o in picker_choices(client, "vendors", q="rhone concert")] == [
        (str(vendor.pk), f"SIRET {siret}")
    ]
    assert [o["text"] for o in picker_choices(client, "vendors", q=siret)] == ["Atelier Rhône Concertation"]


def test_someone_out_of_scope_is_offered_no_vendor_and_no_contract(client, mdo_officer, outsider):
    VendorFactory(name="Atelier Rhône Concertation")
    make_contract(by=mdo_officer, kind=ContractKind.FRAMEWORK, reference="2026-AC-001")
    client.force_login(outsider)
    assert picker_choices(client, "vendors") == []
    assert picker_choices(client, "contracts", kind=ContractKind.FRAMEWORK) == []


def test_the_framework_picker_offers_only_frameworks(client, mdo_officer):
    framework = make_contract(by=mdo_officer, kind=ContractKind.FRAMEWORK, reference="2026-AC-001")
    make_contract(by=mdo_officer, kind=ContractKind.SIMPLE, reference="2026-MS-002")
    client.force_login(mdo_officer)
    assert [o["value"] for o in picker_choices(client, "contracts", kind=ContractKind.FRAMEWORK)] == [str(framework.pk)]


def test_the_contract_form_holds_no_vendor_list_and_refuses_an_unknown_vendor(client, mdo_officer):
    VendorFactory(name="Atelier Rhône Concertation")
    client.force_login(mdo_officer)
    page = client.get(reverse("vendors:contract_create")).content.decode()
    assert 'data-picker-url="/choix/vendors/"' in page and "Atelier Rhône Concertation" not in page
    assert 'data-picker-url="/choix/contracts/"' in page and 'data-picker-params="kind=framework"' in page

    response = client.post(
        reverse("vendors:contract_create"),
        {"reference": "2026-MS-009", "kind": ContractKind.SIMPLE, "subject": "Concertation", "vendor": "999999"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
