"""Redis as production uses it: the shared cache of the app servers, and the queue of RedisHuey."""

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
    import os
    import subprocess
    import sys
    from pathlib import Path

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
