"""The notification centre: the bell, the list, marking read, the preferences of the profile page."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from tests.factories import directorate
from tests.projects.factories import ProjectFactory


@pytest.fixture
def project(mdo_officer):
    return ProjectFactory(
        title="Végétalisation de la place Guichard",
        district=3,
        officer=mdo_officer,
        lead_directorate=directorate("Direction des Espaces verts"),
    )


def _notify(user, project, actor, n=1):
    for i in range(n):
        notify(
            recipients=[user],
            kind="project_status",
            verb=f"Nouveau statut : Recevable {i}",
            target=project,
            actor=actor,
        )


def test_list_shows_what_on_what_by_whom_when_with_links(client, town_hall_agent, mdo_officer, project):
    _notify(town_hall_agent, project, mdo_officer)
    client.force_login(town_hall_agent)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Nouveau statut : Recevable 0" in page
    assert f'<a href="{project.get_absolute_url()}">Végétalisation de la place Guichard</a>' in page
    assert "Camille Girard" in page
    assert timezone.localtime(Notification.objects.get().created).strftime("%d/%m/%Y à %H:%M") in page
    assert 'data-testid="unread-count">1<' in page


def test_mark_one_then_all_as_read(client, town_hall_agent, mdo_officer, project):
    _notify(town_hall_agent, project, mdo_officer, n=3)
    first = Notification.objects.order_by("pk").first()
    client.force_login(town_hall_agent)
    assert client.get(reverse("notifications:read", args=[first.pk])).status_code == 405
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    assert 'data-testid="unread-count">2<' in client.get(reverse("notifications:list")).content.decode()
    assert client.get(reverse("notifications:read_all")).status_code == 405
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    page = client.get(reverse("notifications:list") + "?non_lues=1").content.decode()
    assert "Aucune notification non lue." in page


def test_someone_elses_notification_answers_404(client, town_hall_agent, other_town_hall_agent, mdo_officer, project):
    _notify(town_hall_agent, project, mdo_officer)
    client.force_login(other_town_hall_agent)
    notification = Notification.objects.get()
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert Notification.objects.get().read_at is None
    assert "Nouveau statut" not in client.get(reverse("notifications:list")).content.decode()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_page_queries_do_not_grow(client, town_hall_agent, mdo_officer, project, django_assert_num_queries):
    client.force_login(town_hall_agent)
    _notify(town_hall_agent, project, mdo_officer, n=2)
    url = reverse("notifications:list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _notify(town_hall_agent, project, mdo_officer, n=40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="notification"') == 30  # one page


def test_the_bell_costs_one_query_per_page(client, town_hall_agent, mdo_officer, project):
    _notify(town_hall_agent, project, mdo_officer, n=5)
    client.force_login(town_hall_agent)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    bell = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1 and "COUNT(" in bell[0].upper()
    assert 'data-testid="unread-count">5<' in page


def test_preferences_on_the_profile_page(
    client, town_hall_agent, mdo_officer, project, django_capture_on_commit_callbacks
):
    client.force_login(town_hall_agent)
    profile = client.get(town_hall_agent.get_absolute_url()).content.decode()
    assert "Préférences de notification" in profile
    assert "Dans le récapitulatif quotidien" in profile
    assert "Traitement terminé (import, export, rapport)" in profile
    assert "Préférences de notification" not in client.get(mdo_officer.get_absolute_url()).content.decode()
    choices = {
        "task": "in_app",
        "decision": "email",
        "mention": "in_app",
        "project_status": "email",
        "invitation": "digest",
        "reminder": "digest",
        "job": "email",
    }
    response = client.post(reverse("notifications:preferences"), choices)
    assert response.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=town_hall_agent).values_list("kind", "channel")) == choices
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(town_hall_agent, project, mdo_officer)  # project_status: e-mail at once
    assert [m.to for m in mail.outbox] == [[town_hall_agent.email]]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[town_hall_agent], kind="mention", verb="Camille vous a mentionné·e", target=project)
    assert len(mail.outbox) == 1  # mention: in the app only
    assert Notification.objects.filter(recipient=town_hall_agent).count() == 2


def test_bad_preference_is_refused_at_its_field(client, town_hall_agent):
    client.force_login(town_hall_agent)
    response = client.post(reverse("notifications:preferences"), {"task": "pigeon", "decision": "email"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choisissez une des trois réceptions proposées." in page
    assert "Choisissez comment recevoir ce type de notification." in page
    assert not NotificationPreference.objects.exists()


def test_the_bell_is_counted_in_the_task_badges_query(client, town_hall_agent, mdo_officer, project):
    _notify(town_hall_agent, project, mdo_officer, n=2)
    client.force_login(town_hall_agent)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) == 1 and "viewflow_task" in counts[0]  # one query for the bell and the task badge
    assert not [q for q in queries.captured_queries if "viewflow_task" in q["sql"] and "COUNT(" in q["sql"]][1:]
    assert 'data-testid="unread-count">2<' in page


def test_the_bell_is_never_stale_while_the_task_badge_is_kept(client, settings, town_hall_agent, mdo_officer, project):
    settings.TASK_COUNT_CACHE_SECONDS = 30
    _notify(town_hall_agent, project, mdo_officer, n=3)
    client.force_login(town_hall_agent)
    assert 'data-testid="unread-count">3<' in client.get(reverse("dashboard")).content.decode()
    client.post(reverse("notifications:read_all"))  # an UPDATE: no signal refreshes the kept task count
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    assert 'data-testid="unread-count">0<' in page
    bell = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(bell) == 1 and "viewflow_task" not in bell[0]  # the tasks' count came from the cache
