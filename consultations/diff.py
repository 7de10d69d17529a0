"""What changed from one version of a questionnaire to another, question by question.

Questions are matched by ``ref``, which a new version copies: a reworded question is "modifiée",
not "supprimée" then "ajoutée"."""

import difflib

from django.utils.html import escape
from django.utils.safestring import mark_safe

from consultations.enums import QuestionKind
from consultations.selectors import numbered_questions


def words_diff(before: str, after: str) -> str:
    """``after`` with the removed words in ``<del>`` and the added ones in ``<ins>``."""
    old, new = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape(" ".join(old[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(old[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(new[j1:j2]))}</ins>")
    return mark_safe(" ".join(out))


def _condition(question) -> str:
    if not question.condition_question_id:
        return "—"
    return f"si Q{question.condition_number} = « {question.condition_value} »"


FIELDS = [
    ("Type", lambda q: str(QuestionKind(q.kind).label)),
    ("Aide", lambda q: q.help_text or "—"),
    ("Obligatoire", lambda q: "oui" if q.required else "non"),
    ("Réponses proposées", lambda q: " · ".join(q.options) or "—"),
    ("Option « Autre »", lambda q: "oui" if q.has_other else "non"),
    ("Option « Ne sait pas / sans opinion »", lambda q: "oui" if q.has_dont_know else "non"),
    ("Condition d'affichage", _condition),
    ("Section", lambda q: q.section.title),
]


def version_diff(old, new) -> dict:
    before = {q.ref: q for q in numbered_questions(old)}
    after = {q.ref: q for q in numbered_questions(new)}
    changed, unchanged = [], 0
    for ref, question in after.items():
        if ref not in before:
            continue
        previous = question_before = before[ref]
        changes = []
        if previous.text != question.text:
            changes.append(
                {
                    "label": "Question",
                    "before": previous.text,
                    "after": question.text,
                    "inline": words_diff(previous.text, question.text),
                }
            )
        for label, read in FIELDS:
            if read(question_before) != read(question):
                changes.append({"label": label, "before": read(question_before), "after": read(question)})
        moved = previous.number != question.number
        if changes or moved:
            changed.append({"question": question, "previous": previous, "changes": changes, "moved": moved})
        else:
            unchanged += 1
    return {
        "old": old,
        "new": new,
        "added": [q for ref, q in after.items() if ref not in before],
        "removed": [q for ref, q in before.items() if ref not in after],
        "changed": changed,
        "unchanged": unchanged,
    }
