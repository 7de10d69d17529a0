from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from notifications.enums import Channel, NotificationKind, ReminderKind


class Notification(models.Model):
    """Something that happened which a user should know: the bell counts the unread ones."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("destinataire")
    )
    kind = models.CharField(_("type"), max_length=20, choices=NotificationKind.choices)
    verb = models.CharField(_("ce qui s'est passé"), max_length=300)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    #: Kept as text so that the list shows « sur quoi » without loading each target.
    target_label = models.CharField(_("sur"), max_length=300, blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    created = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    emailed = models.BooleanField(_("envoyée par e-mail"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"]), models.Index(fields=["recipient", "created"])]

    def __str__(self) -> str:
        return f"{self.verb} — {self.target_label}" if self.target_label else self.verb


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("type"), max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(_("réception"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} : {self.get_channel_display()}"


class ProjectFollow(models.Model):
    """A user's choice about a project: follow it, or stop following one followed by default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_follows")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="follows")
    following = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("suivi de projet")
        verbose_name_plural = _("suivis de projet")
        constraints = [models.UniqueConstraint(fields=["user", "project"], name="one_follow_per_project")]

    def __str__(self) -> str:
        return f"{self.user} {'suit' if self.following else 'ne suit plus'} {self.project}"


class ReminderSetting(models.Model):
    """The lead times of one kind of reminder, set in the admin."""

    kind = models.CharField(_("type d'échéance"), max_length=20, choices=ReminderKind.choices, unique=True)
    days_before = models.PositiveSmallIntegerField(
        _("rappel … jours avant"), default=3, help_text=_("0 : pas de rappel avant le jour même.")
    )
    on_due_day = models.BooleanField(_("rappel le jour même"), default=True)
    overdue_every_days = models.PositiveSmallIntegerField(
        _("relance en retard tous les … jours"),
        default=7,
        help_text=_("0 : aucune relance une fois l'échéance passée."),
    )

    class Meta:
        verbose_name = _("délai de rappel")
        verbose_name_plural = _("délais de rappel")

    def __str__(self) -> str:
        return self.get_kind_display()

    @classmethod
    def for_kind(cls, kind: str, known: dict | None = None) -> "ReminderSetting":
        if known is not None and kind in known:
            return known[kind]
        return cls.objects.filter(kind=kind).first() or cls(kind=kind)


class SentReminder(models.Model):
    """One reminder sent: the unique key keeps a second run of the day from sending it again."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)  # e.g. "milestone:42"
    stage = models.CharField(max_length=10)  # before, due, overdue
    due_on = models.DateField()
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [models.UniqueConstraint(fields=["recipient", "key", "sent_on"], name="one_reminder_a_day")]
        indexes = [models.Index(fields=["recipient", "key", "stage"])]

    def __str__(self) -> str:
        return f"Rappel {self.key} à {self.recipient} le {self.sent_on:%d/%m/%Y}"
