"""Every write of the consultations app: atomic, validated before saving, with their timeline lines."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from viewflow.fsm.base import NoTransition, TransitionConditionsUnmet, TransitionNotAllowed

from consultations.enums import (
    KINDS_WITH_OPTIONS,
    ConsultationStatus,
    EventKind,
    ObjectiveOutcome,
    QuestionKind,
    ReviewOpinion,
    VersionStatus,
)
from consultations.lifecycle import ConsultationLifecycle, transition_names
from consultations.models import (
    AnalystTag,
    Answer,
    Bilan,
    Consultation,
    ConsultationEvent,
    Evaluation,
    EvaluationCriterion,
    EvaluationScore,
    GlossaryTerm,
    Objective,
    Partner,
    Question,
    QuestionComment,
    QuestionnaireVersion,
    Resource,
    ResourceVersion,
    ReviewRequest,
    Section,
    TerritoryDistrict,
    Theme,
)
from consultations.selectors import neighbourhood_names
from mdo import policy


class ConsultationError(Exception):
    """A refused action: the message says why, in French; nothing was written."""


def _status_label(value) -> str:
    return str(ConsultationStatus(value).label)


def _event(consultation, kind, text, *, by, **fields) -> ConsultationEvent:
    return ConsultationEvent.objects.create(consultation=consultation, kind=kind, text=text, author=by, **fields)


def _require(by, action: str, target) -> None:
    """The service's own check of mdo/policy.py, for callers other than the views (seed, shell, imports)."""
    if not policy.allows(by, action, target):
        raise ConsultationError("Seule la MDO peut faire cette action.")


# --- the consultation file -----------------------------------------------------------------

CONSULTATION_FIELDS = (
    "title",
    "public_question",
    "description",
    "scope_open",
    "scope_fixed",
    "publics",
    "other_places",
    "start_on",
    "end_on",
    "channels",
    "participation_target",
    "budget",
    "amo_order",
    "officer",
)
CONSULTATION_M2M = ("neighbourhoods", "projects", "meetings")


def _set_territory(consultation: Consultation, districts) -> None:
    """The territory's districts: those chosen and those of its quartiers (a quartier's town hall sees it).

    None of either: the whole city."""
    chosen = set()
    for value in districts or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= 9:
            raise ValidationError({"districts": f"« {value} » n'est pas un arrondissement de Lyon (1 à 9)."})
        chosen.add(number)
    chosen |= set(consultation.neighbourhoods.values_list("district", flat=True))
    consultation.territory_districts.exclude(district__in=chosen).delete()
    existing = set(consultation.territory_districts.values_list("district", flat=True))
    TerritoryDistrict.objects.bulk_create(
        TerritoryDistrict(consultation=consultation, district=n) for n in sorted(chosen - existing)
    )


def _check_dates(start_on, end_on) -> None:
    if start_on and end_on and end_on < start_on:
        raise ValidationError({"end_on": "La clôture ne peut pas précéder l'ouverture."})


@transaction.atomic
def consultation_create(*, by, **data) -> Consultation:
    """Create a consultation in preparation, with an empty draft questionnaire (version 1).

    Side effects: the draft version; one timeline line."""
    _require(by, "create", "consultations.consultation")
    _check_dates(data.get("start_on"), data.get("end_on"))
    fields = {key: data[key] for key in CONSULTATION_FIELDS if key in data}
    fields.setdefault("officer", by)
    consultation = Consultation.objects.create(**fields)
    for key in CONSULTATION_M2M:
        if key in data:
            getattr(consultation, key).set(data[key])
    _set_territory(consultation, data.get("districts", ()))
    QuestionnaireVersion.objects.create(consultation=consultation, number=1, created_by=by)
    _event(
        consultation,
        EventKind.TRANSITION,
        "Consultation créée (en préparation).",
        by=by,
        to_status=ConsultationStatus.PREPARATION,
    )
    return consultation


@transaction.atomic
def consultation_update(*, consultation: Consultation, by, **data) -> Consultation:
    _require(by, "change", consultation)
    _check_dates(data.get("start_on", consultation.start_on), data.get("end_on", consultation.end_on))
    for key in CONSULTATION_FIELDS:
        if key in data:
            setattr(consultation, key, data[key])
    consultation.save()
    for key in CONSULTATION_M2M:
        if key in data:
            getattr(consultation, key).set(data[key])
    if "districts" in data or "neighbourhoods" in data:
        _set_territory(consultation, data.get("districts", consultation.districts))
    return consultation


@transaction.atomic
def partner_add(*, consultation: Consultation, organisation, contact=None, role: str = "", by) -> Partner:
    _require(by, "change", consultation)
    if not (organisation.is_town_hall or organisation.is_directorate):
        raise ValidationError({"organisation": "Un partenaire est une mairie d'arrondissement ou une direction."})
    if contact is not None and contact.organisation_id != organisation.pk:
        raise ValidationError({"contact": "Le contact doit appartenir à l'organisation partenaire."})
    partner, created = Partner.objects.update_or_create(
        consultation=consultation, organisation=organisation, defaults={"contact": contact, "role": role}
    )
    # A partner added while a version is in review is asked for its opinion too.
    version = consultation.versions.filter(status=VersionStatus.IN_REVIEW).first()
    if version is not None:
        ReviewRequest.objects.get_or_create(
            version=version, organisation=organisation, defaults={"due_on": version.review_due_on}
        )
    return partner


@transaction.atomic
def partner_remove(*, partner: Partner, by) -> None:
    _require(by, "change", partner.consultation)
    partner.delete()


@transaction.atomic
def objective_add(*, consultation: Consultation, text: str, by) -> Objective:
    _require(by, "change", consultation)
    if not text.strip():
        raise ValidationError({"text": "Écrivez l'objectif."})
    position = (consultation.objectives.aggregate(m=Max("position"))["m"] or 0) + 1
    return Objective.objects.create(consultation=consultation, text=text.strip(), position=position)


@transaction.atomic
def objective_remove(*, objective: Objective, by) -> None:
    _require(by, "change", objective.consultation)
    objective.delete()


# --- the questionnaire builder -------------------------------------------------------------


def draft_of(consultation: Consultation) -> QuestionnaireVersion | None:
    return consultation.versions.filter(status=VersionStatus.DRAFT).first()


def _require_draft(version: QuestionnaireVersion) -> QuestionnaireVersion:
    version = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if version.is_frozen:
        raise ConsultationError(
            f"La version {version.number} est figée : préparez une nouvelle version pour la modifier."
        )
    return version


@transaction.atomic
def section_save(
    *, version: QuestionnaireVersion, title: str, description: str = "", section: Section | None = None, by
) -> Section:
    _require(by, "design", version.consultation)
    version = _require_draft(version)
    if not title.strip():
        raise ValidationError({"title": "Donnez un titre à la section."})
    if section is None:
        position = (version.sections.aggregate(m=Max("position"))["m"] or 0) + 1
        return Section.objects.create(version=version, title=title.strip(), description=description, position=position)
    section.title, section.description = title.strip(), description
    section.save()
    return section


@transaction.atomic
def section_delete(*, section: Section, by) -> None:
    _require(by, "design", section.version.consultation)
    _require_draft(section.version)
    if section.questions.exists():
        raise ConsultationError("Cette section contient des questions : déplacez-les ou supprimez-les d'abord.")
    section.delete()


def _clean_options(kind: str, options: list[str]) -> list[str]:
    cleaned = [option.strip() for option in options if option.strip()]
    if kind in KINDS_WITH_OPTIONS:
        if len(cleaned) < 2:
            raise ValidationError({"options": "Proposez au moins deux réponses, une par ligne."})
        if len(set(o.lower() for o in cleaned)) != len(cleaned):
            raise ValidationError({"options": "Deux réponses proposées sont identiques."})
        return cleaned
    return []


@transaction.atomic
def question_save(
    *,
    version: QuestionnaireVersion,
    section: Section,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    options: list[str] | None = None,
    has_other: bool = False,
    has_dont_know: bool = False,
    condition_question: Question | None = None,
    condition_value: str = "",
    question: Question | None = None,
    by,
) -> Question:
    """Add a question at the end of its section, or change ``question``. Only in the draft version.

    A condition refers to an earlier question of the same version, and its value to one of that
    question's answers."""
    _require(by, "design", version.consultation)
    version = _require_draft(version)
    if section.version_id != version.pk:
        raise ValidationError({"section": "Cette section n'appartient pas à ce questionnaire."})
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": "Type de question inconnu."})
    if not text.strip():
        raise ValidationError({"text": "Écrivez la question."})
    options = _clean_options(kind, options or [])
    if condition_question is not None:
        if condition_question.version_id != version.pk or (question and condition_question.pk == question.pk):
            raise ValidationError(
                {"condition_question": "La condition porte sur une autre question de ce questionnaire."}
            )
        if condition_value not in condition_question.choices(_neighbourhood_names(version)):
            raise ValidationError(
                {
                    "condition_value": "Choisissez une des réponses proposées à cette question : "
                    + ", ".join(condition_question.choices()[:12])
                }
            )
    else:
        condition_value = ""
    fields = {
        "section": section,
        "kind": kind,
        "text": text.strip(),
        "help_text": help_text.strip(),
        "required": required,
        "options": options,
        "has_other": has_other and kind in KINDS_WITH_OPTIONS,
        "has_dont_know": has_dont_know,
        "condition_question": condition_question,
        "condition_value": condition_value,
    }
    if question is None:
        position = (section.questions.aggregate(m=Max("position"))["m"] or 0) + 1
        return Question.objects.create(version=version, position=position, **fields)
    if question.version_id != version.pk:
        raise ConsultationError("Cette question appartient à une autre version.")
    if question.section_id != section.pk:
        fields["position"] = (section.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    for key, value in fields.items():
        setattr(question, key, value)
    question.save()
    return question


def _neighbourhood_names(version) -> list[str]:
    return neighbourhood_names(version.consultation)


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    _require(by, "design", question.version.consultation)
    _require_draft(question.version)
    Question.objects.filter(condition_question=question).update(condition_question=None, condition_value="")
    question.delete()


@transaction.atomic
def question_move(*, question: Question, direction: str, by) -> None:
    """Swap ``question`` with its neighbour in its section (the keyboard way to reorder)."""
    _require(by, "design", question.version.consultation)
    _require_draft(question.version)
    siblings = list(question.section.questions.order_by("position", "pk"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    _renumber(siblings)


def _renumber(questions) -> None:
    for position, item in enumerate(questions, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position", "section"])


@transaction.atomic
def questions_reorder(*, version: QuestionnaireVersion, order: list[tuple[int, int]], by) -> None:
    """Apply a new order from the drag and drop: ``order`` lists (section id, question id), top to bottom.

    Every question of the version must appear once; refused otherwise (a stale page)."""
    _require(by, "design", version.consultation)
    version = _require_draft(version)
    questions = {q.pk: q for q in version.questions.all()}
    sections = set(version.sections.values_list("pk", flat=True))
    if sorted(pk for _s, pk in order) != sorted(questions) or any(s not in sections for s, _q in order):
        raise ConsultationError("L'ordre reçu ne correspond plus au questionnaire : rechargez la page.")
    by_section: dict[int, list] = {}
    for section_id, pk in order:
        question = questions[pk]
        question.section_id = section_id
        by_section.setdefault(section_id, []).append(question)
    for items in by_section.values():
        for position, item in enumerate(items, start=1):
            item.position = position
            item.save(update_fields=["position", "section"])


def _copy_version(source: QuestionnaireVersion, *, number: int, by, note: str) -> QuestionnaireVersion:
    """A new draft with the sections and questions of ``source`` (same refs, conditions re-pointed)."""
    draft = QuestionnaireVersion.objects.create(
        consultation=source.consultation, number=number, created_by=by, change_note=note
    )
    sections = {}
    for section in source.sections.all():
        sections[section.pk] = Section.objects.create(
            version=draft,
            position=section.position,
            title=section.title,
            description=section.description,
            ref=section.ref,
        )
    copies = {}
    conditions = []
    for question in source.questions.order_by("section__position", "position", "pk"):
        copy = Question.objects.create(
            version=draft,
            section=sections[question.section_id],
            position=question.position,
            ref=question.ref,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            options=question.options,
            has_other=question.has_other,
            has_dont_know=question.has_dont_know,
            condition_value=question.condition_value,
        )
        copies[question.pk] = copy
        if question.condition_question_id:
            conditions.append((copy, question.condition_question_id))
    for copy, source_pk in conditions:
        copy.condition_question = copies.get(source_pk)
        copy.save(update_fields=["condition_question"])
    return draft


# --- the lifecycle ---------------------------------------------------------------------------


@transaction.atomic
def consultation_transition(
    *, consultation: Consultation, name: str, by, due_on: datetime.date | None = None, note: str = ""
) -> Consultation:
    """Fire the transition ``name`` for ``by``; refused (nothing written) when not allowed.

    Side effects, after the status change and its timeline line (also written on each linked project's):
    - ``submit_for_review``: the draft is frozen (in review) and each partner gets a review task
      in « Mes tâches »;
    - ``new_version``: the version in review is superseded by a new draft that copies it;
    - ``validate``: the version in review becomes the validated (frozen) questionnaire;
    - ``publish_bilan``: the bilan is dated as published (it appears in the open data).
    """
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if name not in transition_names():
        raise ConsultationError("Action inconnue.")
    lifecycle = ConsultationLifecycle(consultation)
    method = getattr(lifecycle, name)
    if not method.can_proceed(check_conditions=False):
        raise ConsultationError(
            f"Cette action n'est pas possible depuis le statut « {_status_label(consultation.status)} »."
        )
    if not method.has_perm(by):
        raise ConsultationError("Vous n'avez pas le droit de faire cette action sur cette consultation.")
    if name == "submit_for_review" and due_on is not None and due_on < timezone.localdate():
        raise ValidationError({"due_on": "L'échéance des avis ne peut pas être passée."})
    source = consultation.status
    try:
        method()
    except TransitionConditionsUnmet as error:
        raise ConsultationError(error.unmet_message or "Les conditions de cette action ne sont pas remplies.") from None
    except (NoTransition, TransitionNotAllowed):
        raise ConsultationError("Cette action n'est pas possible maintenant.") from None
    consultation.save()
    text = f"{_status_label(source)} → {_status_label(consultation.status)}"
    now = timezone.now()
    if name == "submit_for_review":
        version = _require_draft(draft_of(consultation))
        version.status, version.submitted_at, version.review_due_on = VersionStatus.IN_REVIEW, now, due_on
        version.save()
        orgs = [partner.organisation for partner in consultation.partners.select_related("organisation")]
        ReviewRequest.objects.bulk_create(
            [ReviewRequest(version=version, organisation=org, due_on=due_on) for org in orgs]
        )
        text += f" · version {version.number} figée, relecture demandée à : " + ", ".join(str(o) for o in orgs)
    elif name == "new_version":
        current = consultation.versions.get(status=VersionStatus.IN_REVIEW)
        current.status = VersionStatus.SUPERSEDED
        current.save(update_fields=["status"])
        draft = _copy_version(current, number=current.number + 1, by=by, note=note)
        text += f" · version {draft.number} en préparation (à partir de la version {current.number})"
    elif name == "validate":
        version = consultation.versions.get(status=VersionStatus.IN_REVIEW)
        version.status, version.validated_at, version.validated_by = VersionStatus.VALIDATED, now, by
        version.save()
        text += f" · version {version.number} validée"
    elif name == "publish_bilan":
        Bilan.objects.filter(consultation=consultation).update(published_at=now)
    if note and name != "new_version":
        text += f" · {note}"
    _event(consultation, EventKind.TRANSITION, text, by=by, from_status=source, to_status=consultation.status)
    # The linked projects' timelines tell the consultation's story too (their own status does not move).
    from projects.models import TimelineEntry, TimelineKind

    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                project=project,
                kind=TimelineKind.COMMENT,
                author=by,
                text=f"Consultation « {consultation.title} » : {_status_label(source)} → "
                f"{_status_label(consultation.status)}",
            )
            for project in consultation.projects.all()
        ]
    )
    return consultation


# --- the partners' review ------------------------------------------------------------------


def _reviewer_request(version: QuestionnaireVersion, by) -> ReviewRequest | None:
    if not policy.allows(by, "review", version.consultation):
        return None
    return version.reviews.filter(organisation_id=by.organisation_id).first()


def may_review(version: QuestionnaireVersion, by) -> bool:
    return version.status == VersionStatus.IN_REVIEW and _reviewer_request(version, by) is not None


@transaction.atomic
def review_answer(*, version: QuestionnaireVersion, opinion: str, comment: str, by) -> ReviewRequest:
    """The partner's opinion on a version in review. A comment is required unless favourable.

    Side effects: one timeline line; the task leaves the partner's « Mes tâches »."""
    if version.status != VersionStatus.IN_REVIEW:
        raise ConsultationError("Cette version n'est plus en relecture.")
    review = _reviewer_request(version, by)
    if review is None:
        raise ConsultationError("Votre organisation n'est pas sollicitée pour cette relecture.")
    review = ReviewRequest.objects.select_for_update().get(pk=review.pk)
    if opinion not in ReviewOpinion.values:
        raise ValidationError({"opinion": "Choisissez votre avis : favorable, avec réserves ou défavorable."})
    if opinion != ReviewOpinion.FAVOURABLE and not comment.strip():
        raise ValidationError(
            {
                "comment": "Expliquez vos réserves ou votre désaccord : le commentaire est obligatoire "
                "sauf pour un avis favorable."
            }
        )
    review.opinion, review.comment, review.answered_by, review.answered_at = (
        opinion,
        comment.strip(),
        by,
        timezone.now(),
    )
    review.save()
    _event(
        version.consultation,
        EventKind.REVIEW,
        f"Avis de {review.organisation} sur la version {version.number} : {ReviewOpinion(opinion).label}"
        + (f" — {comment.strip()}" if comment.strip() else ""),
        by=by,
    )
    return review


@transaction.atomic
def question_comment_add(*, question: Question, text: str, by) -> QuestionComment:
    if not may_review(question.version, by) and not (
        question.version.status == VersionStatus.IN_REVIEW
        and policy.allows(by, "reply_comment", question.version.consultation)
    ):
        raise ConsultationError("On ne commente une question que pendant la relecture, comme partenaire sollicité.")
    if not text.strip():
        raise ValidationError({"text": "Écrivez votre commentaire."})
    return QuestionComment.objects.create(question=question, author=by, organisation=by.organisation, text=text.strip())


@transaction.atomic
def question_comment_reply(*, comment: QuestionComment, reply: str, by) -> QuestionComment:
    _require(by, "reply_comment", comment.question.version.consultation)
    if not reply.strip():
        raise ValidationError({"reply": "Écrivez la réponse."})
    comment.reply, comment.replied_by, comment.replied_at = reply.strip(), by, timezone.now()
    comment.save()
    return comment


# --- glossary --------------------------------------------------------------------------------


@transaction.atomic
def glossary_term_add(*, term: str, suggestion: str = "", note: str = "", by) -> GlossaryTerm:
    _require(by, "change", "consultations.glossaryterm")
    term = term.strip()
    if not term:
        raise ValidationError({"term": "Écrivez le terme."})
    if GlossaryTerm.objects.filter(term__iexact=term).exists():
        raise ValidationError({"term": "Ce terme est déjà dans le glossaire."})
    return GlossaryTerm.objects.create(term=term, suggestion=suggestion.strip(), note=note.strip())


@transaction.atomic
def glossary_term_delete(*, term: GlossaryTerm, by) -> None:
    _require(by, "change", term)
    term.delete()


# --- analysis and bilan ----------------------------------------------------------------------


@transaction.atomic
def answer_tag(*, answer: Answer, names: list[str], by) -> Answer:
    """Set the analyst's tags of a free-text answer (created in the consultation as needed)."""
    _require(by, "analyse", answer.response.consultation)
    consultation = answer.response.consultation
    tags = []
    for name in {n.strip()[:60] for n in names if n.strip()}:
        tags.append(AnalystTag.objects.get_or_create(consultation=consultation, name=name)[0])
    answer.tags.set(tags)
    return answer


@transaction.atomic
def bilan_save(*, consultation: Consultation, heard: str, city_response: str, outcomes: dict, by) -> Bilan:
    """The bilan and, per objective, retenu / non retenu and why. ``outcomes``: {objective id: (outcome, reason)}.

    A "non retenu" needs its reason. Once published the bilan stays editable until closure."""
    _require(by, "write_bilan", consultation)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.status not in (ConsultationStatus.ANALYSIS, ConsultationStatus.REPORT_PUBLISHED):
        raise ConsultationError("Le bilan se rédige pendant l'analyse.")
    if not heard.strip():
        raise ValidationError({"heard": "Dites ce qui a été entendu."})
    errors = {}
    objectives = {o.pk: o for o in consultation.objectives.select_for_update()}
    for pk, (outcome, reason) in outcomes.items():
        if pk not in objectives:
            continue
        if outcome and outcome not in ObjectiveOutcome.values:
            errors[f"outcome_{pk}"] = "Suite inconnue."
        elif outcome == ObjectiveOutcome.NOT_RETAINED and not reason.strip():
            errors[f"reason_{pk}"] = "Expliquez pourquoi cet objectif n'est pas retenu."
    if errors:
        raise ValidationError(errors)
    for pk, (outcome, reason) in outcomes.items():
        if pk in objectives:
            objectives[pk].outcome, objectives[pk].outcome_reason = outcome, reason.strip()
            objectives[pk].save()
    bilan, _created = Bilan.objects.update_or_create(
        consultation=consultation,
        defaults={"heard": heard.strip(), "city_response": city_response.strip(), "updated_by": by},
    )
    _event(consultation, EventKind.BILAN, "Bilan mis à jour.", by=by)
    return bilan


# --- evaluation ------------------------------------------------------------------------------


@transaction.atomic
def criterion_add(*, name: str, description: str = "", by) -> EvaluationCriterion:
    _require(by, "change", "consultations.evaluationcriterion")
    if not name.strip():
        raise ValidationError({"name": "Nommez le critère."})
    if EvaluationCriterion.objects.filter(name__iexact=name.strip()).exists():
        raise ValidationError({"name": "Ce critère existe déjà."})
    position = (EvaluationCriterion.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    return EvaluationCriterion.objects.create(name=name.strip(), description=description.strip(), position=position)


EVALUABLE_CONSULTATION = (ConsultationStatus.REPORT_PUBLISHED, ConsultationStatus.CLOSED)
EVALUABLE_PROJECT = ("delivered", "closed")


@transaction.atomic
def evaluation_save(*, scores: dict, summary: str = "", consultation=None, project=None, by) -> Evaluation:
    """Score each active criterion 0–5 with a comment. ``scores``: {criterion id: (score or None, comment)}."""
    _require(by, "change", "consultations.evaluation")
    if consultation is not None:
        consultation = Consultation.objects.get(pk=consultation.pk)
    if consultation is not None and consultation.status not in EVALUABLE_CONSULTATION:
        raise ConsultationError("Une consultation s'évalue une fois son bilan publié.")
    if project is not None and project.status not in EVALUABLE_PROJECT:
        raise ConsultationError("Un projet s'évalue une fois livré ou clôturé.")
    criteria = {c.pk: c for c in EvaluationCriterion.objects.filter(active=True)}
    errors = {}
    for pk, (score, _comment) in scores.items():
        if pk in criteria and score is not None and not 0 <= score <= 5:
            errors[f"score_{pk}"] = "La note va de 0 à 5."
    if errors:
        raise ValidationError(errors)
    lookup = {"consultation": consultation} if consultation is not None else {"project": project}
    evaluation, _created = Evaluation.objects.update_or_create(
        **lookup, defaults={"summary": summary.strip(), "evaluated_by": by}
    )
    for pk, (score, comment) in scores.items():
        if pk not in criteria:
            continue
        if score is None:
            EvaluationScore.objects.filter(evaluation=evaluation, criterion_id=pk).delete()
        else:
            EvaluationScore.objects.update_or_create(
                evaluation=evaluation, criterion_id=pk, defaults={"score": score, "comment": comment.strip()}
            )
    if consultation is not None:
        _event(consultation, EventKind.EVALUATION, "Grille d'évaluation renseignée.", by=by)
    return evaluation


# --- the network's library -------------------------------------------------------------------


def _themes(names: list[str]) -> list[Theme]:
    return [Theme.objects.get_or_create(name=name.strip()[:100])[0] for name in names if name.strip()]


@transaction.atomic
def resource_create(
    *,
    title: str,
    kind: str,
    summary: str,
    file,
    note: str = "",
    themes: list[str] = (),
    consultations=(),
    projects=(),
    meetings=(),
    by,
) -> Resource:
    """A resource and its first file version. Every agent of the network may add one."""
    if not title.strip():
        raise ValidationError({"title": "Donnez un titre."})
    resource = Resource.objects.create(title=title.strip(), kind=kind, summary=summary.strip(), author=by)
    resource.themes.set(_themes(list(themes)))
    resource.consultations.set(consultations)
    resource.projects.set(projects)
    resource.meetings.set(meetings)
    ResourceVersion.objects.create(resource=resource, number=1, file=file, note=note, uploaded_by=by)
    return resource


@transaction.atomic
def resource_update(
    *,
    resource: Resource,
    title: str,
    kind: str,
    summary: str,
    themes: list[str] = (),
    consultations=(),
    projects=(),
    meetings=(),
    by,
) -> Resource:
    if not title.strip():
        raise ValidationError({"title": "Donnez un titre."})
    resource.title, resource.kind, resource.summary = title.strip(), kind, summary.strip()
    resource.save()
    resource.themes.set(_themes(list(themes)))
    resource.consultations.set(consultations)
    resource.projects.set(projects)
    resource.meetings.set(meetings)
    return resource


@transaction.atomic
def resource_version_add(*, resource: Resource, file, note: str = "", by) -> ResourceVersion:
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    number = (resource.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = ResourceVersion.objects.create(resource=resource, number=number, file=file, note=note, uploaded_by=by)
    resource.save(update_fields=["updated_at"])
    return version


@transaction.atomic
def resource_attach_to_agenda_item(*, resource: Resource, agenda_item, by) -> None:
    """Attach a resource to a point of a meeting's agenda (e.g. the bimonthly network meeting).

    Whoever may change the meeting may do it (its organiser, the MDO); the meeting is linked too."""
    from mdo import access

    if not access.can_change(by, agenda_item.meeting):
        raise ConsultationError(
            "Seuls l'organisateur·rice de la réunion et la MDO joignent une ressource à son ordre du jour."
        )
    resource.agenda_items.add(agenda_item)
    resource.meetings.add(agenda_item.meeting)
