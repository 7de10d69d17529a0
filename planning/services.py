from django.core.exceptions import ValidationError
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
        PhaseKind.objects.get_or_create(
            name=name, defaults={"order": order, "starts_with": starts_with, "ends_with": ends_with}
        )


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


def phase_errors(*, project, planned_start, planned_end, actual_start=None, actual_end=None) -> dict[str, str]:
    """What is wrong with a phase's dates, by field: in order, and the planned ones inside the project's."""
    errors: dict[str, str] = {}
    if planned_start and planned_end and planned_end < planned_start:
        errors["planned_end"] = "La fin prévue ne peut pas précéder le début prévu."
    if actual_start and actual_end and actual_end < actual_start:
        errors["actual_end"] = "La fin réelle ne peut pas précéder le début réel."
    if actual_end and not actual_start:
        errors["actual_start"] = "Une phase terminée a un début réel."
    if project.planned_start and planned_start and planned_start < project.planned_start:
        errors.setdefault(
            "planned_start",
            f"La phase ne peut pas commencer avant le début prévu du projet ({project.planned_start:%d/%m/%Y}).",
        )
    if project.planned_end and planned_end and planned_end > project.planned_end:
        errors.setdefault(
            "planned_end",
            f"La phase ne peut pas finir après la fin prévue du projet ({project.planned_end:%d/%m/%Y}).",
        )
    return errors


@transaction.atomic
def phase_save(*, phase: ProjectPhase, by) -> ProjectPhase:
    """Create or update a project's phase after checking its dates and that its kind is not taken.

    Raises ``ValidationError`` (keyed by field, in French) and writes nothing when refused.
    Side effects: the phase saved with its history entry (author ``by``)."""
    errors = phase_errors(
        project=phase.project,
        planned_start=phase.planned_start,
        planned_end=phase.planned_end,
        actual_start=phase.actual_start,
        actual_end=phase.actual_end,
    )
    taken = ProjectPhase.objects.filter(project=phase.project, kind_id=phase.kind_id).exclude(pk=phase.pk)
    if phase.kind_id and taken.exists():
        errors["kind"] = "Ce projet a déjà une phase de ce type."
    if errors:
        raise ValidationError(errors)
    phase._history_user = by
    phase.save()
    return phase


@transaction.atomic
def phase_delete(*, phase: ProjectPhase, by) -> None:
    """Remove a phase from its project's plan. Side effects: the deletion recorded in its history (by ``by``)."""
    phase._history_user = by
    phase.delete()
