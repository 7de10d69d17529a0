"""Django e-mail backend that writes each message to the outbox instead of sending it.

The row is written on the default database connection, so inside the caller's transaction: a change
rolled back takes its e-mails with it; a committed change always has its e-mails. Delivery is queued
once the transaction commits (and swept periodically, in case the queue lost it).
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address
from django.db import transaction

from outbox.models import OutboxMessage


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        rows = []
        for message in email_messages:
            recipients = [
                sanitize_address(address, message.encoding or settings.DEFAULT_CHARSET)
                for address in message.recipients()
            ]
            if not recipients:
                continue
            mime = message.message()
            rows.append(
                OutboxMessage(
                    from_email=sanitize_address(message.from_email, message.encoding or settings.DEFAULT_CHARSET),
                    recipients=recipients,
                    subject=str(message.subject)[:998],
                    message_id=str(mime.get("Message-ID", ""))[:255],
                    raw=mime.as_bytes(linesep="\r\n"),
                )
            )
        if not rows:
            return 0
        with transaction.atomic():
            created = OutboxMessage.objects.bulk_create(rows)
            ids = [row.pk for row in created if row.pk]
            transaction.on_commit(lambda: _enqueue(ids))
        return len(rows)


def _enqueue(ids: list[int]) -> None:
    from outbox.tasks import deliver_outbox

    # A queue that cannot be reached (Redis down) must not fail the user's committed action: the
    # periodic sweep sends these rows once the queue answers again.
    try:
        deliver_outbox(ids or None)
    except Exception:  # noqa: BLE001 - any broker error
        import logging

        logging.getLogger(__name__).warning(
            "File de tâches injoignable : les e-mails partiront au prochain passage.", exc_info=True
        )
