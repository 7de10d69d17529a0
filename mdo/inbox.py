"""The navigation badge: how many open tasks a user has, across every registered source.

The badge shows on every page, so it must cost (almost) nothing: the sources' querysets are
counted together in one ``SELECT COUNT(*) FROM (… UNION ALL …)``, the result is kept on the request
(a page asks once whatever its templates do) and, briefly, in the cache per user. Any save or delete
of a model bumps a version that is part of the cache key, so that a task taken, answered or created
shows at the next page; the short timeout bounds staleness where the cache is per process.
"""

from django.conf import settings
from django.core.cache import cache
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


def count_in_sql(user) -> int:
    """Every source's open tasks for ``user`` in one query (sources without a queryset: their own count)."""
    querysets, total = [], 0
    for source in registry.tasks:
        if source.queryset is None:
            total += source.count(user)
        else:
            querysets.append(source.queryset(user).order_by().values_list("pk"))
    if querysets:
        total += querysets[0].union(*querysets[1:], all=True).count()
    return total


def open_task_count(request) -> int:
    cached = getattr(request, "_mdo_open_task_count", None)
    if cached is not None:
        return cached
    user = request.user
    seconds = getattr(settings, "TASK_COUNT_CACHE_SECONDS", 30)
    if not seconds:
        count = count_in_sql(user)
    else:
        key = f"mdo:tasks:{user.pk}:{_version()}"
        count = cache.get(key)
        if count is None:
            count = count_in_sql(user)
            cache.set(key, count, seconds)
    request._mdo_open_task_count = count
    return count


def connect() -> None:
    post_save.connect(bump_version, dispatch_uid="mdo.inbox.bump_version.save")
    post_delete.connect(bump_version, dispatch_uid="mdo.inbox.bump_version.delete")
