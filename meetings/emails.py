"""E-mails of the meetings: invitations, updates and cancellations with their .ics, minutes published.

Called by the services inside their transaction: the messages are written to the outbox with the
change and leave once it commits. Each message carries the same UID as the feeds, so that
Outlook updates the event it already has instead of adding a second one.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse
from django.utils import timezone

from mdo.fields import one_line
from meetings import ical

logger = logging.getLogger(__name__)


def _when(meeting) -> str:
    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


class InvitationEmail(EmailMultiAlternatives):
    """Its calendar parts say ``text/calendar; method=REQUEST; charset="utf-8"`` as Outlook writes them:
    Python's e-mail package would otherwise quote the method when it adds the charset."""

    def __init__(self, *args, method: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.method = method

    def message(self, **kwargs):
        mime = super().message(**kwargs)
        for part in mime.walk():
            if part.get_content_type() == "text/calendar":
                part.replace_header("Content-Type", f'text/calendar; method={self.method}; charset="utf-8"')
        return mime


def _message(subject: str, body: str, to: str, cal, method: str) -> EmailMultiAlternatives:
    """The calendar twice, as Outlook and the other clients expect: inline as the ``text/calendar``
    alternative of the text (what shows the Accept / Decline buttons) and as an attached ``.ics``.
    The MIME type carries ``method`` only: Django adds the one ``charset`` parameter itself."""
    ics = ical.serialize_calendar(cal).decode("utf-8")
    message = InvitationEmail(
        subject=one_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], method=method
    )
    message.attach_alternative(ics, f"text/calendar; method={method}")
    message.attach(
        "invitation.ics" if method == "REQUEST" else "annulation.ics", ics, f"text/calendar; method={method}"
    )
    return message


def _send(messages: list[EmailMultiAlternatives]) -> None:
    if messages:
        sent = get_connection().send_messages(messages)
        logger.info("%s meeting e-mail(s) sent: %s", sent, one_line(messages[0].subject))


GUEST_ICS_SALT = "meetings.guest-ics"


def link_for(attendee, meeting) -> str:
    """Staff get the meeting's page; an external guest, who has no account, gets the meeting's own .ics
    behind a signed link naming their invitation (the back office's pages would only ask them to log in)."""
    if attendee.user_id:
        return ical.absolute(meeting.get_absolute_url())
    token = signing.dumps(attendee.pk, salt=GUEST_ICS_SALT, compress=True)
    return ical.absolute(reverse("meetings:guest_ics", args=[token]))


def send_invitation(
    *, meeting_id: int, attendee_ids: list[int], method: str, update: bool = False, agenda: bool = False
) -> None:
    """REQUEST (invitation, or update when ``update``; ``agenda`` when what changed is the agenda) or
    CANCEL for one meeting, one message per invitee."""
    from meetings.models import Attendee, Meeting

    meeting = Meeting.objects.select_related("organiser", "series").get(pk=meeting_id)
    attendees = list(Attendee.objects.filter(pk__in=attendee_ids).select_related("user"))
    if method == "CANCEL":
        subject = f"Annulée : {meeting.title} ({timezone.localtime(meeting.start):%d/%m/%Y})"
        text = f"Bonjour,\n\nLa réunion « {meeting.title} » prévue {_when(meeting)} est annulée."
    elif update and agenda:
        subject = f"Ordre du jour modifié : {meeting.title} ({timezone.localtime(meeting.start):%d/%m/%Y})"
        text = (
            f"Bonjour,\n\nL'ordre du jour de la réunion « {meeting.title} » {_when(meeting)} a changé ; "
            "l'invitation jointe le met à jour dans votre agenda."
        )
    elif update:
        subject = f"Modifiée : {meeting.title} ({timezone.localtime(meeting.start):%d/%m/%Y})"
        text = (
            f"Bonjour,\n\nLa réunion « {meeting.title} » a lieu désormais {_when(meeting)}"
            f"{', ' + meeting.place if meeting.place else ''}."
        )
    else:
        subject = f"Invitation : {meeting.title} ({timezone.localtime(meeting.start):%d/%m/%Y})"
        text = (
            f"Bonjour,\n\nVous êtes invité·e à la réunion « {meeting.title} » {_when(meeting)}"
            f"{', ' + meeting.place if meeting.place else ''}."
        )
    messages = []
    for attendee in attendees:
        if attendee.contact_email:
            cal = ical.invitation_calendar(meeting, method=method, attendees=[attendee])
            messages.append(
                _message(subject, f"{text}\n\n{link_for(attendee, meeting)}\n", attendee.contact_email, cal, method)
            )
    _send(messages)


def send_series_invitation(
    *, series_id: int, attendee_ids: list[int], method: str = "REQUEST", update: bool = False
) -> None:
    """One message with the whole series per invitee: REQUEST (master with RRULE + each occurrence; an
    update when ``update``), or CANCEL of the series' UID."""
    from meetings.models import Attendee, Meeting, MeetingSeries

    series = MeetingSeries.objects.select_related("organiser").get(pk=series_id)
    occurrences = list(
        Meeting.objects.filter(series=series)
        .select_related("series", "organiser")
        .prefetch_related("agenda_items")
        .order_by("start")
    )
    attendees = list(Attendee.objects.filter(pk__in=attendee_ids).select_related("user"))
    first = occurrences[0]
    dates = "\n".join(f"- {timezone.localtime(occ.start):%d/%m/%Y à %H:%M}" for occ in occurrences)
    if method == "CANCEL":
        subject = f"Annulée : {series.title} (toute la série)"
        text = f"Bonjour,\n\nLa série de réunions « {series.title} » est annulée."
    elif update:
        subject = f"Modifiée : {series.title} ({len(occurrences)} réunions)"
        text = f"Bonjour,\n\nLa série de réunions « {series.title} » a lieu désormais :\n{dates}"
    else:
        subject = f"Invitation : {series.title} ({len(occurrences)} réunions)"
        text = f"Bonjour,\n\nVous êtes invité·e à la série de réunions « {series.title} » :\n{dates}"
    messages = []
    for attendee in attendees:
        if attendee.contact_email:
            cal = ical.invitation_calendar(first, method=method, attendees=[attendee], series_occurrences=occurrences)
            messages.append(
                _message(subject, f"{text}\n\n{link_for(attendee, first)}\n", attendee.contact_email, cal, method)
            )
    _send(messages)


def send_minutes_published(*, meeting_id: int) -> None:
    from meetings.models import Attendee, Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    url = ical.absolute(meeting.get_absolute_url())
    pdf = ical.absolute(f"{meeting.get_absolute_url()}minutes.pdf")
    subject = f"Compte rendu : {meeting.title} du {timezone.localtime(meeting.start):%d/%m/%Y}"
    body = (
        f"Bonjour,\n\nLe compte rendu validé de la réunion « {meeting.title} » est disponible :\n{url}\n\n"
        f"Version PDF : {pdf}\n"
    )
    recipients = {
        a.contact_email for a in Attendee.objects.filter(meeting=meeting).select_related("user") if a.contact_email
    }
    _send(
        [
            EmailMultiAlternatives(
                subject=one_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]
            )
            for to in sorted(recipients)
        ]
    )
