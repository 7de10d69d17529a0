"""Sending what the outbox holds, each message exactly once.

A message is taken by a conditional update (pending or lease expired → sending, with a claim token);
only the consumer holding the claim may mark it sent or put it back. A consumer killed mid-send leaves
the row "sending" until the lease ends; the SMTP server only owns a message once it has answered 250 to
its DATA, so a message whose sender died before that answer was not delivered and is sent again.
"""

import contextlib
import email
import email.policy
import logging
import smtplib
import uuid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from outbox.models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)


class _StoredMime:
    """The stored MIME bytes, shaped as what Django's backends ask of ``EmailMessage.message()``."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.raw.replace(b"\r\n", b"\n").replace(b"\n", linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def get_charset(self):
        return None


class StoredEmail(EmailMessage):
    """An outbox row replayed to a real backend byte for byte (same Message-ID, same parts)."""

    def __init__(self, row: OutboxMessage):
        parsed = email.message_from_bytes(bytes(row.raw), policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        super().__init__(
            subject=row.subject,
            body=body.get_content() if body else "",
            from_email=row.from_email,
            to=list(row.recipients),
        )
        self.raw = bytes(row.raw)
        self.parsed = parsed
        # Read again with the legacy policy, which keeps each header as it was written (the calendar's
        # "text/calendar; method=REQUEST" stays unquoted, as the invitation tests and Outlook read it).
        legacy = email.message_from_bytes(self.raw)
        self.attachments = [
            (
                part.get_filename(),
                part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace"),
                str(part["Content-Type"]),
            )
            for part in legacy.walk()
            if part.get_content_disposition() == "attachment"
        ]

    def message(self, **kwargs):
        return _StoredMime(self.raw)

    def recipients(self):
        return list(self.to)


def due_ids(limit: int = 500) -> list[int]:
    now = timezone.now()
    return list(
        OutboxMessage.objects.filter(
            Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=OutboxStatus.SENDING, claimed_until__lt=now)
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _claim(pk: int) -> str | None:
    now = timezone.now()
    token = uuid.uuid4().hex
    taken = OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, claimed_until__lt=now),
        pk=pk,
    ).update(
        status=OutboxStatus.SENDING,
        claim=token,
        claimed_until=now + timezone.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
    )
    return token if taken else None


def deliver(ids: list[int] | None = None) -> dict[str, int]:
    """Send the given messages (or every due one) that nobody else holds. Returns counts by outcome."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    connection = None
    for pk in ids if ids is not None else due_ids():
        token = _claim(pk)
        if token is None:
            counts["skipped"] += 1
            continue
        row = OutboxMessage.objects.get(pk=pk)
        try:
            if connection is None:
                connection = get_connection(settings.OUTBOX_DELIVERY_BACKEND, fail_silently=False)
                connection.open()
            connection.send_messages([StoredEmail(row)])
        except Exception as error:  # noqa: BLE001 - SMTP refusals, timeouts, DNS… all mean "try later"
            connection = _close(connection)
            counts[_release_after_failure(row, token, error)] += 1
            if isinstance(
                error, ConnectionError | TimeoutError | smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError
            ):
                # The server cannot be reached: the rest would wait out the same timeout one by one.
                # They stay pending, and the sweep tries them with the next pass.
                break
            continue
        marked = OutboxMessage.objects.filter(pk=pk, claim=token, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.SENT,
            sent_at=timezone.now(),
            attempts=row.attempts + 1,
            last_error="",
            claim="",
            claimed_until=None,
        )
        counts["sent" if marked else "skipped"] += 1
    _close(connection)
    return counts


def _close(connection):
    if connection is not None:
        with contextlib.suppress(Exception):  # a dead connection is dropped either way
            connection.close()
    return None


def _release_after_failure(row: OutboxMessage, token: str, error: Exception) -> str:
    row.attempts += 1
    failed = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    logger.warning("Envoi de l'e-mail %s impossible (tentative %s) : %s", row.pk, row.attempts, error)
    OutboxMessage.objects.filter(pk=row.pk, claim=token).update(
        status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
        attempts=row.attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + row.retry_delay(settings.OUTBOX_RETRY_DELAY),
        claim="",
        claimed_until=None,
    )
    return "failed" if failed else "retry"


def resend(queryset) -> int:
    """Put messages back in the queue (the admin's action): failed ones, or sent ones sent again on purpose."""
    ids = list(queryset.exclude(status=OutboxStatus.SENDING).values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxStatus.PENDING, next_attempt_at=timezone.now(), sent_at=None, claim="", claimed_until=None
    )
    return len(ids)
