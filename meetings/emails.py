"""E-mails of the meetings: invitations, updates and cancellations with their .ics, minutes published.

Called after commit by the services; each message carries the same UID as the feeds, so that
Outlook updates the event it already has instead of adding a second one.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone

from mdo.fields import one_line
from meetings import ical


def _when(meeting) -> str:
    start = timezone.localtime(meeting.start)
    end = timezone.localtime(meeting.end)
    return f"le {start:%d/%m/%Y} de {start:%H:%M} à {end:%H:%M}"


def _ics_part(cal, method: str) -> tuple[str, bytes, str]:
    return ("invitation.ics" if method == "REQUEST" else "annulation.ics", ical.serialize_calendar(cal),
            f"text/calendar; method={method}; charset=UTF-8")


def _send(messages: list[EmailMultiAlternatives]) -> None:
    if messages:
        get_connection().send_messages(messages)


def _message(subject: str, body: str, to: str, cal, method: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=one_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    filename, content, mimetype = _ics_part(cal, method)
    message.attach(filename, content, mimetype)
    return message


def send_invitation(*, meeting_id: int, attendee_ids: list[int], method: str, update: bool = False) -> None:
    """REQUEST (invitation, or update when ``update``) or CANCEL for one meeting, one message per invitee."""
    from meetings.models import Attendee, Meeting

    meeting = Meeting.objects.select_related("organiser", "series").get(pk=meeting_id)
    attendees = list(Attendee.objects.filter(pk__in=attendee_ids).select_related("user"))
    url = ical.absolute(meeting.get_absolute_url())
    if method == "CANCEL":
        subject = f"Annulée : {meeting.title} ({timezone.localtime(meeting.start):%d/%m/%Y})"
        body = f"Bonjour,\n\nLa réunion « {meeting.title} » prévue {_when(meeting)} est annulée.\n\n{url}\n"
    elif update:
        subject = f"Modifiée : {meeting.title} ({timezone.localtime(meeting.start):%d/%m/%Y})"
        body = (f"Bonjour,\n\nLa réunion « {meeting.title} » a lieu désormais {_when(meeting)}"
                f"{', ' + meeting.place if meeting.place else ''}.\n\n{url}\n")
    else:
        subject = f"Invitation : {meeting.title} ({timezone.localtime(meeting.start):%d/%m/%Y})"
        body = (f"Bonjour,\n\nVous êtes invité·e à la réunion « {meeting.title} » {_when(meeting)}"
                f"{', ' + meeting.place if meeting.place else ''}.\n\n{url}\n")
    messages = []
    for attendee in attendees:
        if attendee.contact_email:
            cal = ical.invitation_calendar(meeting, method=method, attendees=[attendee])
            messages.append(_message(subject, body, attendee.contact_email, cal, method))
    _send(messages)


def send_series_invitation(*, series_id: int, attendee_ids: list[int]) -> None:
    """One REQUEST with the whole series (master with RRULE + each occurrence) per invitee."""
    from meetings.models import Attendee, Meeting, MeetingSeries

    series = MeetingSeries.objects.select_related("organiser").get(pk=series_id)
    occurrences = list(Meeting.objects.filter(series=series).select_related("series", "organiser")
                       .prefetch_related("agenda_items").order_by("start"))
    attendees = list(Attendee.objects.filter(pk__in=attendee_ids).select_related("user"))
    first = occurrences[0]
    subject = f"Invitation : {series.title} ({len(occurrences)} réunions)"
    dates = "\n".join(f"- {timezone.localtime(occ.start):%d/%m/%Y à %H:%M}" for occ in occurrences)
    body = (f"Bonjour,\n\nVous êtes invité·e à la série de réunions « {series.title} » :\n{dates}\n\n"
            f"{ical.absolute(first.get_absolute_url())}\n")
    messages = []
    for attendee in attendees:
        if attendee.contact_email:
            cal = ical.invitation_calendar(first, method="REQUEST", attendees=[attendee], series_occurrences=occurrences)
            messages.append(_message(subject, body, attendee.contact_email, cal, "REQUEST"))
    _send(messages)


def send_minutes_published(*, meeting_id: int) -> None:
    from meetings.models import Attendee, Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    url = ical.absolute(meeting.get_absolute_url())
    pdf = ical.absolute(f"{meeting.get_absolute_url()}minutes.pdf")
    subject = f"Compte rendu : {meeting.title} du {timezone.localtime(meeting.start):%d/%m/%Y}"
    body = (f"Bonjour,\n\nLe compte rendu validé de la réunion « {meeting.title} » est disponible :\n{url}\n\n"
            f"Version PDF : {pdf}\n")
    recipients = {a.contact_email for a in Attendee.objects.filter(meeting=meeting).select_related("user")
                  if a.contact_email}
    _send([EmailMultiAlternatives(subject=one_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
           for to in sorted(recipients)])
