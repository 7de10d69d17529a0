"""The outbox: every e-mail the app sends, written in the transaction of the change that causes it."""

import datetime

from django.db import models
from django.utils import timezone


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "En attente"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "En échec"


class OutboxMessage(models.Model):
    """One e-mail as it will leave: the full MIME message and its envelope, and how its delivery went."""

    created_at = models.DateTimeField("créé le", default=timezone.now, db_index=True)
    from_email = models.CharField("expéditeur", max_length=320)
    recipients = models.JSONField("destinataires (enveloppe)", default=list)
    subject = models.CharField("objet", max_length=998, blank=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    raw = models.BinaryField("message complet (MIME)")
    status = models.CharField(
        "état", max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    # Who holds the message while it is being sent: a consumer sets it by a conditional update, so two
    # consumers never send the same message, and a consumer that died releases it when the lease ends.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField("dernière erreur", blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail de la file d'envoi"
        verbose_name_plural = "file d'envoi des e-mails"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)}"

    def retry_delay(self, base_seconds: int) -> datetime.timedelta:
        """Exponential back-off after the n-th failed attempt: base, 2×base, 4×base… capped at a day."""
        return datetime.timedelta(seconds=min(base_seconds * 2 ** max(self.attempts - 1, 0), 24 * 3600))
