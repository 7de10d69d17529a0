"""A real Huey consumer process (`manage.py run_huey`) on real storage — the SQLite file of the
default set-up, then Redis — delivering to a real SMTP server, and killed with SIGKILL mid-send."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.outbox.smtp import SMTPServer

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = "redis://127.0.0.1:6379/14"  # a database number of its own, emptied by the test

pytestmark = [pytest.mark.real_consumer]


def _redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def consumer_env(request, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MDO_TEST", "PYTEST", "REDIS_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mdo.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "HUEY_NAME": f"mdo-test-{uuid.uuid4().hex[:8]}",
            "HUEY_WORKERS": "1",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "OUTBOX_LEASE_SECONDS": "3",
            "OUTBOX_RETRY_DELAY": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    if request.param == "redis":
        if not _redis_available():
            pytest.fail("Redis doit écouter sur 127.0.0.1:6379 (redis-server --daemonize yes).")
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()
        env["REDIS_URL"] = REDIS_TEST_URL
    else:
        env["HUEY_FILE"] = str(tmp_path / "huey.sqlite3")
    # The consumer only reads and writes the outbox: its table alone, rather than every migration.
    manage(
        env,
        "shell",
        "-c",
        "from django.db import connection\nfrom outbox.models import OutboxMessage\n"
        "with connection.schema_editor() as editor:\n    editor.create_model(OutboxMessage)\n",
    )
    yield env
    if request.param == "redis":
        import redis

        redis.Redis.from_url(REDIS_TEST_URL).flushdb()


def manage(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
        text=True,
        **kwargs,
    )


def start_consumer(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", "1"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def statuses(env) -> list[str]:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT status FROM outbox_outboxmessage ORDER BY id")]


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"délai dépassé : {what}")


def test_a_consumer_killed_mid_send_loses_nothing_and_sends_nothing_twice(consumer_env):
    smtp = SMTPServer()
    consumer_env["EMAIL_PORT"] = str(smtp.port)
    smtp.start()
    smtp.handler.hold_seconds = 60  # the first message is in DATA when the consumer dies
    try:
        manage(
            consumer_env,
            "shell",
            "-c",
            "from django.core.mail import send_mail\n"
            "for n in range(5):\n"
            "    send_mail(f'Message {n}', 'Corps', None, [f'agent{n}@example.org'])\n",
        )
        assert statuses(consumer_env) == ["pending"] * 5

        consumer = start_consumer(consumer_env)
        try:
            assert smtp.handler.data_received.wait(60), "le consommateur n'a rien envoyé"
        finally:
            os.killpg(consumer.pid, signal.SIGKILL)
            consumer.wait(10)
        time.sleep(0.5)
        assert smtp.handler.messages == []  # not acknowledged by the server: not delivered
        assert "sending" in statuses(consumer_env) and "sent" not in statuses(consumer_env)

        smtp.handler.hold_seconds = 0
        consumer = start_consumer(consumer_env)
        try:
            # The other messages were still queued; the one the dead consumer held comes back once its
            # lease is over, by the sweep (queued here rather than waiting for the next minute). On a slow
            # machine the consumer's own minute sweep may take it back first: at least the four, then.
            wait_for(lambda: len(smtp.handler.messages) >= 4, 120, "les messages en file")
            time.sleep(3.5)
            manage(consumer_env, "shell", "-c", "from outbox.tasks import sweep_outbox; sweep_outbox()")
            wait_for(lambda: statuses(consumer_env) == ["sent"] * 5, 120, "le message repris")
            time.sleep(1)
        finally:
            consumer.send_signal(signal.SIGINT)
            consumer.wait(30)
    finally:
        smtp.stop()
    subjects = sorted(str(message["Subject"]) for message in smtp.handler.messages)
    assert subjects == [f"Message {n}" for n in range(5)]  # each exactly once
    assert len(set(smtp.handler.message_ids())) == 5
