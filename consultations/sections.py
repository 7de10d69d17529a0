"""The project page's « Consultations » section: the consultations linked to the project, and its evaluation."""

from django.db.models import Q
from django.template.loader import render_to_string

from consultations.models import Consultation, Evaluation
from consultations.services import EVALUABLE_PROJECT
from mdo import access, policy


def project_annotations(user) -> dict:
    """Whether the project was evaluated, in the project page's own query."""
    from django.db.models import Exists, OuterRef

    return {"consultations_evaluated": Exists(Evaluation.objects.filter(project=OuterRef("pk")))}


def project_consultations_section(request, project) -> str:
    consultations = list(access.visible(request.user, Consultation.objects.filter(projects=project)))
    # Only a delivered or closed project can have been evaluated: no query for the others.
    evaluable = project.status in EVALUABLE_PROJECT
    if not evaluable:
        evaluated = False
    elif hasattr(project, "consultations_evaluated"):  # read in the project page's own query
        evaluated = project.consultations_evaluated
    else:
        evaluated = Evaluation.objects.filter(project=project).exists()
    may_evaluate = evaluable and policy.allows(request.user, "change", "consultations.evaluation")
    if not consultations and not evaluated and not may_evaluate:
        return ""
    return render_to_string(
        "consultations/_project_section.html",
        {
            "consultations": consultations,
            "evaluated": evaluated,
            "may_evaluate": may_evaluate,
            "project": project,
        },
        request=request,
    )


def meeting_resources_section(request, meeting) -> str:
    """The meeting page's « Ressources du réseau »: the resources joined to its agenda points or to it. Two queries."""
    from consultations.models import Resource

    resources = list(
        Resource.objects.filter(Q(meetings=meeting) | Q(agenda_items__meeting=meeting)).distinct().order_by("title")
    )
    if not resources:
        return ""
    points = {}
    for resource_id, title in Resource.agenda_items.through.objects.filter(agendaitem__meeting=meeting).values_list(
        "resource_id", "agendaitem__title"
    ):
        points.setdefault(resource_id, []).append(title)
    for resource in resources:
        resource.points = points.get(resource.pk, [])
    return render_to_string("consultations/_meeting_section.html", {"resources": resources}, request=request)
