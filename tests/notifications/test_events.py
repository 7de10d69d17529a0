"""The events that notify: tasks, decisions, mentions, status changes of followed projects, invitations."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from mdo.enums import Role
from meetings import services as meeting_services
from notifications.models import Notification, ProjectFollow
from notifications.services import is_following, project_followers
from projects.enums import ProjectStatus
from projects.flows import feasibility_review_open
from projects.services import project_transition
from tests.budgets.factories import decide, submitted_line
from tests.factories import directorate, make_user, town_hall
from tests.meetings.factories import make_meeting, paris
from tests.projects.factories import ProjectFactory


@pytest.fixture
def green(db):
    return directorate("Direction des Espaces verts")


@pytest.fixture
def project(green, mdo_officer):
    return ProjectFactory(
        title="Végétalisation de la place Guichard", district=3, lead_directorate=green, officer=mdo_officer
    )


@pytest.fixture
def green_agent(green):
    return make_user(Role.DIRECTORATE_AGENT, green, username="thomas.vert")


def test_comment_mentioning_me_notifies_me_by_email(
    client, project, mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("projects:comment", args=[project.pk]), {"text": "@julien peux-tu confirmer l'emplacement ?"}
        )
    notification = Notification.objects.get(recipient=town_hall_agent)
    assert notification.kind == "mention" and notification.actor == mdo_officer
    assert notification.verb == "Camille Girard vous a mentionné·e dans le fil du projet"
    assert notification.url == project.get_absolute_url() and notification.target == project
    assert [m.to for m in mail.outbox] == [[town_hall_agent.email]]
    assert "place Guichard" in mail.outbox[0].body


def test_mention_of_someone_who_may_not_see_the_project_notifies_nobody(
    client, project, mdo_officer, other_town_hall_agent, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects:comment", args=[project.pk]), {"text": "Voir avec @sophie et @inconnu."})
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_e_mail_address_is_not_a_mention(project, mdo_officer, town_hall_agent, django_capture_on_commit_callbacks):
    from projects.models import TimelineEntry

    with django_capture_on_commit_callbacks(execute=True):
        TimelineEntry.objects.create(project=project, author=mdo_officer, text="Écrire à contact@julien")
    assert not Notification.objects.exists()


def test_mention_in_minutes_comment(mdo_officer, town_hall_agent, django_capture_on_commit_callbacks):
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    meeting_services.minutes_save(meeting=meeting, by=mdo_officer, summary="Relevé", notes={})
    meeting_services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.minutes_comment_add(meeting=meeting, by=mdo_officer, text="@julien, relis le point 2 stp")
    notification = Notification.objects.get(recipient=town_hall_agent, kind="mention")
    assert notification.verb.endswith("dans le compte rendu") and notification.url == meeting.get_absolute_url()


def test_officer_and_lead_directorate_follow_by_default(project, mdo_officer, green_agent, town_hall_agent):
    assert {user.pk for user in project_followers(project)} == {mdo_officer.pk, green_agent.pk}
    assert is_following(user=green_agent, project=project)
    assert not is_following(user=town_hall_agent, project=project)


def test_status_change_notifies_the_followers_but_not_who_unfollowed(
    client, project, mdo_officer, green_agent, town_hall_agent, django_capture_on_commit_callbacks
):
    client.force_login(town_hall_agent)
    page = client.get(project.get_absolute_url())
    assert "Suivre ce projet" in page.content.decode()
    client.post(reverse("notifications:follow", args=[project.pk]), {"follow": "1"})
    client.force_login(green_agent)
    assert "Ne plus suivre" in client.get(project.get_absolute_url()).content.decode()
    response = client.post(reverse("notifications:follow", args=[project.pk]), {"follow": "0"})
    assert response.status_code == 302
    assert ProjectFollow.objects.get(user=green_agent).following is False
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=project, name="declare_admissible", by=mdo_officer)
    told = set(Notification.objects.filter(kind="project_status").values_list("recipient__username", flat=True))
    assert told == {"julien"}  # the officer fired it himself, the directorate agent unfollowed
    assert Notification.objects.get(recipient=town_hall_agent).verb == "Nouveau statut : Recevable"


def test_follow_is_post_only_and_scoped(client, project, other_town_hall_agent, town_hall_agent):
    client.force_login(town_hall_agent)
    assert client.get(reverse("notifications:follow", args=[project.pk])).status_code == 405
    client.force_login(other_town_hall_agent)
    assert client.post(reverse("notifications:follow", args=[project.pk]), {"follow": "1"}).status_code == 404
    assert not ProjectFollow.objects.exists()


def test_follow_of_a_project_later_out_of_scope_notifies_nothing(
    project, mdo_officer, town_hall_agent, django_capture_on_commit_callbacks
):
    ProjectFollow.objects.create(user=town_hall_agent, project=project, following=True)
    type(project).objects.filter(pk=project.pk).update(district=5)
    project.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(project=project, name="declare_admissible", by=mdo_officer)
    assert not Notification.objects.filter(recipient=town_hall_agent).exists()


def test_task_for_my_team_is_notified(project, mdo_officer, green_agent, django_capture_on_commit_callbacks):
    type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.FEASIBILITY_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        feasibility_review_open(project=project, by=mdo_officer, due=datetime.date(2027, 3, 10))
    notification = Notification.objects.get(recipient=green_agent, kind="task")
    assert notification.verb == "Nouvelle tâche pour vous ou votre équipe : Avis technique de faisabilité"
    assert notification.url.startswith("/projects/tasks/") or "task" in notification.url


def test_decision_on_my_budget_line_is_notified(mdo_officer, mdo_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        line = submitted_line(mdo_officer)
    assert Notification.objects.filter(recipient=mdo_manager, kind="task").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        decide(line, mdo_manager, "rejected", "Imputation à revoir")
    decision = Notification.objects.get(recipient=mdo_officer, kind="decision")
    assert "rejet" in decision.verb.lower() and "Imputation à revoir" in decision.verb
    assert decision.actor == mdo_manager and decision.url == line.get_absolute_url()


def test_minutes_approval_is_notified_to_the_organiser(mdo_officer, mdo_manager, django_capture_on_commit_callbacks):
    meeting = make_meeting(mdo_officer)
    meeting_services.minutes_save(meeting=meeting, by=mdo_officer, summary="Relevé", notes={})
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    assert Notification.objects.get(recipient=mdo_manager).verb == "Compte rendu à valider"
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    approved = Notification.objects.get(recipient=mdo_officer, kind="decision")
    assert approved.verb == "Votre compte rendu a été validé" and approved.actor == mdo_manager


def test_invitation_and_its_changes_are_notified(mdo_officer, town_hall_agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = make_meeting(mdo_officer, users=[town_hall_agent])
    invited = Notification.objects.get(recipient=town_hall_agent)
    assert invited.verb == "Vous êtes invité·e à une réunion" and invited.target == meeting
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_update(
            meeting=meeting, by=mdo_officer, start=paris(2026, 12, 9, 14), end=paris(2026, 12, 9, 16)
        )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.meeting_cancel(meeting=meeting, by=mdo_officer)
    verbs = list(Notification.objects.filter(recipient=town_hall_agent).order_by("pk").values_list("verb", flat=True))
    assert verbs == ["Vous êtes invité·e à une réunion", "Réunion modifiée (date, horaire ou lieu)", "Réunion annulée"]
    assert not Notification.objects.filter(recipient=mdo_officer).exists()  # the organiser did it
