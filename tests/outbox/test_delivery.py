"""The outbox against a real SMTP server: with it down nothing fails and nothing is lost; back up,
every message leaves exactly once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from budgets.enums import DecisionOutcome
from meetings import services
from outbox import delivery
from outbox.models import OutboxMessage, OutboxStatus
from outbox.tasks import sweep_outbox
from tests.budgets.factories import decide, submitted_line
from tests.factories import town_hall
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def _later(hours=2):
    return time_machine.travel(timezone.now() + datetime.timedelta(hours=hours), tick=True)


def test_with_smtp_down_actions_succeed_and_every_message_leaves_once_when_it_is_back(
    smtp_server, mdo_officer, mdo_manager, town_hall_agent, django_capture_on_commit_callbacks
):
    guests = [(f"Invité {n}", f"invite{n}@example.org") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(mdo_officer, organisations=[town_hall(3)], guests=guests)
    with django_capture_on_commit_callbacks(execute=True):
        line = submitted_line(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        decide(line, mdo_manager, DecisionOutcome.APPROVED)
    services.minutes_save(meeting=meeting, by=mdo_officer, summary="Séance constructive.", notes={})
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    with django_capture_on_commit_callbacks(execute=True):
        services.minutes_transition(meeting=meeting, by=mdo_officer, name="publish")

    rows = list(OutboxMessage.objects.order_by("pk"))
    subjects = [row.subject for row in rows]
    assert sum(s.startswith("Invitation") for s in subjects) == 4  # the town hall's agent and three guests
    assert any("Ligne approuvée" in s for s in subjects)
    assert any(s.startswith("Compte rendu") for s in subjects)
    assert all(row.status == OutboxStatus.PENDING for row in rows)
    tried = [row for row in rows if row.attempts]
    assert tried and all("ConnectionRefused" in row.last_error for row in tried)
    assert smtp_server.handler.messages == []

    sweep_outbox()  # still down, and the back-off is not over: nothing is tried again
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == len(rows)

    smtp_server.start()
    with _later():
        sweep_outbox()
        sweep_outbox()  # a second pass finds nothing left to send
    assert sorted(smtp_server.handler.message_ids()) == sorted(row.message_id for row in rows)
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__isnull=False).count() == len(rows)
    received = {tuple(rcpt) for _, rcpt in smtp_server.handler.envelopes}
    assert ("invite0@example.org",) in received and (town_hall_agent.email,) in received


def test_the_invitation_reaches_smtp_as_outlook_expects(smtp_server, mdo_officer, django_capture_on_commit_callbacks):
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(mdo_officer, guests=[("Claire Invitée", "claire@example.org")])
    [message] = smtp_server.handler.messages
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(part for part in message.walk() if part.get_content_type() == "multipart/alternative")
    inline = [part for part in alternative.iter_parts() if part.get_content_type() == "text/calendar"]
    assert len(inline) == 1 and inline[0].get_param("method") == "REQUEST"
    raw_type = inline[0]["Content-Type"]
    assert str(raw_type).lower().count("charset") == 1
    attached = [part for part in message.iter_attachments() if part.get_filename() == "invitation.ics"]
    assert len(attached) == 1 and attached[0].get_param("method") == "REQUEST"
    ics = inline[0].get_content()
    assert f"UID:{meeting.uid}" in ics and "PARTSTAT=NEEDS-ACTION" in ics.replace("\r\n ", "")
    # The guest has no account: the link is the meeting's own .ics, signed, not a back-office page.
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "/calendar/invitations/" in body and meeting.get_absolute_url() not in body


def test_guest_ics_link_opens_without_login_and_a_forged_one_is_404(
    client, smtp_server, mdo_officer, django_capture_on_commit_callbacks
):
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(mdo_officer, guests=[("Claire Invitée", "claire@example.org")])
    body = smtp_server.handler.messages[0].get_body(preferencelist=("plain",)).get_content()
    link = next(word for word in body.split() if "/calendar/invitations/" in word)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and f"UID:{meeting.uid}" in response.content.decode()
    assert client.get("/" + path.replace("/invitations/", "/invitations/x")).status_code == 404


def test_a_title_change_sends_an_update_with_a_higher_sequence(
    mdo_officer, town_hall_agent, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, by=mdo_officer, title="COPIL — nouvel ordre du jour")
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    [update] = [m for m in mailoutbox if m.subject.startswith("Modifiée")]
    [ics] = [content for filename, content, _ in update.attachments if filename == "invitation.ics"]
    assert "SEQUENCE:1" in ics and "COPIL — nouvel ordre du jour" in ics


def test_failures_back_off_then_the_message_is_marked_failed_and_the_admin_resends_it(
    client, smtp_server, settings, mdo_officer, admin_user, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_DELAY = 60
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Essai", "Corps", None, ["agent@example.org"])
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    first_wait = row.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_wait <= datetime.timedelta(seconds=60)
    with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1), tick=False):
        sweep_outbox()
        row.refresh_from_db()
        assert row.attempts == 2 and row.next_attempt_at - timezone.now() == datetime.timedelta(seconds=120)
    with time_machine.travel(row.next_attempt_at + datetime.timedelta(seconds=1), tick=False):
        sweep_outbox()
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED and "ConnectionRefused" in row.last_error

    smtp_server.start()
    client.force_login(admin_user)
    listing = client.get("/admin/outbox/outboxmessage/?status__exact=failed")
    assert listing.status_code == 200 and "ConnectionRefused" in listing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/outbox/outboxmessage/", {"action": "resend", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and len(smtp_server.handler.messages) == 1


def test_a_message_held_by_another_consumer_is_not_sent_twice(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.start()
    mail.send_mail("Essai", "Corps", None, ["agent@example.org"])  # not committed: not queued yet
    row = OutboxMessage.objects.get()
    token = delivery._claim(row.pk)
    assert token and delivery._claim(row.pk) is None  # the conditional update lets one consumer in
    assert delivery.deliver([row.pk])["skipped"] == 1
    assert smtp_server.handler.messages == []


def test_a_rolled_back_change_takes_its_emails_with_it(mdo_officer):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        make_meeting(mdo_officer, guests=[("Claire Invitée", "claire@example.org")])
        assert OutboxMessage.objects.count() == 1
        raise RuntimeError("refus")
    assert OutboxMessage.objects.count() == 0


def test_creating_a_79_person_meeting_with_smtp_down_answers_a_redirect_and_keeps_79_messages(
    client, smtp_server, mdo_officer, django_capture_on_commit_callbacks
):
    guests = "\n".join(f"Invité {n} <invite{n}@exemple.fr>" for n in range(79))
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:create"),
            {
                "kind": "copil",
                "title": "Réunion publique",
                "day": "2027-01-12",
                "start_time": "18:00",
                "end_time": "20:00",
                "guests": guests,
            },
        )
    assert response.status_code == 302
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 79
    assert smtp_server.handler.messages == []
