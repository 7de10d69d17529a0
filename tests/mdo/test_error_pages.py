"""The app's own error pages: French, honest about what happens, with a reference found in the log."""

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def failing_site(settings):
    settings.ROOT_URLCONF = "tests.mdo.urls_with_failing_view"
    settings.DEBUG = False


def test_server_error_page_is_french_and_gives_the_logged_reference(failing_site, mdo_officer, caplog, settings):
    settings.ADMINS = []
    client = Client(raise_request_exception=False)
    client.force_login(mdo_officer)
    with caplog.at_level(logging.ERROR, logger="mdo.errors"):
        response = client.get("/panne/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Une erreur est survenue" in page
    reference = re.search(r'data-testid="error-reference">([0-9A-F]{8})<', page).group(1)
    logged = [record for record in caplog.records if record.name == "mdo.errors"]
    assert len(logged) == 1 and reference in logged[0].getMessage() and "/panne/" in logged[0].getMessage()
    assert logged[0].exc_info[0] is RuntimeError  # the traceback is in the log, next to the reference
    assert "signalée aux administrateur" not in page  # nobody to tell: the page does not pretend
    assert "emailed" not in page and "panne simulée" not in page
    assert mail.outbox == []


def test_server_error_is_mailed_to_the_configured_admins(
    failing_site, mdo_officer, settings, django_capture_on_commit_callbacks
):
    settings.ADMINS = [("Support SI", "support-si@mairie-lyon.fr")]
    client = Client(raise_request_exception=False)
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/panne/").content.decode()
    assert "signalée aux administrateur·rice·s" in page
    assert [message.to for message in mail.outbox] == [["support-si@mairie-lyon.fr"]]


def test_admins_are_read_from_the_environment():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env["ADMINS"] = "Support SI <support-si@mairie-lyon.fr>, astreinte@mairie-lyon.fr"
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.ADMINS)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("[('Support SI', 'support-si@mairie-lyon.fr'), ('', 'astreinte@mairie-lyon.fr')]")


def test_not_found_page_is_french_and_repeats_the_views_reason(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    response = client.get(reverse("projects:detail", args=[999999]))
    page = response.content.decode()
    assert response.status_code == 404 and "Page introuvable" in page and "matches the given query" not in page


def test_an_out_of_scope_record_shows_the_french_404_even_with_debug_on(client, settings, other_town_hall_agent):
    from tests.projects.factories import ProjectFactory

    settings.DEBUG = True
    project = ProjectFactory(title="Projet du 3e", district=3)
    client.force_login(other_town_hall_agent)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page introuvable" in page and 'lang="fr"' in page
    assert "Projet du 3e" not in page and "URLconf" not in page and "Using the URLconf" not in page
