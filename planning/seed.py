"""Demo phases: each winner's plan split into études, consultation, travaux and inauguration."""

import datetime
import random

from django.db import transaction

from planning.models import PhaseKind, PhaseStatus, ProjectPhase

#: Share of the project's planned duration given to each phase, in order.
SPLIT = [("Études", 0.35), ("Consultation des entreprises", 0.2), ("Travaux", 0.4), ("Inauguration", 0.05)]
#: How far a project of this status has gone through the phases above.
DONE_PHASES = {"winner": 0, "design": 0, "procurement": 1, "works": 2, "delivered": 3, "closed": 4}


@transaction.atomic
def seed_planning(*, size: str, stdout) -> None:
    from planning.services import phase_kinds_ensure_defaults
    from projects.models import Project

    phase_kinds_ensure_defaults()
    kinds = {kind.name: kind for kind in PhaseKind.objects.all()}
    projects = (
        Project.objects.filter(selected=True, planned_start__isnull=False, planned_end__isnull=False)
        .exclude(phases__isnull=False)
        .order_by("pk")
    )
    phases = []
    rng = random.Random(15)
    for project in projects:
        span = max((project.planned_end - project.planned_start).days, len(SPLIT))
        start = project.planned_start
        done = DONE_PHASES.get(project.status, 0)
        actual = project.actual_start or start
        for index, (name, share) in enumerate(SPLIT):
            if name not in kinds:
                continue
            end = start + datetime.timedelta(days=max(int(span * share), 1))
            phase = ProjectPhase(
                project=project, kind=kinds[name], planned_start=start, planned_end=end, owner_id=project.officer_id
            )
            # Real life: a finished phase took between 85 % and 125 % of its planned time.
            length = datetime.timedelta(days=int((end - start).days * rng.uniform(0.85, 1.25)))
            if index < done:
                phase.actual_start, phase.actual_end, phase.status = actual, actual + length, PhaseStatus.DONE
                actual += length
            elif index == done and project.status not in ("winner",):
                phase.actual_start, phase.status = actual, PhaseStatus.IN_PROGRESS
            phases.append(phase)
            start = end
    ProjectPhase.objects.bulk_create(phases, batch_size=2000)
    stdout.write(f"Planning : {ProjectPhase.objects.count()} phases ({len(phases)} créées).")
