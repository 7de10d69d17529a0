from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TASK = "task", _("Tâche qui m'est confiée (ou à mon équipe)")
    DECISION = "decision", _("Décision sur ma demande")
    MENTION = "mention", _("Mention @identifiant")
    PROJECT_STATUS = "project_status", _("Changement de statut d'un projet suivi")
    INVITATION = "invitation", _("Invitation à une réunion et ses changements")
    REMINDER = "reminder", _("Rappels d'échéance et retards")
    JOB = "job", _("Traitement terminé (import, export, rapport)")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("Dans l'application seulement")
    EMAIL = "email", _("Par e-mail aussitôt")
    DIGEST = "digest", _("Dans le récapitulatif quotidien")


#: Without a choice of their own. Tasks and decisions on budget lines already arrive by e-mail from
#: the approval circuit, so the bell is enough; a reminder is useless if nobody reads it.
DEFAULT_CHANNELS = {
    NotificationKind.TASK: Channel.IN_APP,
    NotificationKind.DECISION: Channel.IN_APP,
    NotificationKind.MENTION: Channel.EMAIL,
    NotificationKind.PROJECT_STATUS: Channel.IN_APP,
    NotificationKind.INVITATION: Channel.IN_APP,
    NotificationKind.REMINDER: Channel.EMAIL,
    # The job's page already follows it to its end; the bell tells whoever left it meanwhile.
    NotificationKind.JOB: Channel.IN_APP,
}


class ReminderKind(models.TextChoices):
    TASK = "task", _("Tâche de « Mes tâches » (avis, validations, comptes rendus)")
    ACTION = "action", _("Action à mener d'une réunion")
    MILESTONE = "milestone", _("Jalon d'un prestataire")
    INVOICE = "invoice", _("Facture (délai global de paiement)")
    CONTRACT_END = "contract_end", _("Fin de marché")
    RENEWAL = "renewal", _("Décision de reconduction")
    PROJECT_DELIVERY = "project_delivery", _("Livraison prévue d'un projet")
    PROJECT_PHASE = "project_phase", _("Fin prévue d'une phase de projet")
