"""Redis as production uses it: the shared cache of the app servers, and the queue of RedisHuey."""

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from huey import RedisHuey

REDIS_TEST_URL = "redis://127.0.0.1:6379/13"  # a database number of its own, emptied by the tests


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.flushdb()
    except redis.RedisError:
        pytest.fail("Redis doit écouter sur 127.0.0.1:6379 (redis-server --daemonize yes).")
    yield client
    client.flushdb()


def test_two_app_servers_share_one_cache(redis_db):
    first, second = (RedisCache(REDIS_TEST_URL, {"OPTIONS": {"socket_connect_timeout": 2}}) for _ in range(2))
    first.set("flux:etag", "v1", 60)
    assert second.get("flux:etag") == "v1"
    second.delete("flux:etag")
    assert first.get("flux:etag") is None


def test_settings_switch_cache_and_queue_to_redis_when_redis_url_is_set(redis_db):
    env = {**os.environ, "REDIS_URL": REDIS_TEST_URL, "DJANGO_SETTINGS_MODULE": "mdo.settings"}
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings; from huey.contrib.djhuey import HUEY\n"
        "print(settings.CACHES['default']['BACKEND'], type(HUEY).__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert out == ["django.core.cache.backends.redis.RedisCache", "RedisHuey"]


def test_redis_huey_queues_a_task_for_another_consumer(redis_db):
    producer = RedisHuey("mdo-test-queue", url=REDIS_TEST_URL)
    consumer = RedisHuey("mdo-test-queue", url=REDIS_TEST_URL)

    @producer.task()
    def double(n):
        return 2 * n

    consumer.task()(double.func)
    result = double(21)
    assert producer.pending_count() == 1
    task = consumer.dequeue()
    consumer.execute(task)
    assert result.get() == 42 and consumer.pending_count() == 0


# The settings' task queue, built in a process of its own as the web and consumer processes build it: queue one
# message, take it back, and say how long that took and what the queue's connections were given.
_SETTINGS_QUEUE_ROUND_TRIP = """
import json, time
import django
django.setup()
import redis
from huey.contrib.djhuey import HUEY
kwargs = HUEY.storage.pool.connection_kwargs
started = time.monotonic()
try:
    HUEY.storage.enqueue(b"message")
    outcome = HUEY.storage.dequeue().decode()
except redis.RedisError as error:
    outcome = type(error).__name__
print(json.dumps({
    "class": type(HUEY).__name__,
    "connect_timeout": kwargs.get("socket_connect_timeout"),
    "timeout": kwargs.get("socket_timeout"),
    "db": kwargs.get("db"),
    "outcome": outcome,
    "seconds": time.monotonic() - started,
}))
"""


def _settings_queue_round_trip(redis_url: str) -> dict:
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "mdo.settings",
        "HUEY_NAME": "mdo-test-timeouts",
    }
    result = subprocess.run(
        [sys.executable, "-c", _SETTINGS_QUEUE_ROUND_TRIP],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_settings_queue_bounds_its_waits_on_redis(redis_db):
    queue = _settings_queue_round_trip(REDIS_TEST_URL)
    assert queue["class"] == "RedisHuey"
    assert queue["db"] == 13  # the rest of the URL is kept
    # Seconds, set by the settings (the pool's arguments hold only what was given, not redis-py's defaults).
    assert queue["connect_timeout"] == 2 and queue["timeout"] == 3
    assert queue["outcome"] == "message"


@pytest.fixture
def silent_redis():
    """A Redis address that accepts connections and never answers (a hung host)."""
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
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()
    for connection in held:
        connection.close()


def test_the_settings_queue_gives_up_on_a_silent_redis_within_seconds(silent_redis):
    queue = _settings_queue_round_trip(silent_redis)
    assert queue["outcome"] == "TimeoutError"
    assert 2.5 < queue["seconds"] < 4.5, queue  # the settings' 3-second read timeout (redis-py 8's own is 5 s)
