"""The list view every app uses: scoped queryset, filters, sorting, pagination, export."""

from django.shortcuts import redirect
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from mdo import access
from mdo.exports import french_csv_response, xlsx_response

FILTERS_SESSION_KEY = "list_filters"
RESET_PARAMETER = "reinitialiser"


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

    #: Ready-made filters shown above the list: (label, query string); ``{me}`` is the user's id.
    saved_views: list[tuple[str, str]] = []

    def get(self, request, *args, **kwargs):
        """Filters are kept per list for the session: coming back to a list shows it as it was left.

        ``?reinitialiser=1`` (the « Réinitialiser » link) forgets them; an export never changes them.
        """
        remembered = request.session.get(FILTERS_SESSION_KEY, {})
        if RESET_PARAMETER in request.GET:
            if remembered.pop(request.path, None) is not None:
                request.session[FILTERS_SESSION_KEY] = remembered
            return redirect(request.path)
        if "_export" not in request.GET:
            query = _query_without(request.GET, "page")
            if query and remembered.get(request.path) != query:
                remembered[request.path] = query
                request.session[FILTERS_SESSION_KEY] = remembered
            elif not query and remembered.get(request.path):
                return redirect(f"{request.path}?{remembered[request.path]}")
        return super().get(request, *args, **kwargs)

    def get_saved_views(self) -> list[tuple[str, str]]:
        return self.saved_views

    def get_base_queryset(self):
        return access.visible(self.request.user, self.model)

    def get_queryset(self):
        return self.get_base_queryset()

    def get_paginate_by(self, queryset):
        # django-tables2 paginates the table (it reads ``paginate_by`` itself); the ListView's own
        # pagination of ``object_list`` would count the filtered rows a second time.
        return None

    def get_table(self, **kwargs):
        # Built once per request: the export reuses the table the page's context was built with.
        if getattr(self, "_table", None) is None:
            self._table = super().get_table(**kwargs)
        return self._table

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
        context["reset_url"] = f"{self.request.path}?{RESET_PARAMETER}=1"
        current = _query_without(self.request.GET, "page", "_export")
        context["saved_views"] = [
            {
                "label": label,
                "url": f"{self.request.path}?{query.format(me=self.request.user.pk)}",
                "active": current == query.format(me=self.request.user.pk),
            }
            for label, query in self.get_saved_views()
        ]
        return context


def _query_without(querydict, *keys) -> str:
    query = querydict.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()
