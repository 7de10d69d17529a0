import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def _database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def test_healthz_reports_a_broken_database(client):
    # Django's execute_wrapper hook makes every query fail as an unreachable server does.
    with connection.execute_wrapper(_database_down):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


def test_healthz_is_not_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
