"""The round trip with Decidim's accountability component (the public site's "suivi des réalisations").

1. The MDO downloads the component's results export from Decidim (CSV or JSON) and imports it here
   (``decidim_results_import``): for the edition, we learn each Decidim result's own ``id`` and the
   columns we do not own (category, scope, parent, proposal links, other languages), and the
   component's statuses (``status/id`` is the primary key of a status of *that* component).
2. Each result is matched to one of our projects (by the link already learnt, else by identical title
   within the edition, else by hand on the Decidim page), and each of our statuses to a Decidim status.
3. ``write_accountability_csv`` writes back only the rows Decidim will match — its importer updates
   the result whose ``id`` is in the row and *creates* one for any other id — with the separator the
   instance reads (``Decidim.default_csv_col_sep``, our ``DECIDIM_CSV_COL_SEP``), a status id of the
   component, a non-empty description (Decidim refuses a row without one), and the other columns as
   Decidim gave them: its importer rewrites category, scope and proposal links from the row, so a
   missing column would clear them.

Decidim reads the file with Ruby's CSV: no BOM (it would become part of the ``id`` header), RFC 4180
quoting. Text cells are neutralised against spreadsheet formulas like every export of the app.
"""

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mdo import richtext
from mdo.exports import neutralise
from projects.enums import ProjectStatus
from projects.imports import ImportFailed, decode
from projects.models import DecidimResult, DecidimStatus, DecidimStatusMapping, Edition, Project

#: Our statuses that the public site follows (a winner and what comes after).
FOLLOWED_STATUSES = [
    ProjectStatus.WINNER,
    ProjectStatus.DESIGN,
    ProjectStatus.PROCUREMENT,
    ProjectStatus.WORKS,
    ProjectStatus.DELIVERED,
    ProjectStatus.CLOSED,
    ProjectStatus.SUSPENDED,
    ProjectStatus.ABANDONED,
]

#: The columns Decidim's importer reads, in the order of its own export (``ResultSerializer``).
REQUIRED_COLUMNS = [
    "id",
    "category/id",
    "scope/id",
    "parent/id",
    "title/{locale}",
    "description/{locale}",
    "start_date",
    "end_date",
    "status/id",
    "progress",
    "proposal_urls",
]


def col_sep() -> str:
    return getattr(settings, "DECIDIM_CSV_COL_SEP", ";") or ";"


def locale() -> str:
    return getattr(settings, "DECIDIM_DEFAULT_LOCALE", "fr") or "fr"


# --- reading Decidim's export ---------------------------------------------------------------------


def flatten(value, key: str = "") -> dict[str, str]:
    """Decidim's ``Exporters::CSV#flatten``: nested keys joined by ``/``, lists joined by ``, ``."""
    if isinstance(value, dict):
        flat: dict[str, str] = {}
        for subkey, subvalue in value.items():
            flat.update(flatten(subvalue, f"{key}/{subkey}" if key else str(subkey)))
        return flat
    if isinstance(value, list):
        return {key: ", ".join("" if item is None else str(item) for item in value)}
    if value is None:
        return {key: ""}
    if isinstance(value, bool):
        return {key: "true" if value else "false"}
    return {key: str(value)}


def parse_results_export(data: bytes, *, filename: str = "") -> list[tuple[int, list[list[str]]]]:
    """(line, [[column, value], …]) for each result of Decidim's export, CSV or JSON; raises ImportFailed."""
    text = decode(data)
    stripped = text.lstrip()
    if filename.lower().endswith(".json") or stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ImportFailed([f"ligne {error.lineno} : le fichier JSON est illisible ({error.msg})."]) from None
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ImportFailed(["ligne 1 : une liste de résultats Decidim était attendue (export JSON)."])
        return [(number, [[k, v] for k, v in flatten(item).items()]) for number, item in enumerate(items, start=1)]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFailed(["ligne 1 : fichier vide ou sans en-tête."])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            rows.append(
                (reader.line_num, [[name, values[i] if i < len(values) else ""] for i, name in enumerate(header)])
            )
    except csv.Error as error:
        raise ImportFailed([f"ligne {reader.line_num} : CSV illisible ({error})."]) from None
    return rows


def normalise_title(text: str) -> str:
    """Titles compared without case, accents, punctuation or repeated spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


@dataclass
class ResultsImportSummary:
    edition: str
    results: int = 0
    created: int = 0
    updated: int = 0
    matched: int = 0
    unmatched_results: list[str] = field(default_factory=list)
    statuses: int = 0
    statuses_mapped: int = 0

    def lines(self) -> list[str]:
        return [
            f"Édition : {self.edition}",
            f"Résultats Decidim lus : {self.results} ({self.created} nouveaux, {self.updated} mis à jour)",
            f"Résultats reliés à un projet : {self.matched}",
            f"Résultats sans projet correspondant : {len(self.unmatched_results)}",
            f"Statuts Decidim connus : {self.statuses} (dont {self.statuses_mapped} associés à un de nos statuts)",
        ]


@transaction.atomic
def decidim_results_import(*, edition: Edition, data: bytes, filename: str, by) -> ResultsImportSummary:
    """Learn the edition's Decidim results and statuses from Decidim's own results export, all or nothing.

    Side effects: ``DecidimResult`` rows created or updated (their columns replaced by the file's),
    each new one linked to the edition's project of the same title when exactly one has it; the
    component's ``DecidimStatus`` rows; our statuses mapped to a Decidim status of the same name or
    key when none was chosen yet. Results already linked keep their project."""
    rows = parse_results_export(data, filename=filename)
    if not rows:
        raise ImportFailed(["Le fichier ne contient aucun résultat Decidim."])
    title_column = f"title/{locale()}"
    errors = []
    columns = {name for _line, row in rows for name, _value in row}
    if "id" not in columns:
        errors.append("ligne 1 : colonne « id » absente : ce n'est pas l'export des résultats de Decidim.")
    if title_column not in columns:
        errors.append(
            f"ligne 1 : colonne « {title_column} » absente (langue par défaut de Decidim : "
            f"réglage DECIDIM_DEFAULT_LOCALE)."
        )
    if errors:
        raise ImportFailed(errors)
    parsed, seen, statuses = [], {}, {}
    for line, row in rows:
        values = dict(row)
        raw_id = values.get("id", "").strip()
        if not raw_id.isdigit():
            errors.append(f"ligne {line} : identifiant Decidim « {raw_id} » : un nombre entier est attendu.")
            continue
        decidim_id = int(raw_id)
        if decidim_id in seen:
            errors.append(f"ligne {line} : résultat Decidim n° {decidim_id} en double (déjà ligne {seen[decidim_id]}).")
            continue
        seen[decidim_id] = line
        status_id = values.get("status/id", "").strip()
        if status_id:
            if not status_id.isdigit():
                errors.append(f"ligne {line} : statut Decidim « {status_id} » : un nombre entier est attendu.")
                continue
            name = values.get(f"status/name/{locale()}") or next(
                (value for key, value in row if key.startswith("status/name/") and value), ""
            )
            statuses[int(status_id)] = (values.get("status/key", ""), name)
        parsed.append((decidim_id, values.get(title_column, "").strip(), row))
    if errors:
        raise ImportFailed(errors)

    summary = ResultsImportSummary(edition=edition.name, results=len(parsed))
    known = {result.decidim_id: result for result in DecidimResult.objects.filter(edition=edition)}
    linked = {result.project_id for result in known.values() if result.project_id}
    by_title: dict[str, list[Project]] = {}
    for project in Project.objects.filter(edition=edition).exclude(pk__in=linked).only("pk", "title"):
        by_title.setdefault(normalise_title(project.title), []).append(project)
    now = timezone.now()
    for decidim_id, title, row in parsed:
        result = known.get(decidim_id)
        if result is None:
            result = DecidimResult(edition=edition, decidim_id=decidim_id)
            summary.created += 1
        else:
            summary.updated += 1
        result.title, result.columns, result.imported_at = title[:500], row, now
        if result.project_id is None:
            candidates = by_title.get(normalise_title(title), [])
            if len(candidates) == 1:
                result.project = candidates.pop()
        result.save()
        if result.project_id:
            summary.matched += 1
        else:
            summary.unmatched_results.append(f"n° {decidim_id} « {title} »")

    for decidim_id, (key, name) in statuses.items():
        DecidimStatus.objects.update_or_create(
            edition=edition, decidim_id=decidim_id, defaults={"key": key[:100], "name": name[:200]}
        )
    _map_statuses_by_name(edition)
    summary.statuses = DecidimStatus.objects.filter(edition=edition).count()
    summary.statuses_mapped = DecidimStatusMapping.objects.filter(edition=edition).count()
    return summary


def _map_statuses_by_name(edition: Edition) -> None:
    """Our statuses not yet mapped get the Decidim status whose name or key is theirs."""
    mapped = set(DecidimStatusMapping.objects.filter(edition=edition).values_list("status", flat=True))
    statuses = list(DecidimStatus.objects.filter(edition=edition))
    for status in FOLLOWED_STATUSES:
        if status in mapped:
            continue
        wanted = {normalise_title(str(status.label)), normalise_title(status.value)}
        match = [s for s in statuses if normalise_title(s.name) in wanted or normalise_title(s.key) in wanted]
        if len(match) == 1:
            DecidimStatusMapping.objects.create(edition=edition, status=status, decidim_status=match[0])


@transaction.atomic
def decidim_status_map(*, edition: Edition, mapping: dict[str, DecidimStatus | None], by) -> None:
    """Sets which Decidim status shows each of our statuses; ``None`` removes the mapping."""
    for status, decidim_status in mapping.items():
        if decidim_status is None:
            DecidimStatusMapping.objects.filter(edition=edition, status=status).delete()
        else:
            if decidim_status.edition_id != edition.pk:
                raise ValueError("statut Decidim d'une autre édition")
            DecidimStatusMapping.objects.update_or_create(
                edition=edition, status=status, defaults={"decidim_status": decidim_status}
            )


@transaction.atomic
def decidim_result_link(*, result: DecidimResult, project: Project | None, by) -> DecidimResult:
    """Links a Decidim result to a project of its edition by hand (or unlinks it with ``None``)."""
    if project is not None:
        if project.edition_id != result.edition_id:
            raise ValueError("Ce projet n'est pas de l'édition du résultat Decidim.")
        DecidimResult.objects.filter(project=project).exclude(pk=result.pk).update(project=None)
    result.project = project
    result.save(update_fields=["project"])
    return result


# --- writing the accountability import --------------------------------------------------------------


@dataclass
class Unexported:
    project: Project
    reason: str


@dataclass
class AccountabilityRows:
    header: list[str]
    rows: list[list[str]]
    unexported: list[Unexported]


def accountability_rows(*, edition: Edition, projects) -> AccountabilityRows:
    """The rows Decidim will match, and the followed projects left out with the reason why.

    ``projects`` is the reader's scope (``project_list_for_user``). Three queries whatever the volume:
    the parents and their Decidim results are joined to the projects."""
    lang = locale()
    followed = list(
        projects.filter(edition=edition, selected=True).select_related("parent__decidim_result").order_by("pk")
    )
    results = {r.project_id: r for r in DecidimResult.objects.filter(edition=edition, project__isnull=False)}
    mapping = {
        m.status: m.decidim_status
        for m in DecidimStatusMapping.objects.filter(edition=edition).select_related("decidim_status")
    }
    header: list[str] = []
    for result in results.values():
        for name, _value in result.columns:
            if name not in header:
                header.append(name)
    for column in (c.format(locale=lang) for c in REQUIRED_COLUMNS):
        if column not in header:
            header.append(column)
    rows, unexported = [], []
    for project in followed:
        result = results.get(project.pk)
        if result is None:
            unexported.append(Unexported(project, "aucun résultat Decidim relié"))
            continue
        status = mapping.get(project.status)
        if status is None:
            unexported.append(
                Unexported(project, f"statut « {project.get_status_display()} » sans statut Decidim associé")
            )
            continue
        values = dict(result.columns)
        values.update(_owned_values(project, result, status, lang))
        rows.append([neutralise(str(values.get(column, ""))) for column in header])
    return AccountabilityRows(header=header, rows=rows, unexported=unexported)


def _owned_values(project: Project, result: DecidimResult, status: DecidimStatus, lang: str) -> dict[str, str]:
    """The columns this app is the source of; every other one is Decidim's, written back as it came."""
    start = project.actual_start or project.planned_start
    end = project.actual_end or project.planned_end
    # Decidim's descriptions are HTML (its own editor's): ours goes as the sanitiser keeps it, an older
    # plain-text one with its paragraphs; the public summary is one plain sentence.
    description = (
        project.public_summary.strip()
        or richtext.sanitise(project.description)
        or result.value(f"description/{lang}")
        or project.title
    )
    values = {
        "id": str(result.decidim_id),
        f"title/{lang}": project.title,
        f"description/{lang}": description,
        "start_date": start.isoformat() if start else result.value("start_date"),
        "end_date": end.isoformat() if end else result.value("end_date"),
        "status/id": str(status.decidim_id),
        "status/key": status.key,
        f"status/name/{lang}": status.name,
        "progress": str(project.progress),
    }
    # The programme a project belongs to is ours to say, but only by an id of a result of this
    # component: Decidim's importer destroys a result whose parent id names no result of the component.
    # A parent not yet on Decidim (or on another edition's component) leaves Decidim's column as it was.
    parent_result = getattr(project.parent, "decidim_result", None) if project.parent_id else None
    if parent_result is not None and parent_result.edition_id == result.edition_id:
        values["parent/id"] = str(parent_result.decidim_id)
    return values


def write_accountability_csv(out, table: AccountabilityRows) -> None:
    writer = csv.writer(out, delimiter=col_sep(), lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
