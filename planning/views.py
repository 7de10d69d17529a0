import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mdo import access, policy
from planning import selectors, services
from planning.forms import PhaseForm
from planning.models import ProjectPhase
from projects.filters import ProjectFilter
from projects.models import Project

PROJECTS_PER_PAGE = 30


def gantt(request):
    """« Planning »: the phases of the filtered projects on a time line (the projects list's filters)."""
    filterset = ProjectFilter(
        request.GET or None, queryset=selectors.projects_with_phases(user=request.user), request=request
    )
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
    return render(
        request,
        "planning/gantt.html",
        {
            "filter": filterset,
            "page": page,
            "gantt": selectors.build_gantt(projects=rows, phases=phases, milestones=milestones),
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "breadcrumbs": [("Projets", reverse("projects:index")), ("Planning", None)],
        },
    )


def _xlsx(request, projects):
    """Every phase of the filtered projects (all pages) as a spreadsheet."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Planning"
    sheet.append(
        [
            "Projet",
            "Arrondissement",
            "Phase",
            "Début prévu",
            "Fin prévue",
            "Début réel",
            "Fin réelle",
            "Responsable",
            "Statut",
            "En retard",
        ]
    )
    for phase in selectors.phases_of(user=request.user, projects=projects.values("pk")):
        sheet.append(
            [
                phase.project.title,
                phase.project.district_label,
                str(phase.kind),
                phase.planned_start,
                phase.planned_end,
                phase.actual_start,
                phase.actual_end,
                str(phase.owner or ""),
                phase.get_status_display(),
                "oui" if phase.is_late else "non",
            ]
        )
    for column in "DEFG":
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="planning-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


def _phase_page(request, form, project, phase=None, status=200):
    title = f"Modifier la phase « {phase.kind} »" if phase else "Nouvelle phase"
    return render(
        request,
        "planning/phase_form.html",
        {
            "form": form,
            "project": project,
            "phase": phase,
            "title": title,
            "breadcrumbs": [
                ("Projets", reverse("projects:index")),
                (project.title, project.get_absolute_url()),
                (title, None),
            ],
        },
        status=status,
    )


def _save(request, form, project, phase=None):
    """Save a bound form through the service; the page again with the refusal at the fields."""
    if form.is_valid():
        try:
            services.phase_save(phase=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Phase enregistrée.")
            return redirect(f"{project.get_absolute_url()}#phases")
    return _phase_page(request, form, project, phase, status=400)


def phase_create(request, project_pk: int):
    """A new planned phase on a project, for those who may plan it (``planning.projectphase`` change)."""
    project = access.get_visible_or_404(request.user, Project, pk=project_pk)
    policy.require(request.user, "change", ProjectPhase(project=project))
    form = PhaseForm(request.POST or None, project=project)
    if request.method == "POST":
        return _save(request, form, project)
    return _phase_page(request, form, project)


def phase_edit(request, pk: int):
    phase = access.get_visible_or_404(request.user, ProjectPhase.objects.select_related("project", "kind"), pk=pk)
    policy.require(request.user, "change", phase)
    form = PhaseForm(request.POST or None, instance=phase, project=phase.project)
    if request.method == "POST":
        return _save(request, form, phase.project, phase)
    return _phase_page(request, form, phase.project, phase)


@require_POST
def phase_delete(request, pk: int):
    phase = access.get_visible_or_404(request.user, ProjectPhase.objects.select_related("project", "kind"), pk=pk)
    policy.require(request.user, "change", phase)
    project = phase.project
    services.phase_delete(phase=phase, by=request.user)
    messages.success(request, "Phase supprimée.")
    return redirect(f"{project.get_absolute_url()}#phases")
