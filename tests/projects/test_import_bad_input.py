"""Unreadable vote files: the errors are listed with their line, by the page and the command alike; nothing is written."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import load_command_class
from django.test import Client
from django.urls import reverse

from projects.imports import ImportFailed, import_votes
from projects.models import Edition, Project

pytestmark = pytest.mark.django_db

GOOD_START = "id;titre;coût;voix\nA1;Banc;100;4\n".encode()

UNREADABLE = {
    # Bytes defined in neither UTF-8 nor Windows-1252.
    **{
        f"byte_{byte:02x}": (
            GOOD_START + b"A2;Caf\xe9 " + bytes([byte]) + b";200;5\n",
            f"ligne 3 : l'octet 0x{byte:02X} n'est ni de l'UTF-8 ni du Windows-1252",
        )
        for byte in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    },
    "huge_field": (
        GOOD_START + b'A2;"' + b"x" * 140_000 + b'";200;5\n',
        "ligne 3 : une valeur dépasse 131 072 caractères",
    ),
    "huge_field_pabulib": (
        b"META\nkey;value\nbudget;1000\nPROJECTS\nproject_id;cost;votes;name\n1;100;5;"
        + b'"'
        + b"x" * 140_000
        + b'"\n',
        "ligne 6 : une valeur dépasse 131 072 caractères",
    ),
    "nul_byte": (GOOD_START + b"A2;Banc\x00;200;5\n", "ligne 3 : le fichier contient un caractère nul"),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_unreadable_vote_file_lists_the_error_and_writes_nothing(case):
    content, message = UNREADABLE[case]
    with pytest.raises(ImportFailed) as failure:
        import_votes(content, filename="pb.pb" if content.startswith(b"META") else "votes.csv", edition_name="E")
    assert any(message in error for error in failure.value.errors), failure.value.errors
    assert not Project.objects.exists() and not Edition.objects.exists()


def test_bare_cr_line_ends_are_read_as_lines():
    content = "id;titre;coût;voix;selected\rA1;Banc;100;4;1\rA2;Arbre;200;5;0\r".encode("cp1252")
    summary = import_votes(content, filename="votes.csv", edition_name="E")
    assert summary.created == 2
    assert set(Project.objects.values_list("external_id", flat=True)) == {"A1", "A2"}


@pytest.mark.parametrize("case", ["byte_81", "huge_field"])
def test_upload_page_shows_the_error_not_a_server_error(mdo_officer, case, django_capture_on_commit_callbacks):
    content, message = UNREADABLE[case]
    client = Client(raise_request_exception=False)
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("projects:vote_import"),
            {"file": SimpleUploadedFile("votes.csv", content), "new_edition": "E"},
        )
    response = client.get(response.url)
    # The import ran as a job: its page says it failed, and why, line by line.
    assert response.status_code == 200 and response.context["job"].status == "failed"
    assert message in html.unescape(response.content.decode()) and "Rien n'a été importé" in html.unescape(
        response.content.decode()
    )
    assert not Project.objects.exists()


@pytest.mark.parametrize("case", ["byte_9d", "huge_field", "nul_byte"])
# run_from_argv() closes the database connections when it ends, as manage.py does: a transaction test.
@pytest.mark.django_db(transaction=True)
def test_command_lists_the_errors_and_exits_non_zero_without_traceback(tmp_path, capsys, case):
    content, message = UNREADABLE[case]
    path = tmp_path / "votes.csv"
    path.write_bytes(content)
    command = load_command_class("projects", "import_votes")
    with pytest.raises(SystemExit) as exit_:
        command.run_from_argv(["manage.py", "import_votes", str(path), "--edition", "E"])
    assert exit_.value.code != 0
    err = capsys.readouterr().err
    assert message in err and "rien n'a été enregistré" in err
    assert "Traceback" not in err
    assert not Project.objects.exists()
