"""Long work off the request: an import, a large export, a PDF report run by the task queue.

An app declares a kind of job once (``register``) with the function that does the work; a view starts
one with ``job_start`` and sends the user to the job's page, which follows its progress. The work's
function receives the job and a ``progress(done, total)`` callback, and returns either a file
(``JobFile``) or a dict of result lines for the page; a ``JobFailed`` ends it with its French reason.

Progress is written to the task queue's own storage (Huey's key-value store: the SQLite file or
Redis), not to the database: an import does its writes in one transaction, and a progress row
written inside it would stay invisible to the page until the very end.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from mdo.models import Job, JobStatus

logger = logging.getLogger(__name__)

#: How long a job's result (file or outcome) is kept before the clean-up removes it.
KEEP_FOR = datetime.timedelta(days=2)


@dataclass
class JobFile:
    content: bytes
    filename: str
    content_type: str


class JobFailed(Exception):
    """The work cannot be done; ``str()`` is the French reason shown to the user. ``details`` are
    extra lines (an import's errors with their line numbers)."""

    def __init__(self, reason: str, details: list[str] | None = None, *, next_url: str = "", next_label: str = ""):
        self.details = details or []
        self.next = {"next_url": next_url, "next_label": next_label} if next_url else {}
        super().__init__(reason)


def uploaded_content(path: str, *, again: str) -> bytes:
    """The bytes of a file uploaded for a job; a ``JobFailed`` leading back to the form at ``again``
    when the file is no longer kept (purged, or a restore without the media folder)."""
    try:
        with default_storage.open(path, "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        raise JobFailed(
            "Le fichier à importer n'est plus conservé : choisissez-le à nouveau.",
            next_url=again,
            next_label="Revenir à l'import",
        ) from None


Work = Callable[[Job, Callable[[int, int], None]], JobFile | dict[str, Any]]
KINDS: dict[str, Work] = {}


def register(kind: str, work: Work) -> None:
    KINDS[kind] = work


def _progress_key(job_id: int) -> str:
    return f"job-progress-{job_id}"


def job_start(*, kind: str, label: str, params: dict, by) -> Job:
    """The job row, and its run queued once the row is committed (a consumer may start at once)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        owner=by, kind=kind, label=label[:200], params=params, expires_at=timezone.now() + KEEP_FOR
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from mdo.tasks import run_job

    try:
        run_job(job_id)
    except Exception:  # noqa: BLE001 - any broker error: the job says so instead of waiting forever
        logger.exception("job %s could not be queued", job_id)
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.FAILED,
            error="La file des traitements ne répond pas ; réessayez dans quelques minutes.",
            finished_at=timezone.now(),
        )


def progress_of(job: Job) -> tuple[int, int]:
    """Rows done and to do: the queue's live figure while the job runs, the row's once it ended."""
    if job.status == JobStatus.RUNNING:
        from huey.contrib.djhuey import HUEY

        live = HUEY.get(_progress_key(job.pk), peek=True)
        if live:
            return int(live[0]), int(live[1])
    return job.done, job.total


def run(job_id: int) -> None:
    """Does one job's work (called by the consumer); the job ends done or failed, never running.

    Side effects: the job's outcome (file, result lines or error) saved, and a notification of kind
    « Traitement terminé » to its owner, linking to its page, in the same transaction."""
    from huey.contrib.djhuey import HUEY

    updated = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING)
    if not updated:  # already run (a queue delivering twice) or removed
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    counts = [0, 0]

    def progress(done: int, total: int) -> None:
        counts[:] = [done, total]
        HUEY.put(_progress_key(job_id), (done, total))

    try:
        outcome = KINDS[job.kind](job, progress)
    except JobFailed as failure:
        job.status, job.error = JobStatus.FAILED, str(failure)
        job.result = {"errors": failure.details, **failure.next}
    except Exception:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        job.status = JobStatus.FAILED
        job.error = "Le traitement a échoué sur une erreur inattendue ; l'équipe technique est prévenue."
    else:
        job.status = JobStatus.DONE
        if isinstance(outcome, JobFile):
            job.file.save(f"job-{job.pk}-{outcome.filename}", ContentFile(outcome.content), save=False)
            job.filename, job.content_type = outcome.filename, outcome.content_type
        else:
            job.result = outcome
    job.done, job.total = counts
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + KEEP_FOR
    # The notification is written with the job's end, or not at all: never "done" without it, never
    # a notification of a job whose end was not saved.
    with transaction.atomic():
        job.save()
        _notify_end(job)
    HUEY.get(_progress_key(job_id))  # read without peek: removes the live figure


def _notify_end(job: Job) -> None:
    from notifications.enums import NotificationKind
    from notifications.services import notify

    if job.status == JobStatus.DONE:
        verb = "Votre fichier est prêt à télécharger" if job.file else "Votre traitement est terminé"
    else:
        verb = f"Votre traitement a échoué : {job.error}"
    notify(
        recipients=[job.owner],
        kind=NotificationKind.JOB,
        verb=verb,
        url=job.get_absolute_url(),
        target_label=job.label,
    )


def purge_expired(now: datetime.datetime | None = None) -> int:
    """Removes the jobs kept past their time, with their files; returns how many."""
    expired = list(Job.objects.filter(expires_at__lt=now or timezone.now()))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(expired)
