"""The « Phases » section of the project page (``projects.registry``): the plan, and its editing for those who may."""

from django.template.loader import render_to_string

from mdo import access, policy
from planning.models import ProjectPhase


def render_project_phases(request, project) -> str:
    """One query for the phases (with kind and owner); nothing shown to a reader when there are none."""
    phases = list(
        access.visible(request.user, ProjectPhase)
        .filter(project=project)
        .select_related("kind", "owner")
        .order_by("planned_start", "kind__order")
    )
    may_plan = policy.allows(request.user, "change", ProjectPhase(project=project))
    if not phases and not may_plan:
        return ""
    return render_to_string(
        "planning/_project_section.html",
        {"project": project, "phases": phases, "may_plan": may_plan},
        request=request,
    )
