from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    INVESTMENT = "investment", _("Investissement")
    OPERATING = "operating", _("Fonctionnement")


class BudgetLineStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumise")
    CHANGES_REQUESTED = "changes_requested", _("À modifier")
    APPROVED = "approved", _("Approuvée")
    REJECTED = "rejected", _("Rejetée")


class ApprovalStep(models.TextChoices):
    """The steps of a line's approval; each task of the flow is one of them."""

    SUBMISSION = "submission", _("Soumission")
    MANAGER_REVIEW = "manager_review", _("Validation par la Responsable MDO")
    DIRECTOR_REVIEW = "director_review", _("Validation par la Direction (au-delà du seuil)")
    TOWN_HALL_OPINION = "town_hall_opinion", _("Avis de la mairie d'arrondissement")
    FINAL_DECISION = "final_decision", _("Décision finale")
    REWORK = "rework", _("Modification par le·la demandeur·se")


class DecisionOutcome(models.TextChoices):
    SUBMITTED = "submitted", _("Soumise")
    RESUBMITTED = "resubmitted", _("Resoumise après modification")
    APPROVED = "approved", _("Approuvée")
    REJECTED = "rejected", _("Rejetée")
    CHANGES_REQUESTED = "changes_requested", _("Renvoyée pour modification")
    FAVOURABLE = "favourable", _("Avis favorable")
    UNFAVOURABLE = "unfavourable", _("Avis défavorable")
