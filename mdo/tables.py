"""The base of every list: one look, French empty text, CSV/XLSX export of what the filters show."""

import functools

import django_tables2 as tables
from django.db.models import QuerySet
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from django_tables2.rows import BoundRow
from django_tables2.utils import signature

from mdo.enums import district_label
from mdo.models import Organisation


class BaseTable(tables.Table):
    class Meta:
        template_name = "mdo/table.html"
        attrs = {"class": "table table-sm table-hover align-middle table-list"}
        empty_text = _("Aucun élément ne correspond à ces critères.")
        per_page = 50

    def _export_rows(self):
        """The rows of every page, read from the database in chunks: a 6 000-row export does not
        keep its 6 000 model instances (and their related rows) in the queryset's cache."""
        records = getattr(self.data, "data", None)
        if isinstance(records, QuerySet):
            return (BoundRow(record, table=self) for record in records.iterator(chunk_size=2000))
        return self.rows

    def as_values(self, exclude_columns=None):
        """The rows of the export: django-tables2's ``Table.as_values``, cell for cell, but quick.

        The stock version calls ``call_with_appropriate`` for every cell, which runs
        ``inspect.signature`` on the column's ``value`` (and, for the default ``Column.value``, again
        on its ``render``) — about 60 % of a 6 000-row export — and finds each bound column by name
        with a linear scan. Here both are done once per column; the value of a cell is still read by
        the row's own ``_get_and_render_with`` (accessor, ``get_FOO_display``, empty values, default).
        """
        exclude_columns = exclude_columns or ()
        columns = [
            column
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        callers = [_value_caller(column) for column in columns]

        yield [force_str(column.header, strings_only=True) for column in columns]

        for row in self._export_rows():
            cell_arguments = row._optional_cell_arguments
            yield [
                force_str(
                    row._get_and_render_with(
                        column,
                        render_func=lambda bound_column, value=None, call=call, cell_arguments=cell_arguments: call(
                            cell_arguments(bound_column, value)
                        ),
                        default=None,
                    ),
                    strings_only=True,
                )
                for column, call in zip(columns, callers, strict=True)
            ]


def _appropriate_caller(fn):
    """``django_tables2.utils.call_with_appropriate(fn, kwargs)`` with ``fn``'s signature read once."""
    args, catch_all = signature(fn)
    if catch_all:
        return lambda kwargs: fn(**kwargs)

    def call(kwargs):
        if any(arg not in kwargs for arg in args):
            return None
        return fn(**{arg: kwargs[arg] for arg in args})

    return call


def _value_caller(bound_column):
    """What ``BoundRow._call_value`` calls for this column: ``value_<name>``, ``render_<name>`` or
    the column's ``value``; the stock ``Column.value`` only forwards its arguments to ``render``."""
    value = bound_column.value
    if getattr(value, "__func__", None) is tables.Column.value:
        return _appropriate_caller(bound_column.column.render)
    return _appropriate_caller(value)


@functools.cache
def choice_labels(model, field_name: str) -> dict:
    """The labels of a choice field, as text, computed once per process.

    ``get_FOO_display()`` looks the value up among lazy labels and renders one to text on every call
    (a dozen ``gettext`` calls per cell); the app speaks French only (``settings.LANGUAGES``), so
    the rendered labels do not change while the process runs.
    """
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def choice_label(record, field_name: str) -> str:
    """What ``record.get_<field_name>_display()`` returns, from the precomputed labels."""
    value = getattr(record, field_name)
    return choice_labels(type(record), field_name).get(value, value)


class DistrictColumn(tables.Column):
    def render(self, value):
        return district_label(value)

    def value(self, value):
        return district_label(value)


class OrganisationTable(BaseTable):
    name = tables.Column(linkify=True, verbose_name=_("Nom"))
    kind = tables.Column(verbose_name=_("Type"))
    district = DistrictColumn(verbose_name=_("Arrondissement"), default="—")
    email = tables.EmailColumn(verbose_name=_("E-mail"))
    members = tables.Column(verbose_name=_("Membres"), accessor="member_count", orderable=True)

    class Meta(BaseTable.Meta):
        model = Organisation
        fields = ("name", "kind", "district", "email", "members")
