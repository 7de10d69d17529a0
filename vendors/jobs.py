"""The contracts import as a job of the task queue: a file of thousands of orders outlasts a proxy's wait."""

from django.core.files.storage import default_storage
from django.urls import reverse

from mdo.jobs import JobFailed, uploaded_content
from vendors.imports import ImportError_, import_contracts

CONTRACT_IMPORT = "vendors.contract_import"


def run_contract_import(job, progress) -> dict:
    """The import of the file the view stored: all of it or nothing, every refused line listed.

    The stored file is removed whatever the outcome: a corrected file is uploaded again."""
    again = reverse("vendors:import")
    path = job.params["path"]
    content = uploaded_content(path, again=again)
    try:
        result = import_contracts(content, by=job.owner, progress=progress)
    except ImportError_ as failure:
        raise JobFailed(
            f"Import annulé, rien n'a été enregistré : {len(failure.errors)} erreur(s)",
            failure.errors,
            next_url=again,
            next_label="Corriger et relancer l'import",
        ) from None
    finally:
        default_storage.delete(path)
    return {
        "title": "Import terminé",
        "lines": [f"Import réussi : {result.summary}."],
        "next_url": reverse("vendors:contract_list"),
        "next_label": "Voir les marchés",
    }
