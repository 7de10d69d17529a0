"""Reads of the consultations app: the scoped lists, a version's questions, the results."""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q

from consultations.enums import TEXT_KINDS, QuestionKind, VersionStatus
from consultations.models import Answer, Consultation, Question, QuestionnaireVersion, Resource, Response
from mdo import access
from mdo.enums import district_label
from mdo.models import Neighbourhood


def consultation_list_for_user(*, user):
    return (
        access.visible(user, Consultation)
        .order_by("-updated_at", "-pk")
        .annotate(response_count=Count("responses", distinct=True))
        .prefetch_related("partners__organisation", "territory_districts")
    )


def neighbourhood_names(consultation) -> list[str]:
    """The quartiers a "quartier" question offers: the consultation's, or every one of the city."""
    names = [n.name for n in consultation.neighbourhoods.all()]
    return names or list(Neighbourhood.objects.order_by("district", "name").values_list("name", flat=True))


def numbered_questions(version: QuestionnaireVersion) -> list[Question]:
    """The questions of ``version`` in order, each with ``number`` (Q1, Q2, …: the import's column names)."""
    questions = list(
        version.questions.select_related("section", "condition_question").order_by(
            "section__position", "section_id", "position", "pk"
        )
    )
    numbers = {}
    for number, question in enumerate(questions, start=1):
        question.number = number
        numbers[question.pk] = number
    for question in questions:
        question.condition_number = numbers.get(question.condition_question_id)
    return questions


def sections_with_questions(version: QuestionnaireVersion) -> list:
    """The sections of ``version``, each with ``items``: its numbered questions (two queries)."""
    questions = numbered_questions(version)
    sections = list(version.sections.all())
    by_section = defaultdict(list)
    for question in questions:
        by_section[question.section_id].append(question)
    for section in sections:
        section.items = by_section[section.pk]
    return sections


def answer_version(consultation) -> QuestionnaireVersion | None:
    """The version the answers are collected with: the validated one."""
    return consultation.versions.filter(status=VersionStatus.VALIDATED).order_by("-number").first()


def current_version(consultation) -> QuestionnaireVersion | None:
    return consultation.versions.order_by("-number").first()


# --- results -------------------------------------------------------------------------------


def question_results(consultation, version) -> list[dict]:
    """Counts and percentages per question: three queries whatever the number of answers.

    Percentages are of the respondents who answered the question (a multiple choice adds up
    to more than 100 %). Rankings give the mean rank of each option (1 = first)."""
    questions = numbered_questions(version)
    respondents = dict(
        Answer.objects.filter(response__consultation=consultation)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    counts = defaultdict(dict)
    ranks = defaultdict(dict)
    rows = (
        Answer.objects.filter(response__consultation=consultation)
        .exclude(value="")
        .values("question_id", "value")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["question_id"]][row["value"]] = row["n"]
    for row in (
        Answer.objects.filter(response__consultation=consultation, rank__isnull=False)
        .values("question_id", "value", "rank")
        .annotate(n=Count("id"))
    ):
        ranks[row["question_id"]].setdefault(row["value"], []).append((row["rank"], row["n"]))
    names = neighbourhood_names(consultation)
    results = []
    for question in questions:
        answered = respondents.get(question.pk, 0)
        result = {"question": question, "answered": answered, "rows": [], "is_text": question.kind in TEXT_KINDS}
        if question.kind == QuestionKind.NUMBER or result["is_text"]:
            results.append(result)
            continue
        found = counts.get(question.pk, {})
        choices = question.choices(names)
        for value in choices + [v for v in found if v not in choices]:
            n = found.get(value, 0)
            row = {"label": value, "count": n, "percent": round(100 * n / answered, 1) if answered else 0.0}
            if question.kind == QuestionKind.RANKING:
                pairs = ranks[question.pk].get(value, [])
                total = sum(c for _r, c in pairs)
                row["mean_rank"] = round(sum(r * c for r, c in pairs) / total, 2) if total else None
            result["rows"].append(row)
        results.append(result)
    return results


def number_summaries(consultation, version) -> dict[int, dict]:
    from django.db.models import Avg, Max, Min

    rows = (
        Answer.objects.filter(response__consultation=consultation, number__isnull=False)
        .values("question_id")
        .annotate(mean=Avg("number"), low=Min("number"), high=Max("number"))
    )
    return {row["question_id"]: row for row in rows}


def cross_tab(consultation, question: Question, *, by: str | Question) -> dict:
    """Counts of ``question``'s answers by district (``by="district"``) or by the answer to another question.

    One query. Columns are the values of ``by``; each cell gives the count and the % of its column."""
    base = Answer.objects.filter(response__consultation=consultation, question=question).exclude(value="")
    names = neighbourhood_names(consultation)
    if by == "district":
        rows = base.values("value", "response__district").annotate(n=Count("id"))
        column_of = {row["response__district"] for row in rows}
        columns = sorted(column_of, key=lambda d: (d is None, d or 0))
        labels = [district_label(c) if c is not None else "Non renseigné" for c in columns]
        key = "response__district"
    else:
        other = by
        # One filter() call: the question and its non-empty value are read on the same joined row.
        pairs = (
            base.filter(response__answers__question=other, response__answers__value__gt="")
            .values("value", "response__answers__value")
            .annotate(n=Count("id"))
        )
        rows = list(pairs)
        seen = {row["response__answers__value"] for row in rows}
        columns = [c for c in other.choices(names) if c in seen] + sorted(seen - set(other.choices(names)))
        labels = columns
        key = "response__answers__value"
    table = defaultdict(dict)
    totals = defaultdict(int)
    for row in rows:
        table[row["value"]][row[key]] = row["n"]
        totals[row[key]] += row["n"]
    values = [v for v in question.choices(names) if v in table] + sorted(set(table) - set(question.choices(names)))
    body = []
    for value in values:
        cells = []
        for column in columns:
            n = table[value].get(column, 0)
            cells.append({"count": n, "percent": round(100 * n / totals[column], 1) if totals[column] else 0.0})
        body.append({"label": value, "cells": cells})
    return {"columns": labels, "rows": body, "totals": [totals[c] for c in columns]}


def free_text_answers(consultation, *, question=None, search: str = "", tag=None):
    answers = (
        Answer.objects.filter(response__consultation=consultation)
        .filter(Q(question__kind__in=TEXT_KINDS) | ~Q(text=""))
        .exclude(text="")
        .select_related("question", "response")
        .prefetch_related("tags")
        .order_by("question__pk", "pk")
    )
    if question is not None:
        answers = answers.filter(question=question)
    if search:
        answers = answers.filter(text__icontains=search)
    if tag is not None:
        answers = answers.filter(tags=tag)
    return answers


def respondent_count(consultation) -> int:
    return Response.objects.filter(consultation=consultation).count()


def resource_list_for_user(*, user):
    return (
        access.visible(user, Resource)
        .select_related("author")
        .prefetch_related("themes", Prefetch("versions", to_attr="version_list"))
    )
