from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationStatus(models.TextChoices):
    PREPARATION = "preparation", _("En préparation")
    REVIEW = "review", _("Questionnaire en relecture")
    VALIDATED = "validated", _("Questionnaire validé")
    OPEN = "open", _("Ouverte au public")
    ANALYSIS = "analysis", _("En analyse")
    REPORT_PUBLISHED = "report_published", _("Bilan publié")
    CLOSED = "closed", _("Clôturée")


class Channel(models.TextChoices):
    PLATFORM = "platform", _("Plateforme en ligne")
    PUBLIC_MEETING = "public_meeting", _("Réunions publiques")
    STREET_STAND = "street_stand", _("Stands de rue")
    PAPER = "paper", _("Questionnaire papier")


#: The most questions the MDO advises for each channel: a street stand is answered standing up.
MAX_QUESTIONS_PER_CHANNEL = {
    Channel.PLATFORM: 25,
    Channel.PUBLIC_MEETING: 12,
    Channel.STREET_STAND: 8,
    Channel.PAPER: 20,
}


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiple")
    SCALE5 = "scale5", _("Échelle de 1 à 5")
    SCALE10 = "scale10", _("Échelle de 0 à 10")
    RANKING = "ranking", _("Classement")
    SHORT_TEXT = "short_text", _("Texte court")
    LONG_TEXT = "long_text", _("Texte long")
    YES_NO = "yes_no", _("Oui / non")
    NUMBER = "number", _("Nombre")
    DISTRICT = "district", _("Arrondissement")
    NEIGHBOURHOOD = "neighbourhood", _("Quartier")


#: Kinds whose answers the MDO gives as options, one per line.
KINDS_WITH_OPTIONS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING}
SCALE_KINDS = {QuestionKind.SCALE5, QuestionKind.SCALE10}
TEXT_KINDS = {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT}

DONT_KNOW = "Ne sait pas / sans opinion"
OTHER = "Autre"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("En relecture")
    SUPERSEDED = "superseded", _("Remplacée par une version suivante")
    VALIDATED = "validated", _("Validée")


class ReviewOpinion(models.TextChoices):
    FAVOURABLE = "favourable", _("Favorable")
    RESERVED = "reserved", _("Favorable avec réserves")
    UNFAVOURABLE = "unfavourable", _("Défavorable")


class ObjectiveOutcome(models.TextChoices):
    RETAINED = "retained", _("Retenu")
    NOT_RETAINED = "not_retained", _("Non retenu")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Changement de statut")
    VERSION = "version", _("Version du questionnaire")
    REVIEW = "review", _("Relecture")
    IMPORT = "import", _("Import des réponses")
    BILAN = "bilan", _("Bilan")
    EVALUATION = "evaluation", _("Évaluation")


class ResourceKind(models.TextChoices):
    FICHE = "fiche", _("Fiche pratique")
    GUIDE = "guide", _("Guide")
    TEMPLATE = "template", _("Modèle")
    NEWSLETTER = "newsletter", _("Lettre d'information")


#: Files the library accepts: PDF, Office and OpenDocument.
RESOURCE_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp"]
