"""The list view every app uses: scoped queryset, filters, sorting, pagination, export.

An export of more rows than ``settings.EXPORT_JOB_MIN_ROWS`` is written by the task queue (a job,
``LIST_EXPORT``): the list's button posts it, the job's page follows it and offers the file. The job
rebuilds the list's view for its owner with the same query, so that its rows are those the
immediate export would give: the same scope, filters, sorting and columns.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import resolve
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from mdo import access
from mdo.exports import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    french_csv_chunks,
    french_csv_response,
    xlsx_bytes,
    xlsx_response,
)

LIST_EXPORT = "mdo.list_export"
#: Rows between two progress reports of an export job.
EXPORT_PROGRESS_EVERY = 200

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
        """French Excel files (``mdo.exports``) instead of tablib's: typed cells, ``;``, BOM, no formulas.

        Past ``EXPORT_JOB_MIN_ROWS`` rows, a page offers to write the file in the background instead
        (a link followed again, or bookmarked; the list's own button posts at once)."""
        table = self.get_table(**self.get_table_kwargs())
        count = _row_count(table)
        if count >= settings.EXPORT_JOB_MIN_ROWS:
            return render(
                self.request,
                "mdo/export_job_offer.html",
                {
                    "title": self.title or self.export_name,
                    "count": count,
                    "export_format": export_format,
                    "breadcrumbs": self.breadcrumbs,
                },
            )
        rows = table.as_values(exclude_columns=self.exclude_columns)
        filename = self.get_export_filename(export_format)
        if export_format == "xlsx":
            return xlsx_response(rows, title=self.title or self.export_name, filename=filename)
        return french_csv_response(rows, filename=filename)

    def post(self, request, *args, **kwargs):
        """The export of the list as filtered (the query string), written by the task queue."""
        from mdo import jobs

        export_format = request.GET.get(self.export_trigger_param)
        if export_format not in self.export_formats:
            return HttpResponseNotAllowed(["GET"])
        job = jobs.job_start(
            kind=LIST_EXPORT,
            label=f"Export {export_format.upper()} : {self.title or self.export_name}",
            params={
                "path": request.path,
                "query": request.GET.urlencode(),
                "format": export_format,
                "filename": self.get_export_filename(export_format),
            },
            by=request.user,
        )
        return redirect(job)

    def export_table(self):
        """The table the export writes: the list's rows for the request's query (filters, sorting),
        every page, without the page's other context."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        if not self.filterset.is_bound or self.filterset.is_valid() or not self.get_strict():
            self.object_list = self.filterset.qs
        else:
            self.object_list = self.filterset.queryset.none()
        return self.get_table(**self.get_table_kwargs())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["breadcrumbs"] = self.breadcrumbs
        context["export_formats"] = self.export_formats
        # A large export is posted (a job) rather than followed as a link (a file in the response).
        context["export_as_job"] = _row_count(context["table"]) >= settings.EXPORT_JOB_MIN_ROWS
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


def _row_count(table) -> int:
    # The paginator has counted the rows already (one query for the page and its export).
    return table.paginator.count if getattr(table, "paginator", None) else len(table.rows)


def run_list_export(job, progress):
    """The job of a large export: the list's view rebuilt for the job's owner on the same query."""
    from mdo.jobs import JobFailed, JobFile

    params = job.params
    match = resolve(params["path"])
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ScopedTableView):
        raise JobFailed("Cette liste ne s'exporte plus.")
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = params["path"]
    request.GET = QueryDict(params["query"])
    request.user = job.owner
    view = view_class()
    view.setup(request, *match.args, **match.kwargs)
    table = view.export_table()
    total = _row_count(table)

    def counted(rows):
        # The first row is the header; each following one is a record of the list.
        for index, row in enumerate(rows):
            yield row
            if index and index % EXPORT_PROGRESS_EVERY == 0:
                progress(index, total)
        progress(total, total)

    rows = counted(table.as_values(exclude_columns=view.exclude_columns))
    if params["format"] == "xlsx":
        content = xlsx_bytes(rows, title=view.title or view.export_name)
        return JobFile(content=content, filename=params["filename"], content_type=XLSX_CONTENT_TYPE)
    return JobFile(
        content=b"".join(french_csv_chunks(rows)), filename=params["filename"], content_type=CSV_CONTENT_TYPE
    )


def _query_without(querydict, *keys) -> str:
    query = querydict.copy()
    for key in keys:
        query.pop(key, None)
    return query.urlencode()
