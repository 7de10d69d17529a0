"""The one-page project sheet handed to elected officials."""

from django.utils import timezone

from mdo.pdf import render_pdf


def project_sheet(project, *, request=None) -> bytes:
    return render_pdf(
        "projects/project_sheet.html",
        {
            "project": project,
            "timeline": list(project.timeline.select_related("author")[:12]),
            "today": timezone.localdate(),
        },
        base_url=request.build_absolute_uri("/") if request else None,
    )
