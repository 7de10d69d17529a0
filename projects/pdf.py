"""The one-page project sheet handed to elected officials."""

from django.template.loader import render_to_string
from django.utils import timezone


def project_sheet(project, *, request=None) -> bytes:
    from weasyprint import HTML  # slow import: only when a sheet is asked for

    html = render_to_string("projects/project_sheet.html", {
        "project": project,
        "timeline": list(project.timeline.select_related("author")[:12]),
        "today": timezone.localdate(),
    })
    base_url = request.build_absolute_uri("/") if request else None
    return HTML(string=html, base_url=base_url).write_pdf()
