"""What ``/healthz`` checks: each part the app needs to render a page, as a list other parts can extend.

A check is a function that returns None when its part works and a short reason otherwise; it may
also return :data:`NOT_CONFIGURED` when its part is not used by this installation (left out of the
answer). An app appends its own with :func:`register_check` (in its ``AppConfig.ready()``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection

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


CHECKS: list[HealthCheck] = [
    HealthCheck("database", check_database),
    HealthCheck("migrations", check_migrations, requires=("database",)),
    HealthCheck("static", check_static_files),
    HealthCheck("cache", check_cache),
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
