"""The navigation badge: how many open tasks a user has, across every registered source.

The badge shows on every page, so it must cost (almost) nothing: the sources' querysets are
counted together in one ``SELECT COUNT(*) FROM (… UNION ALL …)``, the result is kept on the request
(a page asks once whatever its templates do; the bell's unread count is read in the same query) and, briefly, in the cache per user. Any save or delete
of a model bumps a version that is part of the cache key, so that a task taken, answered or created
shows at the next page; the short timeout bounds staleness where the cache is per process.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models.signals import post_delete, post_save

from mdo.registry import registry

VERSION_KEY = "mdo:tasks:version"


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def bump_version(**kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates the cached counts
        cache.set(VERSION_KEY, 1, None)


TASKS = "tasks"


def _task_union(user):
    """The open tasks of every source with a queryset as one ``UNION ALL``, and the count of the others."""
    querysets, total = [], 0
    for source in registry.tasks:
        if source.queryset is None:
            total += source.count(user)
        else:
            querysets.append(source.queryset(user).order_by().values_list("pk"))
    union = querysets[0].union(*querysets[1:], all=True) if querysets else None
    return union, total


def _count_together(querysets: dict) -> dict[str, int]:
    """``COUNT(*)`` of each queryset, all in one ``SELECT`` of scalar subqueries: one round trip."""
    counts, selects, params, keys = {}, [], [], []
    for key, queryset in querysets.items():
        try:
            sql, sql_params = queryset.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # a source's ``none()``: nothing to ask the database
            counts[key] = 0
            continue
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(keys)})")
        params.extend(sql_params)
        keys.append(key)
    if selects:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            counts.update(zip(keys, cursor.fetchone(), strict=True))
    return counts


def count_in_sql(user) -> int:
    """Every source's open tasks for ``user`` in one query (sources without a queryset: their own count)."""
    union, total = _task_union(user)
    return total + (_count_together({TASKS: union})[TASKS] if union is not None else 0)


def nav_counts(request) -> dict[str, int]:
    """The task badge (under ``TASKS``) and every registered navigation count, in one query.

    The task count may come from the cache (see above); the other counts (the bell's unread
    notifications) are always read fresh, in the same query as the tasks when those are not cached.
    """
    counts = getattr(request, "_mdo_nav_counts", None)
    if counts is not None:
        return counts
    user = request.user
    seconds = getattr(settings, "TASK_COUNT_CACHE_SECONDS", 30)
    key = f"mdo:tasks:{user.pk}:{_version()}" if seconds else None
    tasks = cache.get(key) if key else None
    querysets = {entry.key: entry.queryset(user).order_by().values("pk") for entry in registry.nav_counts}
    others = 0
    if tasks is None:
        union, others = _task_union(user)
        if union is not None:
            querysets[TASKS] = union
    counts = _count_together(querysets)
    if tasks is None:
        tasks = others + counts.pop(TASKS, 0)
        if key:
            cache.set(key, tasks, seconds)
    counts[TASKS] = tasks
    request._mdo_nav_counts = counts
    return counts


def open_task_count(request) -> int:
    return nav_counts(request)[TASKS]


def nav_count(request, key: str) -> int:
    return nav_counts(request)[key]


def connect() -> None:
    post_save.connect(bump_version, dispatch_uid="mdo.inbox.bump_version.save")
    post_delete.connect(bump_version, dispatch_uid="mdo.inbox.bump_version.delete")
