"""Unreadable contract files: listed errors with their line, from the page and the command; nothing written."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import load_command_class
from django.test import Client

from budgets.models import Commitment
from tests.vendors.factories import valid_siret
from tests.vendors.test_imports import _file
from vendors.imports import ImportError_, import_contracts
from vendors.models import Contract, PurchaseOrder, Vendor

pytestmark = pytest.mark.django_db


def _cases(siret, line_id):
    good = "\n".join(_file(siret, line_id)[:2]).encode("cp1252") + b"\n"
    return {
        **{
            f"byte_{byte:02x}": (
                good + b"2025-MS-9;march\xe9 simple;Objet " + bytes([byte]) + b";;;;;;;;;;;;;;;;;\n",
                f"Ligne 3 : l'octet 0x{byte:02X} n'est ni de l'UTF-8 ni du Windows-1252",
            )
            for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
        },
        "huge_field": (
            good + b'2025-MS-9;"' + b"x" * 140_000 + b'";;;;;;;;;;;;;;;;;;\n',
            "Ligne 3 : une valeur dépasse 131 072 caractères",
        ),
    }


def _nothing_written():
    return not (
        Contract.objects.exists()
        or PurchaseOrder.objects.exists()
        or Vendor.objects.exists()
        or Commitment.objects.exists()
    )


@pytest.mark.parametrize("case", ["byte_81", "byte_8d", "byte_8f", "byte_90", "byte_9d", "huge_field"])
def test_unreadable_contract_file_lists_the_error_and_writes_nothing(mdo_officer, line_3e, case):
    content, message = _cases(valid_siret(), line_3e.pk)[case]
    with pytest.raises(ImportError_) as failure:
        import_contracts(content, by=mdo_officer)
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert _nothing_written()


def test_bare_cr_line_ends_are_read_as_lines(mdo_officer, line_3e):
    raw = "\r".join(_file(valid_siret(), line_3e.pk)).encode("cp1252")
    result = import_contracts(raw, by=mdo_officer)
    assert (result.contracts, result.orders) == (2, 2)


def test_upload_page_shows_the_error_not_a_server_error(mdo_officer, line_3e, django_capture_on_commit_callbacks):
    content, message = _cases(valid_siret(), line_3e.pk)["byte_90"]
    client = Client(raise_request_exception=False)
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/vendors/import/", {"file": SimpleUploadedFile("marches.csv", content)})
    response = client.get(response.url)
    assert response.status_code == 200 and 'data-testid="job-failed"' in response.content.decode()
    assert message in html.unescape(response.content.decode())
    assert _nothing_written()


@pytest.mark.parametrize("case", ["byte_8f", "huge_field"])
# run_from_argv() closes the database connections when it ends, as manage.py does: a transaction test.
@pytest.mark.django_db(transaction=True)
def test_command_lists_the_errors_and_exits_non_zero_without_traceback(tmp_path, capsys, mdo_officer, line_3e, case):
    content, message = _cases(valid_siret(), line_3e.pk)[case]
    path = tmp_path / "marches.csv"
    path.write_bytes(content)
    command = load_command_class("vendors", "import_contracts")
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["manage.py", "import_contracts", str(path), "--user", mdo_officer.username])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert message in err and "rien n'a été enregistré" in err
    assert "Traceback" not in err
    assert _nothing_written()
