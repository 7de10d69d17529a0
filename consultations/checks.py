"""Wording advice on a questionnaire: the MDO's expertise written down. The checks advise; they never block.

Each check looks at one question (or at the whole questionnaire for its length) and says what to
reconsider and why, in the words the chargé·e de mission would use in a review.
"""

import re
from dataclasses import dataclass

from consultations.enums import DONT_KNOW, MAX_QUESTIONS_PER_CHANNEL, SCALE_KINDS, Channel, QuestionKind

#: Beyond this many words a question is read twice, or skipped.
MAX_WORDS = 25

#: Phrasings that suggest the expected answer.
LEADING_PATTERNS = [
    r"\bne (pensez|trouvez|croyez|souhaitez)[- ]vous pas\b",
    r"\bn'(êtes|etes)[- ]vous pas\b",
    r"\b(êtes|etes)[- ]vous d'accord (pour dire )?que\b",
    r"\bcomme (chacun|tout le monde) (le )?sait\b",
    r"\bil est évident que\b",
    r"\bchacun reconnaît\b",
    r"\b(formidable|excellent|indispensable|inadmissible|scandaleu[xs]e?)\b",
    r"\bà juste titre\b",
    r"\bne faudrait[- ]il pas\b",
]

#: Words of an opinion: a question or its options that use them is an opinion scale.
OPINION_WORDS = re.compile(r"\b(d'accord|satisfait|favorable|opinion|avis|pensez|importance|important)\b", re.I)
DONT_KNOW_WORDS = re.compile(r"ne sait pas|ne sais pas|sans opinion|nsp", re.I)
#: "et" / "ou" joining two things asked at once; choice lists legitimately say "ou" in their options.
DOUBLE_BARRELLED = re.compile(r"\b(et|ou)\b", re.I)


@dataclass(frozen=True)
class Advice:
    kind: str
    label: str
    message: str
    question_id: int | None = None


KIND_LABELS = {
    "double": "Question double",
    "leading": "Formulation orientée",
    "dont_know": "Pas de « ne sait pas / sans opinion »",
    "jargon": "Jargon",
    "long": "Question longue",
    "too_many": "Trop de questions pour le canal",
}


def _advice(kind: str, message: str, question=None) -> Advice:
    return Advice(kind, KIND_LABELS[kind], message, question.pk if question is not None else None)


def check_question(question, *, glossary: list) -> list[Advice]:
    """The advice on one question. ``glossary`` is a list of ``GlossaryTerm`` (read once per page)."""
    found = []
    text = question.text.strip()
    lowered = text.lower()
    joined = [word.lower() for word in DOUBLE_BARRELLED.findall(text)]
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING) and question.options:
        # "Préférez-vous A ou B ?" is what a choice question asks: only "et" joins two questions there.
        joined = [word for word in joined if word == "et"]
    if joined:
        word = joined[0]
        found.append(
            _advice(
                "double",
                f"« {word} » relie peut-être deux questions en une : une personne d'accord "
                "avec l'une et pas avec l'autre ne saura pas répondre. Séparez-les.",
                question,
            )
        )
    for pattern in LEADING_PATTERNS:
        match = re.search(pattern, lowered)
        if match:
            found.append(
                _advice(
                    "leading",
                    f"« {match.group(0)} » suggère la réponse attendue. Posez la question de façon neutre.",
                    question,
                )
            )
            break
    is_opinion = question.kind in SCALE_KINDS or (
        question.kind == QuestionKind.SINGLE
        and (OPINION_WORDS.search(text) or any(OPINION_WORDS.search(option) for option in question.options))
    )
    if is_opinion and not question.has_dont_know and not any(DONT_KNOW_WORDS.search(o) for o in question.options):
        found.append(
            _advice(
                "dont_know",
                f"Une échelle d'opinion sans « {DONT_KNOW} » force une réponse à qui "
                "n'en a pas : ajoutez cette option.",
                question,
            )
        )
    haystack = " ".join([text, question.help_text, *question.options]).lower()
    for term in glossary:
        if re.search(r"(?<!\w)" + re.escape(term.term.lower()) + r"(?!\w)", haystack):
            hint = f" Préférez : « {term.suggestion} »." if term.suggestion else ""
            found.append(
                _advice("jargon", f"« {term.term} » est du jargon pour la plupart des habitant·e·s.{hint}", question)
            )
    words = len(text.split())
    if words > MAX_WORDS:
        found.append(
            _advice(
                "long",
                f"{words} mots : au-delà de {MAX_WORDS}, la question est relue ou sautée. "
                "Raccourcissez-la ou déplacez le contexte dans l'aide.",
                question,
            )
        )
    return found


def check_length(question_count: int, channels: list[str]) -> list[Advice]:
    found = []
    for channel in channels:
        if channel not in MAX_QUESTIONS_PER_CHANNEL:
            continue
        limit = MAX_QUESTIONS_PER_CHANNEL[channel]
        if question_count > limit:
            found.append(
                _advice(
                    "too_many",
                    f"{question_count} questions pour le canal « {Channel(channel).label} » : "
                    f"la MDO conseille {limit} au plus.",
                )
            )
    return found


def check_questionnaire(questions: list, *, channels: list[str], glossary: list) -> list[Advice]:
    """All the advice on a version: each question's, then the length for each channel."""
    found = []
    for question in questions:
        found += check_question(question, glossary=glossary)
    return found + check_length(len(questions), channels)
