"""Query helpers shared by the apps' selectors."""

from django.db.models import Count, Window


def first_rows_and_total(queryset, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows of ``queryset`` and how many it holds, in one query.

    A panel that shows « 10 of N » would otherwise run its list and then a ``COUNT(*)``: the count
    rides along as a window over the whole filtered set (``COUNT(*) OVER ()``), computed before the
    LIMIT. Not for a ``DISTINCT`` queryset (the window counts the rows before they are merged).
    """
    if queryset.query.distinct:
        rows = list(queryset[:limit])
        return rows, (queryset.count() if len(rows) == limit else len(rows))
    rows = list(queryset.annotate(_window_total=Window(Count("pk")))[:limit])
    return rows, (rows[0]._window_total if rows else 0)
