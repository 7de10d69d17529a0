"""Database expressions the indicators share: a day count between two dates and medians."""

from django.db.models import CharField, Count, DecimalField, F, Func, IntegerField, Q, QuerySet, Value, Window
from django.db.models.functions import Cast, RowNumber


class DaysBetween(Func):
    """Whole days from ``start`` to ``end`` (negative when ``end`` comes first), in the database.

    Django's date subtraction yields an interval whose unit differs between backends; the
    indicators need an integer they can compare, sum and rank in one query.
    """

    output_field = IntegerField()
    arity = 2

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(date(%(expressions)s)) AS INTEGER)",
            arg_joiner=")) - julianday(date(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="(CAST(%(expressions)s AS date))", arg_joiner=" AS date) - CAST(", **extra
        )


#: The columns every part of :func:`figures` has, cast alike so that the UNION holds on PostgreSQL too.
FIGURE_KEY, FIGURE_LABEL, FIGURE_VALUE = IntegerField(), CharField(), DecimalField(max_digits=20, decimal_places=2)


def part(queryset: QuerySet, *, value, key=None, label=None) -> QuerySet:
    """``queryset`` grouped by ``key`` (an integer: a year, a district) and/or ``label`` (a text: a status,
    a name), with the aggregate ``value``: one part of :func:`figures`."""
    # A part without key or label selects a NULL of the column's type: PostgreSQL types an untyped NULL
    # as text once two parts in a row have one, and then refuses the UNION with a part that has a key.
    grouped = {
        "figure_key": Cast(Value(None) if key is None else key, FIGURE_KEY),
        "figure_label": Cast(Value(None) if label is None else label, FIGURE_LABEL),
    }
    return queryset.order_by().values(**grouped).annotate(figure_value=Cast(value, FIGURE_VALUE))


def figures(parts: dict[str, QuerySet]) -> dict[str, list[tuple]]:
    """Several grouped aggregates (:func:`part`) read in one query: the parts joined by ``UNION ALL``,
    each reading its own tables once; the rows come back per part as ``(key, label, value)``."""
    if not parts:
        return {}
    columns = ("figure_part", "figure_key", "figure_label", "figure_value")
    selects = [
        rows.annotate(figure_part=Value(name, output_field=CharField())).values_list(*columns)
        for name, rows in parts.items()
    ]
    result: dict[str, list[tuple]] = {name: [] for name in parts}
    for name, key, label, value in selects[0].union(*selects[1:], all=True):
        result[name].append((key, label, value))
    return result


def median(queryset: QuerySet, expression) -> float | None:
    """The median of ``expression`` over ``queryset``: the middle row (mean of the two middle ones),
    read from the database ordered by value — two queries whatever the number of rows."""
    values = queryset.annotate(_value=expression).filter(_value__isnull=False)
    count = values.count()
    if not count:
        return None
    ordered = values.order_by("_value").values_list("_value", flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    return sum(middle) / len(middle)


def grouped_medians(queryset: QuerySet, group: str, expression) -> dict:
    """The median of ``expression`` for each value of ``group``, in one query.

    Each row is ranked inside its group by a window function; only the one or two middle rows
    of each group come back.
    """
    ranked = (
        queryset.annotate(_value=expression)
        .filter(_value__isnull=False)
        .annotate(
            _rank=Window(RowNumber(), partition_by=[F(group)], order_by=[F("_value").asc(), F("pk").asc()]),
            _size=Window(Count("pk"), partition_by=[F(group)]),
        )
    )
    # Filtering on window functions: Django wraps the query and filters the outer one.
    middle = ranked.filter(Q(_rank=(F("_size") + 1) / 2) | Q(_rank=F("_size") / 2 + 1)).values_list(
        group, "_value", "_rank", "_size"
    )
    sums: dict = {}
    for key, value, rank, size in middle:
        # Integer division in SQL: for an odd size both conditions pick the same middle row.
        keep = (rank == (size + 1) // 2) or (size % 2 == 0 and rank == size // 2 + 1)
        if keep:
            total, n = sums.get(key, (0, 0))
            sums[key] = (total + value, n + 1)
    return {key: total / n for key, (total, n) in sums.items()}


class Fractional(Func):
    """``expression`` unchanged, except on SQLite where it becomes REAL: SQLite stores 1200.00 as the
    integer 1200 and would divide it as an integer (PostgreSQL's numeric keeps the cents)."""

    template = "%(expressions)s"
    arity = 1

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra)
