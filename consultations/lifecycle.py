"""The lifecycle of a consultation, a ``viewflow.fsm`` state machine wrapped around the model.

préparation ─► questionnaire en relecture ─► validée ─► ouverte ─► analyse ─► bilan publié ─► clôturée
                 └─► (nouvelle version) ─► préparation

Calling a transition checks the source state and the conditions, not the permission: the services
(``consultations.services``) ask ``has_perm`` first, for the buttons and for every POST. What a
transition does beyond the status (freezing a version, opening the reviews) is in its service.
"""

from viewflow.fsm.base import State

from consultations.enums import ConsultationStatus, VersionStatus
from mdo.policy import permission_for

S = ConsultationStatus


def _allowed(name: str):
    """The transition's permission, read from mdo/policy.py (``consultations.consultation`` → ``transition:<name>``)."""
    return permission_for("consultations.consultation", f"transition:{name}", lambda lifecycle: lifecycle.consultation)


def has_draft_questions(lifecycle):
    from consultations.models import Question

    draft = Question.objects.filter(
        version__consultation_id=lifecycle.consultation.pk, version__status=VersionStatus.DRAFT
    ).exists()
    return State.CONDITION(draft, "Le brouillon du questionnaire n'a encore aucune question.")


def has_partners(lifecycle):
    return State.CONDITION(
        lifecycle.consultation.partners.exists(),
        "Ajoutez au moins une mairie ou une direction partenaire pour la relecture.",
    )


def comments_answered(lifecycle):
    from consultations.models import QuestionComment

    pending = QuestionComment.objects.filter(
        question__version__consultation_id=lifecycle.consultation.pk,
        question__version__status=VersionStatus.IN_REVIEW,
        reply="",
    ).count()
    return State.CONDITION(pending == 0, f"{pending} commentaire(s) des partenaires attendent la réponse de la MDO.")


def has_answers(lifecycle):
    return State.CONDITION(
        lifecycle.consultation.responses.exists(),
        "Aucune réponse n'a été importée : importez les réponses avant l'analyse.",
    )


def bilan_complete(lifecycle):
    from consultations.models import Bilan

    consultation = lifecycle.consultation
    if not Bilan.objects.filter(consultation_id=consultation.pk).exclude(heard="").exists():
        return State.CONDITION(False, "Rédigez le bilan (ce qui a été entendu) avant de le publier.")
    undecided = consultation.objectives.filter(outcome="").count()
    return State.CONDITION(undecided == 0, f"{undecided} objectif(s) sans suite donnée (retenu ou non retenu).")


class ConsultationLifecycle:
    status = State(ConsultationStatus, default=S.PREPARATION)

    def __init__(self, consultation):
        self.consultation = consultation

    @status.getter()
    def _get_status(self):
        return self.consultation.status

    @status.setter()
    def _set_status(self, value):
        self.consultation.status = value

    @status.transition(
        source=S.PREPARATION,
        target=S.REVIEW,
        label="Soumettre à la relecture des partenaires",
        conditions=[has_draft_questions, has_partners],
        permission=_allowed("submit_for_review"),
        custom={"style": "primary", "fields": ["due_on"]},
    )
    def submit_for_review(self, **data):
        pass

    @status.transition(
        source=S.REVIEW,
        target=S.PREPARATION,
        label="Préparer une nouvelle version",
        permission=_allowed("new_version"),
        custom={"style": "secondary"},
    )
    def new_version(self, **data):
        pass

    @status.transition(
        source=S.REVIEW,
        target=S.VALIDATED,
        label="Valider le questionnaire",
        conditions=[comments_answered],
        permission=_allowed("validate"),
        custom={"style": "success"},
    )
    def validate(self, **data):
        pass

    @status.transition(
        source=S.VALIDATED,
        target=S.OPEN,
        label="Ouvrir au public",
        permission=_allowed("open"),
        custom={"style": "primary"},
    )
    def open(self, **data):
        if not self.consultation.start_on:
            from django.utils import timezone

            self.consultation.start_on = timezone.localdate()

    @status.transition(
        source=S.OPEN,
        target=S.ANALYSIS,
        label="Clore la participation et analyser",
        conditions=[has_answers],
        permission=_allowed("start_analysis"),
        custom={"style": "primary"},
    )
    def start_analysis(self, **data):
        if not self.consultation.end_on:
            from django.utils import timezone

            self.consultation.end_on = timezone.localdate()

    @status.transition(
        source=S.ANALYSIS,
        target=S.REPORT_PUBLISHED,
        label="Publier le bilan",
        conditions=[bilan_complete],
        permission=_allowed("publish_bilan"),
        custom={"style": "success"},
    )
    def publish_bilan(self, **data):
        pass

    @status.transition(
        source=S.REPORT_PUBLISHED,
        target=S.CLOSED,
        label="Clôturer",
        permission=_allowed("close"),
        custom={"style": "secondary"},
    )
    def close(self, **data):
        pass


def transition_names() -> list[str]:
    return [method.slug for method in ConsultationLifecycle.status.get_transitions()]


def available_transitions(consultation, user) -> list:
    """The transitions ``user`` may fire now, conditions met or not (unmet ones are shown with their reason)."""
    lifecycle = ConsultationLifecycle(consultation)
    rows = []
    for transition in ConsultationLifecycle.status.get_outgoing_transitions(consultation.status):
        if transition.has_perm(lifecycle, user):
            unmet = transition.get_unmet_condition(lifecycle)
            rows.append(
                {
                    "transition": transition,
                    "name": transition.slug,
                    "unmet": getattr(unmet[1], "message", "") if unmet else "",
                }
            )
    return rows
