import datetime
import html
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from budgets.models import Commitment
from mdo.models import Job, JobStatus
from tests.vendors.factories import valid_siret
from vendors.enums import ContractKind
from vendors.imports import ImportError_, import_contracts, parse_date, parse_decimal
from vendors.models import Contract, PurchaseOrder, Vendor

pytestmark = pytest.mark.django_db

HEADER = (
    "reference_marche;type_marche;objet_marche;siret;titulaire;lot;accord_cadre;notification;debut;fin;"
    "reconductions;minimum_ht;maximum_ht;tva;numero_bc;date_bc;objet_bc;montant_bc_ht;imputation;engagement"
)


@pytest.fixture
def siret():
    return valid_siret()


def _file(siret, line_id, *, extra_rows=()):
    # The framework runs from last year to next year and its orders are dated today, so that the file
    # is valid whatever day the suite runs.
    today = timezone.localdate()
    year = today.year
    on = f"{today:%d/%m/%Y}"
    start, end, notified = f"01/01/{year - 1}", f"31/12/{year + 1}", f"15/12/{year - 2}"
    rows = [
        HEADER,
        f"2025-AC-014;accord-cadre à bons de commande;Animation des conseils de quartier;{siret};Traces Urbaines SCOP;"
        f"Lot 2;;{notified};{start};{end};1;;150 000,00;20;BC-{year}-0007;{on};Atelier Montchat;"
        f"12 345,67;{line_id};ENG-{year}-118",
        f"2025-AC-014;accord-cadre à bons de commande;Animation des conseils de quartier;{siret};Traces Urbaines SCOP;"
        f"Lot 2;;{notified};{start};{end};1;;150 000,00;20;;{on};Atelier Part-Dieu;"
        f"2 000;{year}/21-2128-823;",
        f"2025-AMO-002;AMO;AMO budget participatif;{siret};Traces Urbaines SCOP;;;;01/06/{year - 1};31/05/{year + 2};;;"
        f"90 000,00;20;;;;;;",
        *extra_rows,
    ]
    return rows


def test_french_numbers_and_dates():
    assert parse_decimal("1 234,56") == Decimal("1234.56")
    assert parse_decimal("1\u202f234,56 €") == Decimal("1234.56")
    assert parse_decimal("1.234,56") == Decimal("1234.56")
    assert parse_decimal("1234.56") == Decimal("1234.56")
    assert parse_date("28/11/2026") == datetime.date(2026, 11, 28)
    with pytest.raises(ValueError):
        parse_decimal("douze")
    with pytest.raises(ValueError):
        parse_date("31/02/2026")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_good_file_imported_in_each_encoding(mdo_officer, line_3e, siret, encoding):
    raw = "\r\n".join(_file(siret, line_3e.pk)).encode(encoding)
    result = import_contracts(raw, by=mdo_officer)
    assert (result.vendors, result.contracts, result.orders) == (1, 2, 2)
    framework = Contract.objects.get(reference="2025-AC-014")
    assert framework.kind == ContractKind.FRAMEWORK_ORDERS and framework.max_amount_ht == Decimal("150000.00")
    assert framework.notified_on == datetime.date(timezone.localdate().year - 2, 12, 15)
    assert Contract.objects.get(reference="2025-AMO-002").intellectual_services
    year = timezone.localdate().year
    imported = PurchaseOrder.objects.get(number=f"BC-{year}-0007")
    assert imported.amount_ht == Decimal("12345.67") and imported.commitment.number == f"ENG-{year}-118"
    # the order without a number follows the imported one
    assert PurchaseOrder.objects.get(subject="Atelier Part-Dieu").number == f"BC-{year}-0008"
    assert Vendor.objects.get().name == "Traces Urbaines SCOP"


def test_comma_separated_file_with_quoted_decimals(mdo_officer, line_3e, siret):
    rows = [row.replace(";", ",") for row in _file(siret, line_3e.pk)[:1]]
    rows.append(
        f'2025-MS-001,marché simple,Signalétique,{siret},Traces Urbaines,,,,01/01/2025,31/12/2027,,,"8 000,00",20,,,,,,'
    )
    result = import_contracts("\n".join(rows).encode("utf-8"), by=mdo_officer)
    assert result.contracts == 1
    assert Contract.objects.get().max_amount_ht == Decimal("8000.00")


def test_broken_file_imports_nothing_and_reports_each_line(mdo_officer, line_3e, siret):
    rows = _file(
        siret,
        line_3e.pk,
        extra_rows=[
            f"2025-AC-099;accord-cadre à bons de commande;Sans maximum;{siret};Traces;;;;01/01/2025;31/12/2027;;;;20;;;;;;",
            f"2025-MS-002;marché simple;Date fausse;{siret};Traces;;;;32/01/2025;31/12/2027;;;1 000;20;;;;;;",
            "2025-MS-003;marché simple;SIRET faux;73282932000075;Autre;;;;01/01/2025;31/12/2027;;;1 000;20;;;;;;",
            f"2025-AC-014;accord-cadre à bons de commande;x;{siret};x;;;;01/01/2025;31/12/2027;;;;20;;"
            f"01/02/{timezone.localdate().year};Trop cher;200 000;{line_3e.pk};",
        ],
    )
    with pytest.raises(ImportError_) as error:
        import_contracts("\n".join(rows).encode("utf-8"), by=mdo_officer)
    errors = error.value.errors
    assert [e.split(" :")[0] for e in errors] == ["Ligne 5", "Ligne 6", "Ligne 7", "Ligne 8"]
    assert "montant maximum" in errors[0]
    assert "date illisible" in errors[1]
    assert "SIRET invalide" in errors[2]
    assert "maximum du marché" in errors[3]
    assert not Contract.objects.exists() and not PurchaseOrder.objects.exists()
    assert not Vendor.objects.exists() and not Commitment.objects.exists()


def test_missing_columns_reported_on_line_1(mdo_officer):
    with pytest.raises(ImportError_) as error:
        import_contracts(b"reference_marche;objet_marche\nX;Y\n", by=mdo_officer)
    assert error.value.errors[0].startswith("Ligne 1 : colonne(s) manquante(s) : type_marche")


def test_unknown_budget_line_reported(mdo_officer, siret):
    rows = _file(siret, 999999)[:2]
    with pytest.raises(ImportError_) as error:
        import_contracts("\n".join(rows).encode("utf-8"), by=mdo_officer)
    assert error.value.errors == ["Ligne 2 : ligne budgétaire n° 999999 inconnue"]


def test_upload_page_imports_for_the_mdo_as_a_job(
    client, mdo_officer, line_3e, siret, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    upload = SimpleUploadedFile(
        "marches.csv", "\n".join(_file(siret, line_3e.pk)).encode("cp1252"), content_type="text/csv"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/vendors/import/", {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.status, job.done, job.total) == ("vendors.contract_import", JobStatus.DONE, 3, 3)
    assert Contract.objects.count() == 2
    page = html.unescape(client.get(response.url).content.decode())
    assert "Import réussi : 2 marché(s), 2 bon(s) de commande, 1 titulaire(s) créés." in page
    assert 'href="/vendors/contracts/"' in page
    assert not default_storage.exists(job.params["path"])  # the upload is not kept once imported


def test_upload_page_lists_errors_with_line_numbers_on_the_jobs_page(
    client, mdo_officer, siret, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    rows = _file(siret, 999999)[:2]
    upload = SimpleUploadedFile("marches.csv", "\n".join(rows).encode("utf-8"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/vendors/import/", {"file": upload})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.error == "Import annulé, rien n'a été enregistré : 1 erreur(s)"
    page = html.unescape(client.get(response.url).content.decode())
    assert "Ligne 2 : ligne budgétaire n° 999999 inconnue" in page
    assert "Corriger et relancer l'import" in page
    assert not Contract.objects.exists()
    assert not default_storage.exists(job.params["path"])


def test_a_large_import_reports_its_progress_and_stays_all_or_nothing(
    client, mdo_officer, line_3e, siret, django_capture_on_commit_callbacks
):
    """250 orders then one bad line: the bar moved through the rows, and nothing of the 250 is kept."""
    today = timezone.localdate()
    good = _file(siret, line_3e.pk)
    orders = [
        f"2025-AMO-002;AMO;AMO budget participatif;{siret};Traces Urbaines SCOP;;;;01/06/{today.year - 1};"
        f"31/05/{today.year + 2};;;90 000,00;20;BC-X-{n};{today:%d/%m/%Y};Atelier {n};10,00;{line_3e.pk};"
        for n in range(250)
    ]
    reports = []
    with pytest.raises(ImportError_) as refused:
        import_contracts(
            "\n".join([*good, *orders, good[1].replace("12 345,67", "abc")]).encode(),
            by=mdo_officer,
            progress=lambda done, total: reports.append((done, total)),
        )
    assert reports == [(100, 254), (200, 254)]
    assert refused.value.errors[0].startswith("Ligne 255 : ")
    assert not Contract.objects.exists() and not PurchaseOrder.objects.exists()
    result = import_contracts(
        "\n".join([*good, *orders]).encode(), by=mdo_officer, progress=lambda d, t: reports.append((d, t))
    )
    assert result.orders == 252 and reports[-1] == (253, 253)


def test_import_command(tmp_path, mdo_officer, line_3e, siret):
    good = tmp_path / "bons.csv"
    good.write_bytes("\n".join(_file(siret, line_3e.pk)).encode("utf-8-sig"))
    call_command("import_contracts", str(good), user=mdo_officer.username)
    assert PurchaseOrder.objects.count() == 2
    bad = tmp_path / "faux.csv"
    bad.write_text(HEADER + "\nX;inconnu;Objet;" + siret + ";T;;;;01/01/2025;31/12/2027;;;;;;;;;;\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Ligne 2 : type de marché inconnu"):
        call_command("import_contracts", str(bad), user=mdo_officer.username)


def _siret_with_leading_zero() -> str:
    from stdnum import luhn

    siren = "0" + "1234567"
    siren += luhn.calc_check_digit(siren)
    prefix = siren + "0001"
    return prefix + luhn.calc_check_digit(prefix)


def test_siret_in_scientific_notation_is_an_explained_error(mdo_officer, line_3e):
    raw = "\r\n".join(_file("8,12346E+13", line_3e.pk)).encode("cp1252")
    with pytest.raises(ImportError_) as failure:
        import_contracts(raw, by=mdo_officer)
    assert "Ligne 2 : SIRET « 8,12346E+13 » écrit en notation scientifique par Excel" in failure.value.errors[0]
    assert "format Texte" in failure.value.errors[0]
    assert not Vendor.objects.exists() and not Contract.objects.exists()


def test_siret_without_its_leading_zero_is_an_explained_error(mdo_officer, line_3e):
    siret = _siret_with_leading_zero()
    raw = "\r\n".join(_file(siret[1:], line_3e.pk)).encode("utf-8-sig")
    with pytest.raises(ImportError_) as failure:
        import_contracts(raw, by=mdo_officer)
    message = failure.value.errors[0]
    assert "13 chiffres : Excel a sans doute retiré le zéro initial" in message and siret in message
    assert not Vendor.objects.exists()
