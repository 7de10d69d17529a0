from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    NETWORK = "network", _("Réunion bimestrielle du réseau")
    COPIL = "copil", _("COPIL")
    COTECH = "cotech", _("COTECH")
    NEIGHBOURHOOD_COUNCIL = "neighbourhood_council", _("Conseil de quartier")
    PUBLIC = "public", _("Réunion publique")
    OTHER = "other", _("Autre")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", _("Invité·e")
    ACCEPTED = "accepted", _("A accepté")
    DECLINED = "declined", _("A décliné")
    PRESENT = "present", _("Présent·e")
    EXCUSED = "excused", _("Excusé·e")
    ABSENT = "absent", _("Absent·e")


#: What may be recorded once the meeting took place (émargement).
ATTENDANCE_TAKEN = (AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT)


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    REVIEW = "review", _("En relecture")
    APPROVED = "approved", _("Validé")
    PUBLISHED = "published", _("Diffusé")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("À faire")
    DONE = "done", _("Faite")
    DROPPED = "dropped", _("Abandonnée")


#: Recurrence presets offered in the series form (RFC 5545 RRULE without COUNT/UNTIL).
RRULE_PRESETS = [
    ("FREQ=MONTHLY;INTERVAL=2", _("Tous les deux mois")),
    ("FREQ=MONTHLY", _("Tous les mois")),
    ("FREQ=WEEKLY;INTERVAL=2", _("Toutes les deux semaines")),
    ("FREQ=MONTHLY;INTERVAL=3", _("Tous les trimestres")),
]
DEFAULT_RRULE = "FREQ=MONTHLY;INTERVAL=2"
