"""Import of the answers: a CSV or XLSX file, one row per respondent, all or nothing.

Columns: ``repondant`` (optional identifier), ``arrondissement`` (optional: 3, 3e, Lyon 3e), ``canal``
(optional), then one column per question named by its number in the questionnaire: ``Q1``, ``Q2``, …
(a header may go on after the number: ``Q3 - Fréquentez-vous le parc ?``). Multiple choices and
rankings separate their answers with ``;``. The whole file is checked first; any error, given with
its line number, stops the import before a single row is written. See docs/consultations.md.
"""

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from consultations.enums import DONT_KNOW, OTHER, TEXT_KINDS, Channel, ConsultationStatus, EventKind, QuestionKind
from consultations.models import Answer, Consultation, ConsultationEvent, ImportBatch, Response
from consultations.selectors import answer_version, neighbourhood_names, numbered_questions
from mdo.money import parse_decimal
from projects.imports import decode

MAX_ERRORS = 30
RESPONDENT = {"repondant", "répondant", "respondent", "id", "identifiant"}
DISTRICT = {"arrondissement", "district"}
CHANNEL = {"canal", "channel"}
#: "Q3", "Q3 - Fréquentez-vous…" or "3. Fréquentez-vous…" (the numbered headers of platform exports).
QUESTION_HEADER = re.compile(r"^(?:q(\d+)\b|(\d+)\.)", re.I)


logger = logging.getLogger(__name__)


class ImportFailed(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ParsedRow:
    line: int
    respondent: str = ""
    district: int | None = None
    channel: str = ""
    answers: list[Answer] = field(default_factory=list)


def read_table(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a CSV (``;`` or ``,``) or an XLSX's first sheet."""
    if filename.lower().endswith(".xlsx"):
        import openpyxl

        try:
            sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception:  # openpyxl raises a dozen kinds of error on a file that is not a workbook
            raise ImportFailed(["Le fichier n'est pas un classeur XLSX lisible."]) from None
        rows = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((line, [_cell_text(value) for value in values]))
        return rows
    text = decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return [(line, cells) for line, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _district(value: str) -> int | None:
    match = re.fullmatch(r"(?:lyon\s*)?(\d)(?:er|e|ème)?", value.strip().lower())
    if match and 1 <= int(match.group(1)) <= 9:
        return int(match.group(1))
    raise ValueError(value)


def parse(data: bytes, *, filename: str, consultation, version) -> list[ParsedRow]:
    table = read_table(data, filename)
    table = [(line, cells) for line, cells in table if any(c.strip() for c in cells)]
    if not table:
        raise ImportFailed(["Le fichier est vide."])
    questions = {q.number: q for q in numbered_questions(version)}
    header_line, header = table[0]
    columns: dict[int, object] = {}
    errors = []
    for index, name in enumerate(header):
        key = name.strip().lower()
        if key in RESPONDENT:
            columns[index] = "respondent"
        elif key in DISTRICT:
            columns[index] = "district"
        elif key in CHANNEL:
            columns[index] = "channel"
        elif (match := QUESTION_HEADER.match(key)) and int(match.group(1) or match.group(2)) in questions:
            columns[index] = questions[int(match.group(1) or match.group(2))]
        elif key:
            errors.append(
                f"Ligne {header_line} : la colonne « {name} » n'est pas reconnue "
                f"(repondant, arrondissement, canal, Q1 à Q{len(questions)})."
            )
    present = {q.pk for q in columns.values() if not isinstance(q, str)}
    for question in questions.values():
        if question.required and question.pk not in present:
            errors.append(f"Ligne {header_line} : la colonne Q{question.number} manque (question obligatoire).")
    if errors:
        raise ImportFailed(errors)
    names = neighbourhood_names(consultation)
    choices = {q.pk: q.choices(names) for q in questions.values()}
    channels = {str(label).lower(): value for value, label in Channel.choices} | {v: v for v in Channel.values}
    rows = []
    for line, cells in table[1:]:
        row = ParsedRow(line=line)
        given: dict[int, list[str]] = {}
        for index, target in columns.items():
            value = cells[index].strip() if index < len(cells) else ""
            if target == "respondent":
                row.respondent = value[:100]
            elif target == "district":
                if value:
                    try:
                        row.district = _district(value)
                    except ValueError:
                        errors.append(
                            f"Ligne {line}, colonne arrondissement : « {value} » n'est pas un arrondissement de 1 à 9."
                        )
            elif target == "channel":
                if value and value.lower() not in channels:
                    errors.append(f"Ligne {line}, colonne canal : « {value} » n'est pas un canal connu.")
                row.channel = channels.get(value.lower(), "")
            else:
                answers, problems = _answers(target, value, choices[target.pk])
                errors += [f"Ligne {line}, colonne Q{target.number} : {p}" for p in problems]
                row.answers += answers
                given[target.pk] = [a.value for a in answers] or ([value] if value else [])
        for question in questions.values():
            if not question.required or given.get(question.pk):
                continue
            shown = question.condition_question_id is None or question.condition_value in given.get(
                question.condition_question_id, []
            )
            if shown:
                errors.append(f"Ligne {line}, colonne Q{question.number} : réponse obligatoire manquante.")
        rows.append(row)
        if len(errors) > MAX_ERRORS:
            break
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append("… et d'autres erreurs : corrigez celles-ci d'abord.")
        raise ImportFailed(shown)
    if not rows:
        raise ImportFailed(["Le fichier ne contient aucune réponse (seulement l'en-tête)."])
    return rows


def _match(value: str, choices: list[str]) -> str | None:
    lowered = value.strip().lower()
    for choice in choices:
        if choice.lower() == lowered:
            return choice
    if lowered in ("nsp", "ne sait pas", "sans opinion") and DONT_KNOW in choices:
        return DONT_KNOW
    return None


def _answers(question, value: str, choices: list[str]) -> tuple[list[Answer], list[str]]:
    """The answers a cell holds, or the problems it has."""
    if not value:
        return [], []
    kind = question.kind
    if kind in TEXT_KINDS:
        return [Answer(question=question, text=value)], []
    if kind == QuestionKind.NUMBER:
        try:
            number = parse_decimal(value)
        except ValueError:
            return [], [f"« {value} » n'est pas un nombre."]
        if abs(number) >= Decimal("1e12"):
            return [], [f"« {value} » est trop grand."]
        return [Answer(question=question, number=number.quantize(Decimal("0.01")), value="")], []
    if kind == QuestionKind.DISTRICT:
        try:
            value = choices[_district(value) - 1]
        except ValueError:
            if _match(value, choices) is None:
                return [], [f"« {value} » n'est pas un arrondissement de 1 à 9."]
    parts = (
        [p.strip() for p in re.split(r"[;|]", value) if p.strip()]
        if kind in (QuestionKind.MULTIPLE, QuestionKind.RANKING)
        else [value]
    )
    answers, problems, other_used = [], [], False
    listed = ", ".join(choices[:12])
    for rank, part in enumerate(parts, start=1):
        choice = _match(part, choices)
        if choice is None and question.has_other and not other_used and kind != QuestionKind.RANKING:
            answers.append(Answer(question=question, value=OTHER, text=part))
            other_used = True
            continue
        if choice is None:
            problems.append(f"« {part} » n'est pas une réponse proposée ({listed}).")
            continue
        if any(a.value == choice for a in answers):
            problems.append(f"« {part} » est donné deux fois.")
            continue
        answers.append(Answer(question=question, value=choice, rank=rank if kind == QuestionKind.RANKING else None))
    return answers, problems


@transaction.atomic
def import_answers(*, consultation, data: bytes, filename: str, by) -> ImportBatch:
    """Check the whole file, then write one response per row. Raises :class:`ImportFailed` (nothing written).

    Side effects: an import batch, the responses and their answers, one timeline line."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status not in (ConsultationStatus.OPEN, ConsultationStatus.ANALYSIS):
        raise ImportFailed(["Les réponses s'importent quand la consultation est ouverte ou en analyse."])
    version = answer_version(consultation)
    if version is None:
        raise ImportFailed(["Le questionnaire n'a pas encore été validé."])
    rows = parse(data, filename=filename, consultation=consultation, version=version)
    batch = ImportBatch.objects.create(
        consultation=consultation, version=version, filename=filename[:255], rows=len(rows), imported_by=by
    )
    responses = Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                batch=batch,
                respondent=row.respondent,
                district=row.district,
                channel=row.channel,
                line=row.line,
            )
            for row in rows
        ]
    )
    answers = []
    for response, row in zip(responses, rows, strict=True):
        for answer in row.answers:
            answer.response = response
            answers.append(answer)
    Answer.objects.bulk_create(answers, batch_size=2000)
    ConsultationEvent.objects.create(
        consultation=consultation,
        kind=EventKind.IMPORT,
        author=by,
        text=f"{len(rows)} réponse(s) importée(s) depuis « {filename} ».",
    )
    logger.info("answers file %r imported into consultation %s: %d response(s)", filename, consultation.pk, len(rows))
    return batch
