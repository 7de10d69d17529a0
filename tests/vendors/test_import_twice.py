"""Importing the same contracts file twice changes nothing; a row contradicting what is recorded is refused."""

import datetime
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from budgets.models import Commitment
from tests.vendors.factories import approved_line, valid_siret
from vendors.imports import ImportError_, import_contracts
from vendors.models import Contract, OrderCounter, PurchaseOrder, Vendor

pytestmark = pytest.mark.django_db

HEADER = (
    "reference_marche;type_marche;objet_marche;siret;titulaire;lot;accord_cadre;notification;debut;fin;"
    "reconductions;minimum_ht;maximum_ht;tva;numero_bc;date_bc;objet_bc;montant_bc_ht;imputation;engagement"
)


@pytest.fixture(autouse=True)
def clock():
    """The file's dates are fixed: the clock is pinned inside their validity."""
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        yield


@pytest.fixture
def line(project_3e, mdo_manager):
    return approved_line(project=project_3e, requester=mdo_manager, year=2026)


def _rows(siret, line_id, *, subject="Animation des conseils de quartier"):
    contract = (
        f"2025-AC-014;accord-cadre à bons de commande;{subject};{siret};Traces Urbaines SCOP;Lot 2;;15/12/2024;"
        f"01/01/2025;31/12/2027;1;;150 000,00;20"
    )
    return [
        HEADER,
        f"{contract};BC-2026-0007;03/02/2026;Atelier Montchat;12 345,67;{line_id};ENG-2026-118",
        f"{contract};;10/03/2026;Atelier Part-Dieu;2 000;2026/21-2128-823;",
        f"{contract};;10/03/2026;Atelier Part-Dieu;2 000;2026/21-2128-823;",  # the same workshop ordered twice
        f"2025-AMO-002;AMO;AMO budget participatif;{siret};Traces Urbaines SCOP;;;;01/06/2025;31/05/2028;;;90 000,00;20;;;;;;",
    ]


def _counts():
    return (
        Vendor.objects.count(),
        Contract.objects.count(),
        PurchaseOrder.objects.count(),
        Commitment.objects.count(),
        list(OrderCounter.objects.values_list("year", "last")),
    )


def test_second_run_of_the_same_file_changes_nothing(mdo_officer, line):
    raw = "\n".join(_rows(valid_siret(), line.pk)).encode("utf-8")
    first = import_contracts(raw, by=mdo_officer)
    assert (first.vendors, first.contracts, first.orders) == (1, 2, 3)
    before = _counts()
    assert before[:4] == (1, 2, 3, 3)
    second = import_contracts(raw, by=mdo_officer)
    assert _counts() == before
    assert (second.vendors, second.contracts, second.orders) == (0, 0, 0)
    assert (second.contracts_unchanged, second.orders_unchanged) == (2, 3)
    assert "déjà enregistrés à l'identique : 2 marché(s), 3 bon(s) de commande" in second.summary


def test_second_upload_reports_the_unchanged_rows(client, mdo_officer, line, django_capture_on_commit_callbacks):
    raw = "\n".join(_rows(valid_siret(), line.pk)).encode("cp1252")
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/vendors/import/", {"file": SimpleUploadedFile("m.csv", raw)}).status_code == 302
    before = _counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/vendors/import/", {"file": SimpleUploadedFile("m.csv", raw)})
    response = client.get(response.url)
    assert _counts() == before
    assert (
        "0 marché(s), 0 bon(s) de commande, 0 titulaire(s) créés ; déjà enregistrés à l'identique : 2 marché(s), "
        "3 bon(s) de commande" in html.unescape(response.content.decode())
    )


def test_a_row_contradicting_the_recorded_contract_is_refused_and_nothing_changes(mdo_officer, line):
    siret = valid_siret()
    import_contracts("\n".join(_rows(siret, line.pk)).encode("utf-8"), by=mdo_officer)
    before = _counts()
    subject_before = Contract.objects.get(reference="2025-AC-014").subject
    changed = _rows(siret, line.pk, subject="Animation des conseils de quartier et des CIL")
    changed.append(
        f"2026-MS-100;marché simple;Signalétique;{siret};Traces Urbaines SCOP;;;;01/01/2026;31/12/2026;;;8 000;20;;;;;;"
    )
    with pytest.raises(ImportError_) as error:
        import_contracts("\n".join(changed).encode("utf-8"), by=mdo_officer)
    assert error.value.errors[0].startswith("Ligne 2 : le marché 2025-AC-014 est déjà enregistré avec d'autres valeurs")
    assert "objet_marche : Animation des conseils de quartier enregistré" in error.value.errors[0]
    assert _counts() == before  # the new contract of the last row is not kept either: all or nothing
    assert Contract.objects.get(reference="2025-AC-014").subject == subject_before


def test_an_order_number_already_recorded_with_another_amount_is_refused(mdo_officer, line):
    siret = valid_siret()
    rows = _rows(siret, line.pk)
    import_contracts("\n".join(rows).encode("utf-8"), by=mdo_officer)
    before = _counts()
    rows[1] = rows[1].replace("12 345,67", "12 345,68")
    with pytest.raises(ImportError_) as error:
        import_contracts("\n".join(rows).encode("utf-8"), by=mdo_officer)
    assert error.value.errors == [
        "Ligne 2 : le bon de commande BC-2026-0007 est déjà enregistré avec d'autres valeurs (montant HT : 12345,67 "
        "enregistré, 12345,68 dans le fichier) : rien n'est remplacé par l'import"
    ]
    assert _counts() == before


def test_a_new_order_row_added_to_the_file_is_the_only_change(mdo_officer, line):
    siret = valid_siret()
    rows = _rows(siret, line.pk)
    import_contracts("\n".join(rows).encode("utf-8"), by=mdo_officer)
    rows.append(rows[2].replace("Atelier Part-Dieu", "Atelier Vaise"))
    result = import_contracts("\n".join(rows).encode("utf-8"), by=mdo_officer)
    assert (result.orders, result.orders_unchanged, result.contracts_unchanged) == (1, 3, 2)
    assert PurchaseOrder.objects.filter(subject="Atelier Vaise").count() == 1
