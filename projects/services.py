"""Writes on projects: transitions, timeline, attachments, rescoping. Each one atomic, keyword-only."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from viewflow.fsm.base import NoTransition, TransitionConditionsUnmet, TransitionNotAllowed

from mdo import policy, workflow
from mdo.money import euros
from projects.enums import DEFAULT_PROGRESS, ProjectStatus
from projects.lifecycle import ProjectLifecycle, transition_meta, transition_of
from projects.models import Attachment, Project, TimelineEntry, TimelineKind
from projects.signals import project_status_changed

#: A transition that may not happen (``str()`` is the French message for the user): the workflows' one refusal.
TransitionRefused = workflow.Refused


@dataclass
class TransitionData:
    comment: str = ""
    progress: int | None = None
    reason: str = ""
    verdict: str = ""
    estimated_cost: Decimal | None = None
    delivered_on: datetime.date | None = None
    open_review: bool = False
    due: datetime.date | None = None
    is_public: bool = False
    extra: dict = field(default_factory=dict)


REQUIRED_MESSAGES = {
    "reason": "Un motif est obligatoire pour cette action.",
    "verdict": "L'avis technique est obligatoire pour déclarer le projet faisable.",
    "estimated_cost": "Le coût estimé est obligatoire pour déclarer le projet faisable.",
    "delivered_on": "La date de livraison est obligatoire.",
}


def _status_label(status) -> str:
    return str(ProjectStatus(status).label)


@workflow.refusals_logged
@transaction.atomic
def project_transition(
    *, project: Project, name: str, by, data: TransitionData | None = None, via_review: bool = False
) -> Project:
    """Fire the transition ``name`` on ``project`` for ``by``.

    Checks, on the locked row, that the transition exists from the current status, that ``by`` may fire
    it (skipped when ``via_review``: the feasibility flow has checked its own task) and that its
    conditions and required inputs are met; raises :class:`TransitionRefused` otherwise, changing nothing.

    Side effects: the project's status and progress (the status's default unless ``data.progress``), any
    field the transition sets (cost, delivery date, winner flag); one timeline entry (kind "transition")
    with the author, the comment and the reason; for ``start_review`` with ``open_review``, the start of
    the shared feasibility review (``projects.flows.FeasibilityFlow``) and its two tasks.
    """
    data = data or TransitionData()
    project = Project.objects.select_for_update().get(pk=project.pk)
    lifecycle = ProjectLifecycle(project, via_review=via_review)
    method = transition_of(lifecycle, name)
    if method is None:
        raise TransitionRefused("Action inconnue.")
    label = transition_meta(name, project.status).label
    if not method.can_proceed(check_conditions=False):
        raise TransitionRefused(
            f"L'action « {label} » n'est pas possible depuis le statut « {_status_label(project.status)} »."
        )
    if not via_review and not method.has_perm(by):
        raise TransitionRefused(f"Vous n'avez pas le droit de faire l'action « {label} » sur ce projet.")
    transition = transition_meta(name, project.status)
    for required in transition.custom.get("required", []):
        value = getattr(data, required)
        if value in (None, ""):
            raise TransitionRefused(REQUIRED_MESSAGES[required])
    if name == "start_review" and data.open_review and not project.lead_directorate_id:
        raise TransitionRefused("Désignez d'abord la direction pilote : c'est elle qui donne l'avis technique.")
    if data.progress is not None and not 0 <= data.progress <= 100:
        raise TransitionRefused("L'avancement doit être compris entre 0 et 100 %.")

    source = project.status
    try:
        method(**{k: getattr(data, k) for k in ("reason", "verdict", "estimated_cost", "delivered_on")})
    except TransitionConditionsUnmet as error:
        raise TransitionRefused(
            error.unmet_message or f"Les conditions de l'action « {label} » ne sont pas remplies."
        ) from None
    except (NoTransition, TransitionNotAllowed):
        raise TransitionRefused(
            f"L'action « {label} » n'est pas possible depuis le statut « {_status_label(source)} »."
        ) from None
    target = project.status
    project.progress = data.progress if data.progress is not None else DEFAULT_PROGRESS.get(target, project.progress)
    project.save()

    parts = [f"{_status_label(source)} → {_status_label(target)}"]
    if data.verdict:
        parts.append(f"Avis technique : {data.verdict}")
    if data.estimated_cost is not None:
        parts.append(f"Coût estimé : {euros(data.estimated_cost)}")
    if data.delivered_on:
        parts.append(f"Livrée le {data.delivered_on:%d/%m/%Y}")
    if data.reason:
        parts.append(f"Motif : {data.reason}")
    if data.comment:
        parts.append(data.comment)
    TimelineEntry.objects.create(
        project=project,
        kind=TimelineKind.TRANSITION,
        author=by,
        text="\n".join(parts),
        from_status=source,
        to_status=target,
        is_public=data.is_public,
    )
    project_status_changed.send(sender=Project, project=project, source=source, target=target, by=by)
    if project.parent_id:
        project_parent_progress_refresh(parent=project.parent)
    if name == "start_review" and data.open_review:
        from projects.flows import feasibility_review_open

        feasibility_review_open(project=project, by=by, due=data.due)
    return project


@dataclass
class BulkResult:
    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (project, message)


def project_bulk_transition(*, projects, name: str, by, data: TransitionData) -> BulkResult:
    """The same transition on several projects, each one through :func:`project_transition` and its checks.

    Side effects: those of each successful transition; a refused project is left as it was."""
    result = BulkResult()
    for project in projects:
        try:
            result.done.append(project_transition(project=project, name=name, by=by, data=data))
        except TransitionRefused as error:
            result.refused.append((project, str(error)))
    return result


@transaction.atomic
def timeline_comment_add(*, project: Project, by, text: str, is_public: bool = False) -> TimelineEntry:
    """A comment on the project's timeline. Side effects: one timeline entry."""
    return TimelineEntry.objects.create(
        project=project, kind=TimelineKind.COMMENT, author=by, text=text.strip(), is_public=is_public
    )


@transaction.atomic
def attachment_add(*, project: Project, by, file, title: str = "") -> Attachment:
    """Store a checked file (see ``forms.validate_attachment``). Side effects: the file on disk, a timeline entry."""
    attachment = Attachment.objects.create(
        project=project, file=file, title=title or file.name, size=file.size, uploaded_by=by
    )
    TimelineEntry.objects.create(
        project=project, kind=TimelineKind.ATTACHMENT, author=by, text=f"Pièce jointe ajoutée : {attachment}"
    )
    return attachment


def _require_allowed(by, action: str, record, refusal: str) -> None:
    from projects.access import project_can_comment

    if not (policy.allows(by, action, record) and project_can_comment(by, record.project)):
        raise ValidationError(refusal)


@transaction.atomic
def timeline_comment_update(*, entry: TimelineEntry, by, text: str) -> TimelineEntry:
    """Its author corrects a comment. Side effects: the new text; a line of the story saying it was corrected."""
    _require_allowed(by, "change", entry, "Seul·e l'auteur·rice d'un commentaire peut le modifier.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Le commentaire est vide."})
    if text == entry.text:
        return entry
    entry.text = text
    entry.save(update_fields=["text"])
    TimelineEntry.objects.create(
        project=entry.project,
        kind=TimelineKind.CORRECTION,
        author=by,
        text=f"Commentaire du {timezone.localtime(entry.created_at):%d/%m/%Y %H:%M} modifié.",
    )
    return entry


@transaction.atomic
def timeline_comment_delete(*, entry: TimelineEntry, by) -> None:
    """Its author withdraws a comment. Side effects: the comment removed; a line of the story saying so."""
    _require_allowed(by, "delete", entry, "Seul·e l'auteur·rice d'un commentaire peut le retirer.")
    TimelineEntry.objects.create(
        project=entry.project,
        kind=TimelineKind.CORRECTION,
        author=by,
        text=f"Commentaire du {timezone.localtime(entry.created_at):%d/%m/%Y %H:%M} retiré par son auteur·rice.",
    )
    entry.delete()


@transaction.atomic
def attachment_replace(*, attachment: Attachment, by, file, title: str = "") -> Attachment:
    """A corrected file in place of the attachment (same record, new content).

    Side effects: the new file stored, the old one removed from disk after commit; a line of the story."""
    _require_allowed(by, "change", attachment, "Seul·e qui a déposé la pièce, ou la MDO, peut la remplacer.")
    old_name, old_label = attachment.file.name, str(attachment)
    storage = attachment.file.storage
    attachment.file = file
    attachment.title = title or file.name
    attachment.size = file.size
    attachment.uploaded_by = by
    attachment.save()
    TimelineEntry.objects.create(
        project=attachment.project,
        kind=TimelineKind.ATTACHMENT,
        author=by,
        text=f"Pièce jointe remplacée : {old_label} → {attachment}",
    )
    if old_name and old_name != attachment.file.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by) -> None:
    """Remove an attachment. Side effects: the record removed, its file after commit; a line of the story."""
    _require_allowed(by, "delete", attachment, "Seul·e qui a déposé la pièce, ou la MDO, peut la supprimer.")
    name, storage = attachment.file.name, attachment.file.storage
    TimelineEntry.objects.create(
        project=attachment.project,
        kind=TimelineKind.ATTACHMENT,
        author=by,
        text=f"Pièce jointe supprimée : {attachment}",
    )
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


RESCOPABLE = {
    ProjectStatus.WINNER,
    ProjectStatus.DESIGN,
    ProjectStatus.PROCUREMENT,
    ProjectStatus.WORKS,
    ProjectStatus.DELIVERED,
    ProjectStatus.SUSPENDED,
}


@transaction.atomic
def project_rescope(*, project: Project, by, note: str) -> Project:
    """Mark a winner (or later) as rescoped, with a dated note; the project goes on in its status.

    Side effects: the rescoped flag, note and date; one timeline entry (kind "rescope")."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in RESCOPABLE:
        raise TransitionRefused("Seul un projet lauréat ou en cours de réalisation peut être redimensionné.")
    if not note.strip():
        raise TransitionRefused("Décrivez le redimensionnement.")
    project.rescoped = True
    project.rescoped_note = note.strip()
    project.rescoped_on = timezone.localdate()
    project.save()
    TimelineEntry.objects.create(
        project=project, kind=TimelineKind.RESCOPE, author=by, text=f"Projet redimensionné : {note.strip()}"
    )
    return project


@transaction.atomic
def project_save(*, form, by) -> Project:
    """Create or update a project from a validated ``ProjectForm``.

    Side effects: the project row (and its history); on creation, a timeline entry "Projet créé"."""
    created = form.instance.pk is None
    former_parent_id = form.initial.get("parent") if not created else None
    project = form.save()
    if created:
        TimelineEntry.objects.create(
            project=project, kind=TimelineKind.COMMENT, author=by, text=f"Projet créé ({project.get_status_display()})."
        )
    for parent_id in {project.parent_id, former_parent_id} - {None}:
        project_parent_progress_refresh(parent=Project.objects.get(pk=parent_id))
    return project


def parent_progress(parent: Project) -> int | None:
    """The weighted mean of the children's progress, in the database: each child weighs its ``weight``,
    else its final cost, else its estimated cost, else 1 (None when the project has no child)."""
    from django.db.models import DecimalField, F, Sum, Value
    from django.db.models.functions import Coalesce

    weight = Coalesce("weight", "final_cost", "estimated_cost", Value(Decimal("1")), output_field=DecimalField())
    totals = parent.children.aggregate(
        weighted=Sum(F("progress") * weight, output_field=DecimalField()),
        weights=Sum(weight, output_field=DecimalField()),
    )
    if totals["weights"] is None:
        return None
    if not totals["weights"]:
        return 0
    return int(
        (Decimal(totals["weighted"]) / Decimal(totals["weights"])).quantize(Decimal("1"), rounding="ROUND_HALF_UP")
    )


@transaction.atomic
def project_parent_progress_refresh(*, parent: Project) -> Project:
    """Set a parent's progress to the weighted mean of its children's. Side effects: the parent row."""
    progress = parent_progress(parent)
    if progress is not None and progress != parent.progress:
        parent.progress = progress
        parent.save(update_fields=["progress", "updated_at"])
    return parent


@transaction.atomic
def edition_publication_set(*, edition, published: bool, by):
    """Publishes (or withdraws) an edition's projects in the open data set.

    Side effects: ``published_at``/``published_by`` set (or cleared); the history keeps who and when.
    Publishing an already published edition keeps its first date."""
    from django.utils import timezone

    if published and edition.published_at is None:
        edition.published_at, edition.published_by = timezone.now(), by
    elif not published:
        edition.published_at, edition.published_by = None, None
    edition._history_user = by
    edition.save(update_fields=["published_at", "published_by"])
    return edition
