"""The list view every app uses: scoped queryset, filters, sorting, pagination, export."""

from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from mdo import access
from mdo.exports import french_csv_response, xlsx_response


class ScopedTableView(ExportMixin, SingleTableMixin, FilterView):
    """A django-tables2 list of what the user may see, filtered, exported as CSV or XLSX.

    The export holds exactly the filtered rows (all pages), with the columns of the table.
    """

    template_name = "mdo/list.html"
    export_formats = ("csv", "xlsx")
    export_name = "export"
    title = ""
    breadcrumbs: list[tuple[str, str | None]] = []
    paginate_by = 50

    def get_base_queryset(self):
        return access.visible(self.request.user, self.model)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_export_filename(self, export_format):
        return f"{self.export_name}-{timezone.localdate():%Y-%m-%d}.{export_format}"

    def create_export(self, export_format):
        """French Excel files (``mdo.exports``) instead of tablib's: typed cells, ``;``, BOM, no formulas."""
        table = self.get_table(**self.get_table_kwargs())
        rows = table.as_values(exclude_columns=self.exclude_columns)
        filename = self.get_export_filename(export_format)
        if export_format == "xlsx":
            return xlsx_response(rows, title=self.title or self.export_name, filename=filename)
        return french_csv_response(rows, filename=filename)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["breadcrumbs"] = self.breadcrumbs
        context["export_formats"] = self.export_formats
        context["query_without_page"] = _query_without(self.request.GET, "page", "_export")
        return context


def _query_without(querydict, *keys) -> str:
    query = querydict.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()
