import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.enums import MinutesStatus
from meetings.models import Minutes

pytestmark = pytest.mark.django_db

XSS = '<p>Bilan <strong>positif</strong></p><script>alert("x")</script><img src="x" onerror="alert(1)"><a href="javascript:alert(2)">lien</a>'


def transition(client, meeting, name):
    return client.post(reverse("meetings:minutes_transition", args=[meeting.pk, name]))


def write_minutes(client, meeting, *, summary="Séance constructive."):
    items = list(meeting.agenda_items.order_by("order"))
    data = {"minutes-summary": summary, **{f"minutes-notes-{item.pk}": f"Notes sur {item.title}" for item in items}}
    return client.post(reverse("meetings:minutes_save", args=[meeting.pk]), data)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_minutes_go_from_draft_to_review_approved_and_published(
    client, meeting, mdo_officer, mdo_manager, town_hall_agent, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    assert write_minutes(client, meeting).status_code == 302
    client.post(reverse("meetings:decision_add", args=[meeting.pk]), {"decision-text": "Le calendrier est adopté."})
    client.post(
        reverse("meetings:action_add", args=[meeting.pk]),
        {"action-title": "Envoyer le bilan", "action-owner": town_hall_agent.pk, "action-due_on": "2027-01-15"},
    )
    assert transition(client, meeting, "submit").status_code == 302
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.REVIEW

    # An attendee comments during the review.
    client.force_login(town_hall_agent)
    response = client.post(reverse("meetings:comment_add", args=[meeting.pk]), {"comment-text": "Ajouter la date."})
    assert response.status_code == 302
    # Neither the officer nor the attendee may approve.
    assert transition(client, meeting, "approve").status_code == 404
    client.force_login(mdo_officer)
    assert transition(client, meeting, "approve").status_code == 404
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.REVIEW

    client.force_login(mdo_manager)
    assert transition(client, meeting, "approve").status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == MinutesStatus.APPROVED and minutes.approved_by == mdo_manager
    with django_capture_on_commit_callbacks(execute=True):
        assert transition(client, meeting, "publish").status_code == 302
    assert Minutes.objects.get(meeting=meeting).status == MinutesStatus.PUBLISHED
    assert town_hall_agent.email in [m.to[0] for m in mail.outbox if m.subject.startswith("Compte rendu")]

    # Approved minutes are frozen.
    client.force_login(mdo_officer)
    assert write_minutes(client, meeting, summary="Changement tardif").status_code == 404


def test_minutes_transition_refuses_get_and_out_of_scope_users(client, meeting, other_town_hall_agent, mdo_officer):
    client.force_login(mdo_officer)
    assert client.get(reverse("meetings:minutes_transition", args=[meeting.pk, "submit"])).status_code == 405
    client.force_login(other_town_hall_agent)
    assert transition(client, meeting, "submit").status_code == 404
    assert not Minutes.objects.exists()


def test_attendee_cannot_write_minutes_nor_submit_them(client, meeting, town_hall_agent):
    client.force_login(town_hall_agent)
    assert write_minutes(client, meeting).status_code == 404
    assert transition(client, meeting, "submit").status_code == 404


def test_admin_may_edit_the_meeting_but_not_write_the_minutes(client, meeting, admin_user):
    client.force_login(admin_user)
    assert write_minutes(client, meeting).status_code == 404
    assert transition(client, meeting, "submit").status_code == 404
    assert not Minutes.objects.exists()


def test_draft_minutes_are_hidden_from_attendees(client, meeting, mdo_officer, town_hall_agent):
    services.minutes_save(meeting=meeting, by=mdo_officer, summary="Brouillon confidentiel", notes={})
    client.force_login(town_hall_agent)
    assert "Brouillon confidentiel" not in client.get(meeting.get_absolute_url()).content.decode()
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    assert "Brouillon confidentiel" in client.get(meeting.get_absolute_url()).content.decode()


def test_no_script_from_a_minute_reaches_the_page_or_the_pdf(client, meeting, mdo_officer, mdo_manager):
    client.force_login(mdo_officer)
    write_minutes(client, meeting, summary=XSS)
    item = meeting.agenda_items.first()
    client.post(
        reverse("meetings:minutes_save", args=[meeting.pk]), {"minutes-summary": XSS, f"minutes-notes-{item.pk}": XSS}
    )
    minutes = Minutes.objects.get(meeting=meeting)
    item.refresh_from_db()
    for stored in (minutes.summary, item.notes):
        assert "<script" not in stored and "onerror" not in stored and "javascript:" not in stored
        assert "<strong>positif</strong>" in stored
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "onerror=" not in page and "javascript:alert" not in page
    assert "<strong>positif</strong>" in page
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    text = pdf_text(response.content)
    assert "alert" not in text and "onerror" not in text
    assert "Bilan positif" in text


def test_minutes_pdf_holds_title_attendance_agenda_decisions_and_actions(
    client, meeting, mdo_officer, mdo_manager, town_hall_agent
):
    services.minutes_save(meeting=meeting, by=mdo_officer, summary="Synthèse de séance", notes={})
    services.decision_add(meeting=meeting, by=mdo_officer, text="Le calendrier des travaux est validé.")
    services.action_add(meeting=meeting, by=mdo_officer, title="Relancer la direction", owner=town_hall_agent)
    client.force_login(town_hall_agent)
    url = reverse("meetings:minutes_pdf", args=[meeting.pk])
    assert client.get(url).status_code == 404  # not approved yet
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "COPIL Budget participatif",
        "Point budgétaire",
        "Projets en retard",
        "Le calendrier des travaux est validé.",
        "Relancer la direction",
        "Julien Moreau",
        "Hôtel de Ville",
        "Nadia Benali",
    ):
        assert expected in text, expected


def test_minutes_pdf_is_404_out_of_scope(client, meeting, mdo_officer, mdo_manager, other_town_hall_agent):
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    client.force_login(other_town_hall_agent)
    assert client.get(reverse("meetings:minutes_pdf", args=[meeting.pk])).status_code == 404


def test_attendance_sheet_pdf_lists_the_invitees(client, meeting, mdo_officer, other_town_hall_agent):
    client.force_login(mdo_officer)
    response = client.get(reverse("meetings:attendance_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Feuille d'émargement" in text or "émargement" in text
    assert "Julien Moreau" in text
    client.force_login(other_town_hall_agent)
    assert client.get(reverse("meetings:attendance_pdf", args=[meeting.pk])).status_code == 404


def test_manager_sees_minutes_to_approve_in_the_task_inbox(client, meeting, mdo_officer, mdo_manager):
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    client.force_login(mdo_manager)
    page = client.get(reverse("tasks")).content.decode()
    assert "Valider le compte rendu" in page
    client.force_login(mdo_officer)
    assert "Valider le compte rendu" not in client.get(reverse("tasks")).content.decode()
