import io

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from planning import selectors
from projects.filters import ProjectFilter

PROJECTS_PER_PAGE = 30


def gantt(request):
    """« Planning »: the phases of the filtered projects on a time line (the projects list's filters)."""
    filterset = ProjectFilter(request.GET or None, queryset=selectors.projects_with_phases(user=request.user),
                              request=request)
    projects = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if request.GET.get("_export") == "xlsx":
        return _xlsx(request, projects)
    page = Paginator(projects, PROJECTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    phases = selectors.phases_of(user=request.user, projects=[p.pk for p in rows])
    milestones = selectors.milestones_of(user=request.user, project_ids=[p.pk for p in rows])
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("_export", None)
    return render(request, "planning/gantt.html", {
        "filter": filterset, "page": page, "gantt": selectors.build_gantt(projects=rows, phases=phases, milestones=milestones),
        "query": query.urlencode(), "today": timezone.localdate(),
        "breadcrumbs": [("Projets", reverse("projects:index")), ("Planning", None)],
    })


def _xlsx(request, projects):
    """Every phase of the filtered projects (all pages) as a spreadsheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Planning"
    sheet.append(["Projet", "Arrondissement", "Phase", "Début prévu", "Fin prévue", "Début réel", "Fin réelle",
                  "Responsable", "Statut", "En retard"])
    for phase in selectors.phases_of(user=request.user, projects=projects.values("pk")):
        sheet.append([phase.project.title, phase.project.district_label, str(phase.kind), phase.planned_start,
                      phase.planned_end, phase.actual_start, phase.actual_end, str(phase.owner or ""),
                      phase.get_status_display(), "oui" if phase.is_late else "non"])
    for column in "DEFG":
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="planning-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response
