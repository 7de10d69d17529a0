import shutil
import socket
import threading
import time

import pytest
import redis
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from huey import RedisHuey, SqliteHuey

from mdo import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    # The test settings use neither the manifest storage nor a shared cache, and run queued work at once
    # (Huey's immediate mode, no queue to reach): those checks are left out.
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
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


QUEUE_TEST_REDIS_URL = "redis://127.0.0.1:6379/14"  # a database number of its own


@pytest.fixture
def task_queue(monkeypatch):
    """Puts a real queue (Redis or a SQLite file) in the place of the tests' immediate one, as the settings
    do outside the tests: ``task_queue(huey)``."""
    import huey.contrib.djhuey

    def use(queue):
        monkeypatch.setattr(huey.contrib.djhuey, "HUEY", queue)
        return queue

    return use


def test_healthz_checks_a_redis_queue(client, task_queue):
    queue = task_queue(RedisHuey("mdo-test-healthz", url=QUEUE_TEST_REDIS_URL))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["queue"] == "ok"
    server = redis.Redis.from_url(QUEUE_TEST_REDIS_URL)
    probe_key = f"huey.healthz.{queue.storage.name}"
    assert server.get(probe_key) == b"ok"  # the probe's write reached the server
    server.delete(probe_key)


def test_healthz_fails_when_the_redis_queue_is_unreachable(client, task_queue, unused_tcp_port):
    task_queue(RedisHuey("mdo-test-healthz", url=f"redis://127.0.0.1:{unused_tcp_port}/0"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error" and response.json()["queue"] == "unavailable"


@pytest.fixture
def silent_server():
    """A port that accepts connections and never says a word (a hung host, a firewall that drops packets)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held = []

    def hold():
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=hold, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()
    for connection_ in held:
        connection_.close()


def test_healthz_answers_within_seconds_when_redis_is_silent(client, task_queue, silent_server):
    task_queue(RedisHuey("mdo-test-healthz", url=f"redis://127.0.0.1:{silent_server}/0"))
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.json()["queue"] == "unavailable"
    # The probe waits QUEUE_TIMEOUT (1 s) for the answer; Redis's own client default would be 5 s per try.
    assert elapsed < 3, elapsed


def test_healthz_checks_a_sqlite_queue(client, task_queue, tmp_path):
    task_queue(SqliteHuey("mdo-test-healthz", filename=str(tmp_path / "huey.sqlite3")))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["queue"] == "ok"


def test_healthz_fails_when_the_sqlite_queue_directory_is_gone(client, task_queue, tmp_path):
    directory = tmp_path / "queue"
    directory.mkdir()
    queue = task_queue(SqliteHuey("mdo-test-healthz", filename=str(directory / "huey.sqlite3")))
    queue.put("job-progress-1", (1, 2))
    shutil.rmtree(directory)  # an unmounted volume, a cleaned directory
    # The process's open connection still reads the removed file; a consumer opening the path would not.
    assert queue.get("job-progress-1", peek=True) == (1, 2)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] == "unavailable"
    assert not directory.exists()  # the probe creates nothing


def test_healthz_fails_when_the_sqlite_queue_directory_never_existed(client, task_queue, tmp_path):
    filename = tmp_path / "missing" / "huey.sqlite3"
    task_queue(SqliteHuey("mdo-test-healthz", filename=str(filename), create_tables=False))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["queue"] == "unavailable"
