"""The project page's « Consultations » section: the consultations linked to the project, and its evaluation."""

from django.template.loader import render_to_string

from consultations.access import is_mdo
from consultations.models import Consultation, Evaluation
from mdo import access


def project_consultations_section(request, project) -> str:
    consultations = list(access.visible(request.user, Consultation.objects.filter(projects=project)))
    evaluation = Evaluation.objects.filter(project=project).first()
    may_evaluate = is_mdo(request.user) and project.status in ("delivered", "closed")
    if not consultations and evaluation is None and not may_evaluate:
        return ""
    return render_to_string("consultations/_project_section.html", {
        "consultations": consultations, "evaluation": evaluation, "may_evaluate": may_evaluate, "project": project,
    }, request=request)
