"""What ``/healthz`` checks: each part the app needs to render a page, as a list other parts can extend.

A check is a function that returns None when its part works and a short reason otherwise; it may
also return :data:`NOT_CONFIGURED` when its part is not used by this installation (left out of the
answer). An app appends its own with :func:`register_check` (in its ``AppConfig.ready()``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, connection

if TYPE_CHECKING:
    from huey.storage import RedisStorage, SqliteStorage

NOT_CONFIGURED = "not-configured"


@dataclass(frozen=True)
class HealthCheck:
    name: str
    run: Callable[[], str | None]
    #: Checks that must pass first; when one failed this one is reported "unavailable" without waiting again.
    requires: tuple[str, ...] = ()


def check_database() -> str | None:
    # The connection gives up after DB_CONNECT_TIMEOUT seconds (settings): the balancer gets an answer.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return None


_migrations_applied = False


def check_migrations() -> str | None:
    """Every migration of the code is applied (a page on a table the code expects but the base lacks fails)."""
    global _migrations_applied
    if _migrations_applied:
        return None  # applied migrations stay applied for the life of the process
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "unavailable"
    if plan:
        return f"{len(plan)} not applied"
    _migrations_applied = True
    return None


def check_static_files() -> str | None:
    """With the manifest storage (production), the manifest of ``collectstatic`` is there and names our files."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return NOT_CONFIGURED
    try:
        for name in ("vendor/bootstrap/bootstrap.min.css", "mdo/app.css", "mdo/app.js"):
            storage.stored_name(name)
    except ValueError:
        return "manifest missing (run collectstatic)"
    return None


def check_cache() -> str | None:
    """A shared cache (Redis) answers; a process-local cache is not worth checking."""
    from django.core.cache import cache

    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return NOT_CONFIGURED
    try:
        cache.set("healthz", "ok", 10)
        if cache.get("healthz") != "ok":
            return "unavailable"
    except Exception:  # each cache backend raises its own client's errors (redis.ConnectionError, …)
        return "unavailable"
    return None


#: Seconds the queue probe waits for the queue's storage, so the balancer gets its answer within ~2 s.
QUEUE_TIMEOUT = 1


def check_queue() -> str | None:
    """The task queue's storage (Redis, or the SQLite file of SqliteHuey) takes a write.

    E-mail delivery, imports and exports and the periodic jobs go through it: a web process that cannot
    reach it queues nothing. The probe has its own connection and timeout, so a silent Redis or a file
    behind a stuck mount cannot hold the answer longer than the balancer waits. In immediate mode (work run
    in the request's own process) there is no queue to reach.
    """
    from huey.contrib.djhuey import HUEY
    from huey.storage import RedisStorage, SqliteStorage

    storage = HUEY.storage
    if isinstance(storage, RedisStorage):
        return _check_redis_queue(storage)
    if isinstance(storage, SqliteStorage):
        return _check_sqlite_queue(storage)
    return NOT_CONFIGURED


#: What names the Redis server and how to sign in to it, copied from the queue's pool to the probe's (the rest
#: of a pool's connection arguments are the client's own bookkeeping).
_REDIS_ADDRESS_ARGUMENTS = ("host", "port", "path", "db", "username", "password", "credential_provider", "protocol")


def _check_redis_queue(storage: "RedisStorage") -> str | None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # The queue's own pool may wait longer (the consumer's blocking reads): a pool to the same server with
    # short timeouts and no retry, dropped after the probe.
    address = {
        key: value
        for key, value in storage.pool.connection_kwargs.items()
        if key in _REDIS_ADDRESS_ARGUMENTS or key.startswith("ssl")
    }
    pool = redis.ConnectionPool(
        connection_class=storage.pool.connection_class,
        socket_connect_timeout=QUEUE_TIMEOUT,
        socket_timeout=QUEUE_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        **address,
    )
    try:
        redis.Redis(connection_pool=pool).set(f"huey.healthz.{storage.name}", "ok", ex=60)
    except redis.RedisError:
        return "unavailable"
    finally:
        pool.disconnect()
    return None


def _check_sqlite_queue(storage: "SqliteStorage") -> str | None:
    import sqlite3
    from pathlib import Path
    from urllib.parse import quote

    # A connection of its own that never creates the file (mode=rw): the process's open connection would
    # still write to a file removed since (the consumer, opening the path, would not see it).
    uri = f"file:{quote(str(Path(storage.filename).resolve()))}?mode=rw"
    try:
        probe = sqlite3.connect(uri, uri=True, timeout=QUEUE_TIMEOUT, isolation_level=None)
    except sqlite3.Error:
        return "unavailable"
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("INSERT OR REPLACE INTO kv (queue, key, value) VALUES (?, 'healthz', x'00')", (storage.name,))
        probe.execute("ROLLBACK")
    except sqlite3.Error:
        return "unavailable"
    finally:
        probe.close()
    return None


CHECKS: list[HealthCheck] = [
    HealthCheck("database", check_database),
    HealthCheck("migrations", check_migrations, requires=("database",)),
    HealthCheck("static", check_static_files),
    HealthCheck("cache", check_cache),
    HealthCheck("queue", check_queue),
]


def register_check(name: str, run: Callable[[], str | None], *, requires: tuple[str, ...] = ()) -> None:
    CHECKS.append(HealthCheck(name, run, requires))


def run_checks() -> tuple[bool, dict[str, str]]:
    """(all good, {check name: "ok" or the reason}) for the checks that apply here."""
    results = {}
    for check in CHECKS:
        if any(results.get(name, "ok") != "ok" for name in check.requires):
            results[check.name] = "unavailable"
            continue
        outcome = check.run()
        if outcome != NOT_CONFIGURED:
            results[check.name] = outcome or "ok"
    return all(value == "ok" for value in results.values()), results
