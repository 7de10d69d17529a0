"""PostgreSQL's limits as the settings build them: a slow query is cut by the server's statement timeout and
the user gets the French 503 page within seconds, not when gunicorn kills the worker.

The PostgreSQL tests run when DATABASE_URL points at PostgreSQL (CI runs the suite there too):
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/mdo_test pytest tests/mdo/test_database_timeouts.py``.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from mdo.settings import postgres_timeout_options
from mdo.urls import handler404, handler500  # noqa: F401
from mdo.urls import urlpatterns as site_urlpatterns

ROOT = Path(__file__).resolve().parents[2]

# A string condition: evaluated at run time (the database is chosen by DATABASE_URL), before any fixture.
postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="Les délais du serveur demandent PostgreSQL."
)


@login_not_required
def slow_report(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("fini")


# This module is also the URL configuration of its requests: the site's URLs plus the slow page.
urlpatterns = [path("rapport-lent/", slow_report), *site_urlpatterns]


def _server_statement_timeout_ms() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
        return int(cursor.fetchone()[0])


@pytest.fixture
def one_second_statement_timeout():
    """The default connection reopened with the options the settings build when DB_STATEMENT_TIMEOUT=1."""
    options = connection.settings_dict["OPTIONS"]
    saved = dict(options)
    options.update(postgres_timeout_options({**os.environ, "DB_STATEMENT_TIMEOUT": "1"}))
    connection.close()
    yield
    options.clear()
    options.update(saved)
    connection.close()


@postgres_only
@pytest.mark.django_db
def test_the_configured_statement_timeout_reaches_the_server():
    expected = postgres_timeout_options()["options"]
    assert connection.settings_dict["OPTIONS"]["options"] == expected
    assert f"-c statement_timeout={_server_statement_timeout_ms()}" == expected


@postgres_only
@pytest.mark.django_db(transaction=True)  # the connection is reopened: no test transaction around it
@pytest.mark.urls(__name__)
def test_a_query_over_the_statement_timeout_answers_503_in_french(one_second_statement_timeout, settings):
    settings.DEBUG = False
    assert _server_statement_timeout_ms() == 1000
    client = Client(raise_request_exception=False)
    started = time.monotonic()
    response = client.get("/rapport-lent/")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert "La base de données de l'application ne répond pas" in page
    # The server cancels the query after 1 s; without the option it would sleep its 5 s.
    assert elapsed < 4, elapsed
    assert _server_statement_timeout_ms() == 1000  # the connection stays usable after the cancelled query


def test_the_settings_bound_every_wait_on_postgresql():
    """The settings read from a production-like environment, whatever database the suite runs on."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DATABASE_URL": "postgres://mdo@db.example.invalid:5432/mdo",
            "DB_CONNECT_TIMEOUT": "2",
            "DB_STATEMENT_TIMEOUT": "7",
            "DB_TCP_TIMEOUT": "4",
        }
    )
    code = "import json; from mdo import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout.strip().splitlines()[-1])
    assert options["connect_timeout"] == 2  # seconds, libpq's unit
    assert options["tcp_user_timeout"] == 4000  # milliseconds
    assert options["options"] == "-c statement_timeout=7000"


@postgres_only
@pytest.mark.django_db
def test_the_connect_timeout_reaches_libpq():
    connection.ensure_connection()
    parameters = connection.connection.info.get_parameters()
    assert parameters["connect_timeout"] == str(postgres_timeout_options()["connect_timeout"])
