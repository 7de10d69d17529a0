"""The questionnaire in the shape of Decidim's surveys (``decidim-forms``), to put it online.

Decidim stores a questionnaire (``title``, ``description``, ``tos``, translated) and its questions
(``body``, ``description``, ``mandatory``, ``position``, ``question_type``, ``max_choices``,
``max_characters``) with their ``answer_options`` (``body``, ``free_text``) and ``display_conditions``
(``condition_type`` equal / answered …, ``condition_question``, ``answer_option``, ``mandatory``).
Its question types are ``short_answer``, ``long_answer``, ``single_option``, ``multiple_option``,
``sorting`` and ``title_and_description`` (a heading); our kinds map onto them below. Ids in the file
are local references (questions and options numbered from 1), not Decidim's database ids.
See docs/consultations.md for the full correspondence.
"""

from consultations.enums import QuestionKind
from consultations.selectors import neighbourhood_names, sections_with_questions

LOCALE = "fr"

QUESTION_TYPES = {
    QuestionKind.SINGLE: "single_option",
    QuestionKind.MULTIPLE: "multiple_option",
    QuestionKind.SCALE5: "single_option",
    QuestionKind.SCALE10: "single_option",
    QuestionKind.RANKING: "sorting",
    QuestionKind.SHORT_TEXT: "short_answer",
    QuestionKind.LONG_TEXT: "long_answer",
    QuestionKind.YES_NO: "single_option",
    QuestionKind.NUMBER: "short_answer",
    QuestionKind.DISTRICT: "single_option",
    QuestionKind.NEIGHBOURHOOD: "single_option",
}


def _t(text: str) -> dict:
    return {LOCALE: text}


def questionnaire_json(consultation, version) -> dict:
    names = neighbourhood_names(consultation)
    questions = []
    ids = {}
    option_ids = {}
    next_option = 1
    position = 0
    for section in sections_with_questions(version):
        position += 1
        questions.append(
            {
                "id": position,
                "position": position - 1,
                "question_type": "title_and_description",
                "mandatory": False,
                "body": _t(section.title),
                "description": _t(section.description),
                "answer_options": [],
                "display_conditions": [],
            }
        )
        for question in section.items:
            position += 1
            ids[question.pk] = position
            options = []
            if QUESTION_TYPES[question.kind] in ("single_option", "multiple_option", "sorting"):
                for choice in question.choices(names):
                    option_ids[(question.pk, choice)] = next_option
                    options.append(
                        {"id": next_option, "body": _t(choice), "free_text": choice == "Autre" and question.has_other}
                    )
                    next_option += 1
            description = question.help_text
            if question.kind == QuestionKind.NUMBER:
                description = (description + "\n" if description else "") + "Réponse attendue : un nombre."
            item = {
                "id": position,
                "position": position - 1,
                "question_type": QUESTION_TYPES[question.kind],
                "mandatory": question.required,
                "body": _t(question.text),
                "description": _t(description),
                "max_choices": len(options) if question.kind == QuestionKind.MULTIPLE else None,
                "max_characters": 0,
                "answer_options": options,
                "display_conditions": [],
            }
            if question.condition_question_id:
                item["display_conditions"].append(
                    {
                        "condition_type": "equal",
                        "condition_question": ids.get(question.condition_question_id),
                        "answer_option": option_ids.get((question.condition_question_id, question.condition_value)),
                        "mandatory": True,
                    }
                )
            questions.append(item)
    return {
        "title": _t(consultation.title),
        "description": _t(consultation.public_question),
        "tos": _t(""),
        "version": version.number,
        "questions": questions,
    }
