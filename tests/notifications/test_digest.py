"""The daily digest: what is due today, what is overdue, what happened yesterday on what I follow."""

import datetime

from django.core import mail

from meetings.models import ActionItem
from notifications.digest import send_daily_digests
from notifications.models import NotificationPreference
from projects.services import project_transition
from tests.factories import directorate, town_hall
from tests.meetings.factories import make_meeting
from tests.notifications.conftest import DAY, morning
from tests.projects.factories import ProjectFactory


def test_digest_lists_due_today_overdue_and_yesterdays_events(
    clock, mdo_officer, town_hall_agent, other_town_hall_agent, django_capture_on_commit_callbacks
):
    for kind in ("reminder", "project_status"):
        NotificationPreference.objects.create(user=town_hall_agent, kind=kind, channel="digest")
    meeting = make_meeting(mdo_officer, title="COPIL Budget participatif", organisations=[town_hall(3)])
    ActionItem.objects.create(meeting=meeting, title="Envoyer le plan du square", owner=town_hall_agent, due_on=DAY)
    ActionItem.objects.create(
        meeting=meeting, title="Relancer la voirie", owner=town_hall_agent, due_on=DAY - datetime.timedelta(days=4)
    )
    ActionItem.objects.create(
        meeting=meeting, title="Plus tard", owner=town_hall_agent, due_on=DAY + datetime.timedelta(days=4)
    )
    project = ProjectFactory(
        title="Végétalisation de la place Guichard",
        district=3,
        officer=mdo_officer,
        lead_directorate=directorate("Direction des Espaces verts"),
    )
    from notifications.services import project_follow_set

    project_follow_set(user=town_hall_agent, project=project, following=True)
    clock.move_to(morning(DAY - datetime.timedelta(days=1)))
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=project, name="declare_admissible", by=mdo_officer)
    mail.outbox.clear()
    clock.move_to(morning(DAY))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=morning(DAY)) == 1
    message = mail.outbox[0]
    assert message.to == [town_hall_agent.email]
    assert message.subject == "[MDO Pilotage] Votre récapitulatif du 10/03/2027"
    body = message.body
    today, late, yesterday = body.index("À FAIRE AUJOURD'HUI"), body.index("EN RETARD"), body.index("HIER (09/03/2027)")
    assert today < body.index("Envoyer le plan du square") < late < body.index("Relancer la voirie") < yesterday
    assert "(échéance du 06/03/2027)" in body
    assert "Nouveau statut : Recevable — Végétalisation de la place Guichard (par Camille Girard)" in body
    assert "Plus tard" not in body
    assert "&#x27;" not in body and "&amp;" not in body  # plain text, not HTML-escaped


def test_digest_is_sent_only_to_who_chose_it_and_has_something(
    clock, mdo_officer, town_hall_agent, other_town_hall_agent, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=other_town_hall_agent, kind="reminder", channel="digest")
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    ActionItem.objects.create(meeting=meeting, title="Envoyer le plan", owner=town_hall_agent, due_on=DAY)
    mail.outbox.clear()
    # The owner kept e-mail at once (no digest); the one who chose the digest holds nothing today.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests(now=morning(DAY)) == 0
    assert mail.outbox == []


def test_events_of_other_days_are_not_in_the_digest(
    clock, mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=town_hall_agent, kind="project_status", channel="digest")
    project = ProjectFactory(title="Boîte à livres", district=3, officer=mdo_officer)
    from notifications.services import project_follow_set

    project_follow_set(user=town_hall_agent, project=project, following=True)
    clock.move_to(morning(DAY - datetime.timedelta(days=3)))
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=project, name="declare_admissible", by=mdo_officer)
    assert send_daily_digests(now=morning(DAY)) == 0
