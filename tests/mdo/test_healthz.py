import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder

from mdo import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The test settings use neither the manifest storage nor a shared cache: those checks are left out.
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok"}


def _database_down(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


def test_healthz_reports_a_broken_database(client):
    # Django's execute_wrapper hook makes every query fail as an unreachable server does.
    with connection.execute_wrapper(_database_down):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "migrations": "unavailable"}


def test_healthz_is_not_cached(client):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


def test_healthz_fails_when_a_migration_is_not_applied(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)  # the process has not seen them all applied yet
    MigrationRecorder.Migration.objects.filter(app="meetings").order_by("-id").first().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "1 not applied"


def test_healthz_fails_without_the_static_manifest(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # collectstatic never ran here
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["static"] == "manifest missing (run collectstatic)"


def test_healthz_checks_the_static_manifest_once_built(client, settings, tmp_path):
    (tmp_path / "staticfiles.json").write_text(
        '{"paths": {"vendor/bootstrap/bootstrap.min.css": "vendor/bootstrap/bootstrap.min.abc.css",'
        ' "mdo/app.css": "mdo/app.abc.css", "mdo/app.js": "mdo/app.abc.js"}, "version": "1.1"}'
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["static"] == "ok"


def _redis_cache(location):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_healthz_checks_a_shared_cache(client, settings):
    settings.CACHES = _redis_cache("redis://127.0.0.1:6379/15")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


def test_healthz_fails_when_the_shared_cache_is_unreachable(client, settings, unused_tcp_port):
    settings.CACHES = _redis_cache(f"redis://127.0.0.1:{unused_tcp_port}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"


@pytest.fixture
def unused_tcp_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
