"""The vote import as a job of the task queue: a file of thousands of rows outlasts a proxy's wait."""

from django.core.files.storage import default_storage
from django.urls import reverse

from mdo.jobs import JobFailed, uploaded_content
from projects.imports import ImportFailed, import_votes

VOTE_IMPORT = "projects.vote_import"


def run_vote_import(job, progress) -> dict:
    """The import as the form asked it, on the file the view stored; all of it or nothing, as before.

    The stored file is removed once really imported; after a dry run or a refusal it stays, so that
    the next try (the real run, or other options) needs no second upload."""
    params = job.params
    again = reverse("projects:vote_import")
    content = uploaded_content(params["path"], again=again)
    try:
        summary = import_votes(
            content,
            filename=params["filename"],
            edition_name=params["edition_name"],
            by=job.owner,
            dry_run=params["dry_run"],
            winners_by_rule=params["winners_by_rule"],
            progress=progress,
        )
    except ImportFailed as failure:
        raise JobFailed(
            f"Rien n'a été importé : {len(failure.errors)} erreur(s)",
            failure.errors,
            next_url=again,
            next_label="Corriger et relancer l'import",
        ) from None
    if not summary.dry_run:
        default_storage.delete(params["path"])
    return {
        "title": "Essai à blanc réussi" if summary.dry_run else "Import terminé",
        "lines": summary.lines(),
        "next_url": again,
        "next_label": "Lancer l'import pour de vrai" if summary.dry_run else "Importer un autre fichier",
    }
