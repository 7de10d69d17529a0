from django.db import transaction
from django.utils import timezone

from planning.models import PhaseKind, PhaseStatus, ProjectPhase

#: The phase kinds every city starts with: (name, order, starts with status, ends with status).
DEFAULT_PHASE_KINDS = [
    ("Concertation", 10, "", "winner"),
    ("Études", 20, "design", "procurement"),
    ("Délibération", 30, "", ""),
    ("Consultation des entreprises", 40, "procurement", "works"),
    ("Travaux", 50, "works", "delivered"),
    ("Inauguration", 60, "delivered", "closed"),
]


def phase_kinds_ensure_defaults() -> None:
    """Create the default phase kinds that are missing (the migration does it too; a flushed test
    database or a new demo may lack them). An administrator's changes to existing ones are kept."""
    for name, order, starts_with, ends_with in DEFAULT_PHASE_KINDS:
        PhaseKind.objects.get_or_create(name=name, defaults={"order": order, "starts_with": starts_with,
                                                             "ends_with": ends_with})


@transaction.atomic
def phases_follow_status(*, project, source: str, target: str, by=None, **kwargs) -> int:
    """A project's status change fills the actual dates of its phases.

    The phases whose kind starts with ``target`` get today as actual start and go « En cours »; those
    whose kind ends with ``target`` get today as actual end (and start, if none) and go « Terminée ».
    Dates already filled are kept. Side effects: the phases saved (with their history). Returns how many.
    """
    today = timezone.localdate()
    changed = 0
    phases = ProjectPhase.objects.select_for_update().filter(project=project).select_related("kind")
    for phase in phases:
        dirty = False
        if phase.kind.starts_with == target and phase.actual_start is None:
            phase.actual_start = today
            phase.status = PhaseStatus.IN_PROGRESS
            dirty = True
        if phase.kind.ends_with == target and phase.actual_end is None:
            phase.actual_start = phase.actual_start or today
            phase.actual_end = today
            phase.status = PhaseStatus.DONE
            dirty = True
        if dirty:
            phase.save()
            changed += 1
    return changed
