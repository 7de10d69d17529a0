"""Meetings of the network: series, meetings, agenda, attendance, minutes, decisions, actions, feed tokens."""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mdo.models import Neighbourhood, Organisation
from meetings.enums import (
    DEFAULT_RRULE,
    ActionStatus,
    AttendanceStatus,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
)


def new_uid() -> str:
    return f"{uuid.uuid4()}@mdo-pilotage"


def new_token() -> str:
    return secrets.token_urlsafe(32)


class MeetingSeries(models.Model):
    """A recurring meeting (RFC 5545 rule); each occurrence is a :class:`Meeting` row."""

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=MeetingKind.choices, default=MeetingKind.NETWORK)
    rrule = models.CharField(
        _("règle de récurrence"),
        max_length=200,
        default=DEFAULT_RRULE,
        help_text=_("Règle RFC 5545, par exemple FREQ=MONTHLY;INTERVAL=2;COUNT=6."),
    )
    first_start = models.DateTimeField(_("première occurrence"))
    duration_minutes = models.PositiveIntegerField(
        _("durée (minutes)"), default=120, validators=[MinValueValidator(5), MaxValueValidator(24 * 60)]
    )
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    online_link = models.URLField(_("lien de visioconférence"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_series",
        verbose_name=_("organisateur·rice"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meeting_series", verbose_name=_("organisation")
    )
    uid = models.CharField(_("UID iCalendar"), max_length=120, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(_("séquence"), default=0)
    #: The agenda each occurrence starts with: ``[[title, minutes], …]``.
    agenda_template = models.JSONField(_("ordre du jour type"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("série de réunions")
        verbose_name_plural = _("séries de réunions")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def rule_label(self) -> str:
        """« Tous les deux mois, le 1er mardi, 6 réunions » for the presets (with one weekday of the month),
        the rule itself otherwise."""
        from meetings.enums import RRULE_PRESETS

        parts = self.rrule.split(";")
        count = next((p[6:] for p in parts if p.startswith("COUNT=")), None)
        byday = next((p[6:] for p in parts if p.startswith("BYDAY=")), None)
        base = ";".join(p for p in parts if not p.startswith(("COUNT=", "UNTIL=", "BYDAY=")))
        label = dict(RRULE_PRESETS).get(base)
        day = _weekday_of_month(byday) if byday else ""
        if label is None or day is None:
            return self.rrule
        return ", ".join(str(part) for part in (label, day, f"{count} réunions" if count else "") if part)


_WEEKDAYS = {
    "MO": "lundi",
    "TU": "mardi",
    "WE": "mercredi",
    "TH": "jeudi",
    "FR": "vendredi",
    "SA": "samedi",
    "SU": "dimanche",
}
_ORDINALS = {"1": "1er", "2": "2e", "3": "3e", "4": "4e", "-1": "dernier"}


def _weekday_of_month(byday: str) -> str | None:
    """« le 1er mardi » for ``1TU``, « le dernier vendredi » for ``-1FR``; None for what it cannot say."""
    ordinal, weekday = byday[:-2], byday[-2:]
    if weekday not in _WEEKDAYS or ordinal not in _ORDINALS:
        return None
    return f"le {_ORDINALS[ordinal]} {_WEEKDAYS[weekday]}"


class Meeting(models.Model):
    kind = models.CharField(_("type"), max_length=30, choices=MeetingKind.choices, default=MeetingKind.OTHER)
    title = models.CharField(_("titre"), max_length=200)
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=255, blank=True)
    online_link = models.URLField(_("lien de visioconférence"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        verbose_name=_("organisateur·rice"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("organisation")
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("conseil de quartier"),
    )
    status = models.CharField(_("statut"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("série"),
    )
    #: For an occurrence of a series: the start the rule gave it (its RECURRENCE-ID), even once moved.
    original_start = models.DateTimeField(_("date prévue par la série"), null=True, blank=True)
    invited_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="meeting_invitations", verbose_name=_("organisations invitées")
    )
    uid = models.CharField(_("UID iCalendar"), max_length=120, unique=True, default=new_uid, editable=False)
    sequence = models.PositiveIntegerField(_("séquence"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="meeting_ends_after_start"),
            models.UniqueConstraint(
                fields=["series", "original_start"],
                condition=Q(series__isnull=False),
                name="one_occurrence_per_series_date",
            ),
        ]
        indexes = [models.Index(fields=["start"]), models.Index(fields=["kind", "start"])]

    def __str__(self) -> str:
        return f"{self.title} — {timezone.localtime(self.start):%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def ical_uid(self) -> str:
        """Occurrences of a series share the series' UID and differ by RECURRENCE-ID."""
        return self.series.uid if self.series_id else self.uid

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_moved(self) -> bool:
        return bool(self.series_id and self.original_start and self.original_start != self.start)

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("réunion")
    )
    order = models.PositiveIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=255)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("présenté par"),
    )
    duration_minutes = models.PositiveIntegerField(
        _("durée (minutes)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("projet lié"),
    )
    #: Minutes for this item, sanitised HTML (see meetings.richtext).
    notes = models.TextField(_("compte rendu du point"), blank=True)

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendee(models.Model):
    """One invited person — a member of staff or an external guest — and their attendance."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("réunion"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("agent"),
    )
    name = models.CharField(_("nom (invité·e externe)"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail (invité·e externe)"), blank=True)
    status = models.CharField(
        _("présence"), max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED
    )
    via_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité·e au titre de"),
    )

    class Meta:
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·e·s")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="one_attendance_per_user"
            ),
            models.UniqueConstraint(
                fields=["meeting", "email"], condition=Q(user__isnull=True), name="one_attendance_per_guest_email"
            ),
            models.CheckConstraint(condition=Q(user__isnull=False) | ~Q(email=""), name="attendee_is_user_or_email"),
        ]
        indexes = [models.Index(fields=["user", "meeting"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            return str(self.user)
        return self.name or self.email

    @property
    def contact_email(self) -> str:
        return self.user.email if self.user_id else self.email


class Minutes(models.Model):
    """The compte rendu of a meeting and its approval state."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("réunion"))
    status = models.CharField(_("statut"), max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    summary = models.TextField(_("synthèse"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validé par"),
    )
    approved_at = models.DateTimeField(_("validé le"), null=True, blank=True)
    published_at = models.DateTimeField(_("diffusé le"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("compte rendu")
        verbose_name_plural = _("comptes rendus")

    def __str__(self) -> str:
        return f"Compte rendu — {self.meeting}"

    @property
    def is_approved(self) -> bool:
        return self.status in (MinutesStatus.APPROVED, MinutesStatus.PUBLISHED)


class MinutesComment(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commentaire de relecture")
        verbose_name_plural = _("commentaires de relecture")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Commentaire du compte rendu {self.minutes_id}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("réunion"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("point de l'ordre du jour"),
    )
    text = models.TextField(_("décision"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name=_("réunion"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("point de l'ordre du jour"),
    )
    title = models.CharField(_("action"), max_length=255)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
        verbose_name=_("responsable"),
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField(_("faite le"), null=True, blank=True)
    uid = models.CharField(_("UID iCalendar"), max_length=120, unique=True, default=new_uid, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action à mener")
        verbose_name_plural = _("actions à mener")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    @property
    def is_late(self) -> bool:
        return bool(self.is_open and self.due_on and self.due_on < timezone.localdate())


class CalendarToken(models.Model):
    """The secret in a user's personal feed URL; revoking replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jeton d'agenda")
        verbose_name_plural = _("jetons d'agenda")

    def __str__(self) -> str:
        return f"Agenda de {self.user}"
