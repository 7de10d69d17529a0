"""Import of vote results: a Pabulib ``.pb`` file (what Decidim exports) or a CSV.

All or nothing: the file is parsed and checked entirely first; any error (with its line number) stops
the import before a single row is written. See docs/projects.md for the columns.
"""

import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from mdo.money import amount_text, parse_decimal
from mdo.textfiles import UnreadableFile, csv_line, csv_records, decode_text
from projects.enums import DEFAULT_PROGRESS, ProjectKind, ProjectStatus
from projects.lifecycle import BEFORE_RESULT, ProjectLifecycle
from projects.models import Edition, EditionDistrict, Project, TimelineEntry, TimelineKind


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class WinnersUndecided(ImportFailed):
    """The file's ``selected`` column names no winner (Decidim writes 0 everywhere until its admins
    mark the winners): nothing is imported until the MDO says whether to compute them by the rule."""


@dataclass
class Row:
    line: int
    external_id: str
    title: str
    cost: Decimal
    votes: int | None
    score: Decimal | None
    district: str
    theme: str
    selected: bool | None
    description: str = ""


@dataclass
class Parsed:
    meta: dict
    rows: list[Row]
    has_selected: bool
    #: Ballots of the VOTES section: the number per district name ('' for the file's own district).
    voters_by_district: dict[str, int] = field(default_factory=dict)
    voters: int | None = None
    #: What the ballots of VOTES give each project (empty without ballots), whatever the PROJECTS columns say.
    counted_votes: dict[str, int] = field(default_factory=dict)
    counted_points: dict[str, Decimal] = field(default_factory=dict)
    #: Differences between the file's columns and its ballots, shown before the summary.
    warnings: list[str] = field(default_factory=list)


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    winners: int = 0
    winners_cost: Decimal = Decimal("0")
    budget: Decimal | None = None
    districts_created: int = 0
    edition: str = ""
    edition_created: bool = False
    dry_run: bool = False
    rule: str = ""
    currency: str = "EUR"
    voters: int | None = None
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        symbol = CURRENCY_SYMBOLS.get(self.currency, self.currency)
        budget = amount_text(self.budget, symbol)
        cost = amount_text(self.winners_cost, symbol)
        return (
            self.warnings
            + [
                f"Édition : {self.edition}{' (créée)' if self.edition_created else ''}",
                f"Projets créés : {self.created}",
                f"Projets mis à jour : {self.updated}",
                f"Projets inchangés : {self.unchanged}",
                f"Districts créés : {self.districts_created}",
                f"Lauréats : {self.winners} ({self.rule})",
                f"Coût des lauréats : {cost} pour un budget de {budget}",
                f"Votant·e·s : {self.voters if self.voters is not None else '—'}",
            ]
            + (["Essai à blanc : rien n'a été enregistré."] if self.dry_run else [])
        )


CURRENCY_SYMBOLS = {"EUR": "€", "PLN": "zł", "CHF": "CHF", "GBP": "£", "USD": "$"}

logger = logging.getLogger(__name__)


# --- decoding and values ---------------------------------------------------------------------


def decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except UnreadableFile as error:
        raise ImportFailed([str(error)]) from None


TRUE = {"1", "true", "vrai", "oui", "yes", "x"}
FALSE = {"0", "false", "faux", "non", "no", ""}

ALIASES = {
    "project_id": {"project_id", "id", "identifiant", "id_projet", "numero", "numéro"},
    "name": {"name", "title", "titre", "nom", "intitulé", "intitule"},
    "cost": {"cost", "coût", "cout", "montant", "budget", "cout_estime", "coût estimé"},
    "votes": {"votes", "voix", "nombre de voix", "nb_votes"},
    "score": {"score", "points"},
    "district": {"district", "arrondissement", "subunit", "quartier"},
    "theme": {"category", "theme", "thème", "thematique", "thématique", "categorie", "catégorie"},
    "selected": {"selected", "lauréat", "laureat", "retenu", "gagnant"},
    "description": {"description"},
}


def _canonical(header: list[str]) -> dict[str, int]:
    columns = {}
    for index, name in enumerate(header):
        key = name.strip().lower()
        for canonical, aliases in ALIASES.items():
            if key in aliases and canonical not in columns:
                # A file with both "district" and "subunit" keeps the first.
                columns[canonical] = index
    return columns


def _rows_from_table(
    lines: list[tuple[int, list[str]]], header_line: int, header: list[str], errors: list[str], meta: dict
) -> tuple[list[Row], bool]:
    columns = _canonical(header)
    for required, label in (("project_id", "project_id (identifiant du projet)"), ("cost", "cost (coût)")):
        if required not in columns:
            errors.append(f"ligne {header_line} : colonne « {label} » absente de l'en-tête.")
    if errors:
        return [], False
    rows, seen = [], {}

    def cell(values, name):
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    for line, values in lines:
        if not any(v.strip() for v in values):
            continue
        if len(values) < len(header):
            errors.append(f"ligne {line} : {len(values)} colonnes au lieu de {len(header)}.")
            continue
        external_id = cell(values, "project_id")
        if not external_id:
            errors.append(f"ligne {line} : identifiant du projet vide.")
            continue
        if external_id in seen:
            errors.append(
                f"ligne {line} : identifiant de projet « {external_id} » en double (déjà ligne {seen[external_id]})."
            )
            continue
        seen[external_id] = line
        try:
            cost = parse_decimal(cell(values, "cost"))
            if cost < 0:
                raise ValueError
        except ValueError:
            errors.append(f"ligne {line} : coût « {cell(values, 'cost')} » n'est pas un montant valide.")
            continue
        votes = score = None
        if "votes" in columns and cell(values, "votes"):
            try:
                votes = int(parse_decimal(cell(values, "votes")))
            except ValueError:
                errors.append(f"ligne {line} : nombre de voix « {cell(values, 'votes')} » invalide.")
                continue
        if "score" in columns and cell(values, "score"):
            try:
                score = parse_decimal(cell(values, "score"))
            except ValueError:
                errors.append(f"ligne {line} : score « {cell(values, 'score')} » invalide.")
                continue
        selected = None
        if "selected" in columns:
            raw = cell(values, "selected").lower()
            if raw in TRUE:
                selected = True
            elif raw in FALSE:
                selected = False
            else:
                errors.append(f"ligne {line} : valeur « {raw} » de la colonne selected : 1 ou 0 attendu.")
                continue
        rows.append(
            Row(
                line=line,
                external_id=external_id,
                title=cell(values, "name") or f"Projet {external_id}",
                cost=cost.quantize(Decimal("0.01")),
                votes=votes,
                score=score,
                district=cell(values, "district") or meta.get("subunit", "") or meta.get("district", ""),
                theme=cell(values, "theme")[:100],
                selected=selected,
                description=cell(values, "description"),
            )
        )
    return rows, "selected" in columns


def parse_pabulib(text: str) -> Parsed:
    errors: list[str] = []
    sections: dict[str, tuple[int, list[tuple[int, list[str]]]]] = {}
    current = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.upper() in ("META", "PROJECTS", "VOTES"):
            current = stripped.upper()
            if current in sections:
                errors.append(f"ligne {number} : section {current} répétée.")
            sections[current] = (number, [])
            continue
        if current is None:
            if stripped:
                errors.append(f"ligne {number} : le fichier doit commencer par la section META.")
                break
            continue
        try:
            sections[current][1].append((number, csv_line(raw, delimiter=";", line=number)))
        except UnreadableFile as error:
            errors.append(str(error))
    last_line = len(text.splitlines())
    for required in ("META", "PROJECTS"):
        if required not in sections and not errors:
            errors.append(f"ligne {last_line} : section {required} absente du fichier (attendue avant la fin).")
    if errors:
        raise ImportFailed(errors)
    meta_line, meta_rows = sections["META"]
    meta = {}
    for _line, values in meta_rows[1:]:  # first row is "key;value"
        if len(values) >= 2:
            meta[values[0].strip().lower()] = values[1].strip()
    if "budget" in meta:
        try:
            meta["budget"] = parse_decimal(meta["budget"])
        except ValueError:
            line = next(line for line, values in meta_rows if values and values[0].strip().lower() == "budget")
            raise ImportFailed([f"ligne {line} : budget « {meta['budget']} » n'est pas un montant valide."]) from None
    projects_line, project_rows = sections["PROJECTS"]
    if not project_rows:
        raise ImportFailed([f"ligne {projects_line} : section PROJECTS sans en-tête de colonnes."])
    header_line, header = project_rows[0]
    if not (meta.get("subunit") or meta.get("district")) and LYON_DISTRICT.match(meta.get("unit", "")):
        meta["subunit"] = meta["unit"]  # a file of one arrondissement names it as its unit
    rows, has_selected = _rows_from_table(project_rows[1:], header_line, header, errors, meta)
    parsed = Parsed(meta=meta, rows=rows, has_selected=has_selected)
    if "VOTES" in sections and rows:
        _count_votes(sections["VOTES"][1], parsed, errors)
    parsed.voters = _int(meta.get("num_votes")) if meta.get("num_votes") else parsed.voters
    if errors:
        raise ImportFailed(errors)
    return parsed


def _count_votes(vote_rows, parsed: Parsed, errors: list[str]) -> None:
    """Reads the ballots: the voters of each district and, per project, what Pabulib's own checker
    (github.com/pabulib/checker, which validates every file of pabulib.org) counts to verify the
    PROJECTS section: ``votes``, the ballots naming the project, and ``score``, the sum of the points
    those ballots give it — the ``points`` column when the ballots have one (cumulative and scoring
    votes), else, for an ordinal vote, its Borda score: on a ballot ranking k projects the first gets
    k points, the next k − 1, down to 1 for the last.

    The counts fill the columns the file leaves out; where the file has them and its ballots say
    otherwise, the file's figures are kept and a warning names the projects (the MDO checks before
    trusting either)."""
    if not vote_rows:
        return
    header = [h.strip().lower() for h in vote_rows[0][1]]
    if "vote" not in header:
        return
    rows = parsed.rows
    vote_type = parsed.meta.get("vote_type", "approval").lower()
    scoring_fn = parsed.meta.get("scoring_fn", "borda").strip().lower() or "borda"
    if vote_type == "ordinal" and scoring_fn != "borda":
        errors.append(f"ligne 1 : fonction de score « {scoring_fn} » non prise en charge (seule Borda l'est).")
        return
    index = header.index("vote")
    points_index = header.index("points") if "points" in header else None
    ballots = [
        (
            line,
            [p.strip() for p in values[index].split(",") if p.strip()] if index < len(values) else [],
            values[points_index].strip() if points_index is not None and points_index < len(values) else "",
        )
        for line, values in vote_rows[1:]
        if any(v.strip() for v in values)
    ]
    counts: dict[str, int] = {}
    scores: dict[str, Decimal] = {}
    for line, ballot, points in ballots:
        if points:
            given = [p.strip() for p in points.split(",")]
            if len(given) != len(ballot):
                errors.append(f"ligne {line} : {len(ballot)} projets pour {len(given)} valeurs de points.")
                continue
            try:
                weights = [parse_decimal(p) for p in given]
            except ValueError:
                errors.append(f"ligne {line} : points « {points} » invalides.")
                continue
        elif vote_type in ("cumulative", "scoring") and ballot:
            errors.append(
                f"ligne {line} : bulletin sans points, alors qu'un vote « {vote_type} » en donne à chaque projet."
            )
            continue
        elif vote_type == "ordinal":
            weights = [Decimal(len(ballot) - rank) for rank in range(len(ballot))]
        else:
            weights = [Decimal(1)] * len(ballot)
        for project_id, weight in zip(ballot, weights, strict=True):
            counts[project_id] = counts.get(project_id, 0) + 1
            scores[project_id] = scores.get(project_id, Decimal(0)) + weight
    parsed.counted_votes = {row.external_id: counts.get(row.external_id, 0) for row in rows}
    parsed.counted_points = {row.external_id: scores.get(row.external_id, Decimal(0)) for row in rows}
    if all(row.votes is None for row in rows):
        for row in rows:
            row.votes = parsed.counted_votes[row.external_id]
    else:
        _warn_if_differ(parsed, "votes", {row.external_id: row.votes for row in rows}, parsed.counted_votes)
    if vote_type in SCORED_VOTES:
        if all(row.score is None for row in rows):
            for row in rows:
                row.score = parsed.counted_points[row.external_id]
        else:
            _warn_if_differ(parsed, "score", {row.external_id: row.score for row in rows}, parsed.counted_points)
    district_of = {row.external_id: row.district for row in rows}
    voters: dict[str, int] = {}
    for _line, ballot, _points in ballots:
        for district in {district_of.get(project_id, "") for project_id in ballot}:
            voters[district] = voters.get(district, 0) + 1
    parsed.voters_by_district = voters
    parsed.voters = len(ballots)


#: Vote types whose winners rank by points rather than by ballots naming the project.
SCORED_VOTES = ("cumulative", "scoring", "ordinal")


def _warn_if_differ(parsed: Parsed, column: str, in_file: dict, counted: dict) -> None:
    differ = [
        (project_id, value, counted[project_id])
        for project_id, value in in_file.items()
        if value is not None and value != counted[project_id]
    ]
    if not differ:
        return
    shown = ", ".join(
        f"{project_id} : {value} dans le fichier, {count} selon les bulletins"
        for project_id, value, count in differ[:5]
    )
    more = f" et {len(differ) - 5} autre(s)" if len(differ) > 5 else ""
    parsed.warnings.append(
        f"Attention : la colonne « {column} » ne correspond pas aux bulletins de la section VOTES pour "
        f"{len(differ)} projet(s) ({shown}{more}) ; les chiffres de la colonne ont été importés."
    )


def parse_csv(text: str) -> Parsed:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ImportFailed(["ligne 1 : fichier vide ou sans en-tête."])
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    try:
        records = list(csv_records(text, delimiter=delimiter))
    except UnreadableFile as error:
        raise ImportFailed([str(error)]) from None
    header_line, header = records[0]
    errors: list[str] = []
    rows, has_selected = _rows_from_table(records[1:], header_line, header, errors, {})
    if errors:
        raise ImportFailed(errors)
    return Parsed(meta={}, rows=rows, has_selected=has_selected)


def parse(data: bytes, *, filename: str = "") -> Parsed:
    text = decode(data)
    if filename.lower().endswith(".pb") or text.lstrip().upper().startswith("META"):
        return parse_pabulib(text)
    return parse_csv(text)


# --- districts ----------------------------------------------------------------------------------

CITYWIDE = {"", "ville", "toute la ville", "transversal", "transversale", "city", "lyon"}
LYON_DISTRICT = re.compile(r"^(?:lyon\s*)?([0-9]+)\s*(?:er|e|ème|eme)?(?:\s*arrondissement)?$", re.IGNORECASE)


def _lyon_name(number: int) -> str:
    return "Lyon 1er" if number == 1 else f"Lyon {number}e"


class DistrictMap:
    """Maps the file's district values to the edition's districts, creating those of a foreign city's file."""

    def __init__(self, edition: Edition | None):
        self.by_name = {}
        self.by_number = {}
        if edition is not None and edition.pk:
            for district in edition.districts.all():
                self.by_name[district.name.lower()] = district
                if district.number:
                    self.by_number[district.number] = district
        self.lyon_edition = bool(self.by_number) and len(self.by_number) == len(self.by_name)
        self.to_create: dict[str, EditionDistrict] = {}

    def resolve(self, value: str, line: int, errors: list[str]):
        """(name, number) of the district, or None for city-wide; appends an error when unknown."""
        key = value.strip()
        if key.lower() in CITYWIDE:
            return None
        if key.lower() in self.by_name:
            district = self.by_name[key.lower()]
            return district.name, district.number
        match = LYON_DISTRICT.match(key)
        if match:
            number = int(match.group(1))
            if 1 <= number <= 9:
                known = self.by_number.get(number)
                return (known.name if known else _lyon_name(number)), number
            errors.append(f"ligne {line} : arrondissement « {key} » inconnu (Lyon compte 9 arrondissements).")
            return None
        if self.lyon_edition:
            errors.append(f"ligne {line} : district « {key} » inconnu : cette édition a les arrondissements de Lyon.")
            return None
        return key[:200], None


# --- winners ----------------------------------------------------------------------------------


def greedy_winners(rows: list[Row], budget: Decimal, *, by_score: bool = False) -> set[str]:
    """Greedy rule: by votes (points for a cumulative vote), ties by lower cost then file order;
    a project is funded when it fits in what is left of the budget (others may still fit after it)."""
    order = sorted(
        enumerate(rows),
        key=lambda item: (
            -(item[1].score if by_score and item[1].score is not None else (item[1].votes or 0)),
            item[1].cost,
            item[0],
        ),
    )
    left, winners = budget, set()
    for _index, row in order:
        if row.cost <= left:
            winners.add(row.external_id)
            left -= row.cost
    return winners


PRE_VOTE = set(BEFORE_RESULT)


#: Rows between two progress reports: often enough for the bar to move, rarely enough to cost nothing.
PROGRESS_EVERY = 100


class _DryRun(Exception):
    pass


def import_votes(
    data: bytes,
    *,
    filename: str,
    edition_name: str,
    by=None,
    dry_run: bool = False,
    winners_by_rule: bool | None = None,
    progress=None,
) -> Summary:
    """Import a vote file into the edition ``edition_name`` (created if needed), all or nothing.

    Side effects (none with ``dry_run`` or on error): the edition and its districts when new; projects
    created or updated (matched on the file's project id within the edition) with votes, cost, district,
    winner flag and status "Lauréate"/"Non retenue" (unless already further on); a timeline entry for
    each status change; the edition's currency and the voters of the edition and its districts.

    ``winners_by_rule``: when the ``selected`` column marks no winner, True computes them by the
    file's rule, False imports without winners; None (the default) stops with ``WinnersUndecided``.

    ``progress(done, total)``, when given, is told of the projects written as the import goes."""
    edition_name = edition_name.strip()
    try:
        if not edition_name:
            raise ImportFailed(["Le nom de l'édition est obligatoire."])
        parsed = parse(data, filename=filename)
        if not parsed.rows:
            raise ImportFailed(["Le fichier ne contient aucun projet."])
        with transaction.atomic():
            summary = _apply(
                parsed, edition_name=edition_name, by=by, winners_by_rule=winners_by_rule, progress=progress
            )
            summary.dry_run = dry_run
            if dry_run:
                raise _DryRun(summary)
    except _DryRun as done:
        return done.args[0]
    except ImportFailed as failed:
        logger.warning("vote file %r refused (%d errors), first: %s", filename, len(failed.errors), failed.errors[:1])
        raise
    logger.info(
        "vote file %r imported into %r: %d created, %d updated, %d unchanged",
        filename,
        summary.edition,
        summary.created,
        summary.updated,
        summary.unchanged,
    )
    return summary


def _apply(parsed: Parsed, *, edition_name: str, by, winners_by_rule: bool | None = None, progress=None) -> Summary:
    edition = Edition.objects.filter(name=edition_name).first()
    summary = Summary(edition=edition_name, edition_created=edition is None)
    districts = DistrictMap(edition)
    errors: list[str] = []
    resolved = {row.external_id: districts.resolve(row.district, row.line, errors) for row in parsed.rows}

    meta = parsed.meta
    budget = meta.get("budget")
    currency = (meta.get("currency") or (edition.currency if edition else "EUR")).strip().upper()[:3] or "EUR"
    if edition is not None and edition.currency != currency and edition.projects.exists():
        errors.append(f"ligne 1 : le fichier est en {currency}, l'édition « {edition.name} » en {edition.currency}.")
    summary.currency = currency
    summary.voters = parsed.voters
    summary.warnings.extend(parsed.warnings)
    no_winner_marked = parsed.has_selected and not any(row.selected for row in parsed.rows)
    if no_winner_marked and winners_by_rule is None:
        raise WinnersUndecided(
            [
                "La colonne « selected » du fichier ne désigne aucun lauréat (Decidim l'écrit à 0 tant que ses "
                "administrateurs n'ont pas marqué les projets retenus). Rien n'a été importé : choisissez de calculer "
                f"les lauréats selon la règle du fichier ({meta.get('rule', 'greedy')}) ou d'importer sans lauréat."
            ]
        )
    if parsed.has_selected and not (no_winner_marked and winners_by_rule):
        winners = {row.external_id for row in parsed.rows if row.selected}
        summary.rule = "colonne selected du fichier"
        if no_winner_marked:
            summary.warnings.append(
                "Attention : la colonne « selected » ne désigne aucun lauréat ; importé sans lauréat, comme demandé."
            )
    else:
        if budget is None:
            budget = _budget_from_edition(edition, parsed, resolved)
        if budget is None:
            errors.append(
                "ligne 1 : ni colonne « selected » ni budget (META budget ou enveloppe de l'édition) : "
                "impossible de désigner les lauréats."
            )
        rule = meta.get("rule", "greedy").lower()
        if rule not in ("greedy", ""):
            errors.append(f"ligne 1 : règle « {rule} » non prise en charge (seule la règle greedy l'est).")
        vote_type = meta.get("vote_type", "").lower()
        by_score = vote_type in SCORED_VOTES and any(row.score is not None for row in parsed.rows)
        winners = greedy_winners(parsed.rows, budget or Decimal("0"), by_score=by_score) if not errors else set()
        summary.rule = "règle greedy" + (
            (" sur le score de Borda" if vote_type == "ordinal" else " sur les points") if by_score else " sur les voix"
        )
        if no_winner_marked:
            summary.rule += " (la colonne selected ne désignait aucun lauréat)"
    if errors:
        raise ImportFailed(errors)
    summary.budget = budget

    if edition is None:
        edition = Edition.objects.create(
            name=edition_name,
            number=_int(meta.get("edition")),
            start_year=_int(meta.get("instance")),
            currency=currency,
        )
    elif edition.currency != currency:
        edition.currency = currency
        edition.save(update_fields=["currency"])
    district_objects = {}
    for value in resolved.values():
        if value is None or value[0] in district_objects:
            continue
        name, number = value
        district, created = EditionDistrict.objects.get_or_create(
            edition=edition, name=name, defaults={"number": number}
        )
        summary.districts_created += int(created)
        district_objects[name] = district
    single = meta.get("subunit") or meta.get("district")
    if single and budget is not None:
        value = resolved[parsed.rows[0].external_id]
        if value and district_objects[value[0]].envelope == 0:
            district_objects[value[0]].envelope = budget
            district_objects[value[0]].save(update_fields=["envelope"])
    _store_voters(parsed, edition, district_objects, resolved, single=bool(single))

    existing = {p.external_id: p for p in Project.objects.filter(edition=edition, external_id__in=resolved)}
    timeline = []
    total = len(parsed.rows)
    for index, row in enumerate(parsed.rows):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, total)
        value = resolved[row.external_id]
        district = district_objects[value[0]] if value else None
        is_winner = row.external_id in winners
        summary.winners += int(is_winner)
        if is_winner:
            summary.winners_cost += row.cost
        project = existing.get(row.external_id)
        created = project is None
        if created:
            project = Project(
                edition=edition,
                external_id=row.external_id,
                kind=ProjectKind.PARTICIPATORY_BUDGET,
                description=row.description,
            )
        fields = {
            "title": row.title[:255],
            "estimated_cost": row.cost,
            "votes": row.votes,
            "theme": row.theme,
            "edition_district": district,
            "district": district.number if district else None,
            "selected": is_winner,
        }
        changed = created or any(getattr(project, k) != v for k, v in fields.items())
        for key, val in fields.items():
            setattr(project, key, val)
        source = project.status
        if created or project.status in PRE_VOTE:
            target = ProjectStatus.WINNER if is_winner else ProjectStatus.NOT_SELECTED
            if target != project.status:
                lifecycle = ProjectLifecycle(project, via_import=True)
                (lifecycle.win_vote if is_winner else lifecycle.lose_vote)()
                project.progress = DEFAULT_PROGRESS[target]
                changed = True
        if changed:
            project.save()
            if created:
                summary.created += 1
            else:
                summary.updated += 1
            if project.status != source or created:
                timeline.append(
                    TimelineEntry(
                        project=project,
                        kind=TimelineKind.IMPORT,
                        author=by,
                        from_status="" if created else source,
                        to_status=project.status,
                        text=f"Résultat du vote : {row.votes if row.votes is not None else '—'} voix, "
                        f"{ProjectStatus(project.status).label}.",
                    )
                )
        else:
            summary.unchanged += 1
    TimelineEntry.objects.bulk_create(timeline)
    if progress:
        progress(total, total)
    return summary


def _store_voters(parsed: Parsed, edition: Edition, district_objects: dict, resolved: dict, *, single: bool) -> None:
    """Turnout: the file's voters on its district (one-district file) or counted per district from
    VOTES; the edition's total is the file's when it covers the city, else the sum of its districts."""
    by_name: dict[str, int] = {}
    if single and parsed.voters is not None:
        value = resolved[parsed.rows[0].external_id]
        if value:
            by_name[value[0]] = parsed.voters
    else:
        file_names = {row.district: resolved[row.external_id] for row in parsed.rows}
        for file_name, count in parsed.voters_by_district.items():
            value = file_names.get(file_name)
            if value:
                by_name[value[0]] = by_name.get(value[0], 0) + count
    for name, count in by_name.items():
        district = district_objects[name]
        if district.voters != count:
            district.voters = count
            district.save(update_fields=["voters"])
    if single:
        total = sum(v for v in edition.districts.values_list("voters", flat=True) if v)
        voters = total or None
    else:
        voters = parsed.voters
    if voters is not None and edition.voters != voters:
        edition.voters = voters
        edition.save(update_fields=["voters"])


def _budget_from_edition(edition, parsed: Parsed, resolved) -> Decimal | None:
    """A CSV without budget: the envelope of the district its projects belong to (one district per file)."""
    if edition is None:
        return None
    names = {value[0] for value in resolved.values() if value}
    if len(names) == 1:
        district = edition.districts.filter(name=names.pop()).first()
        if district and district.envelope:
            return district.envelope
    if not names and edition.citywide_envelope:
        return edition.citywide_envelope
    return edition.total_envelope or None


def _int(value) -> int | None:
    try:
        return int(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None
