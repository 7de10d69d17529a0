"""A meeting with its agenda and invitees on one page; a series' agenda template; duplicating a meeting."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from meetings.models import AgendaItem, Attendee, Meeting, MeetingSeries
from tests.factories import directorate, town_hall
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def _points(*titles, total=8):
    data = {
        "points-TOTAL_FORMS": str(total),
        "points-INITIAL_FORMS": "0",
        "points-MIN_NUM_FORMS": "0",
        "points-MAX_NUM_FORMS": "40",
    }
    for index in range(total):
        data[f"points-{index}-title"] = titles[index] if index < len(titles) else ""
        data[f"points-{index}-duration_minutes"] = "20" if index < len(titles) else "15"
    return data


def _day(days=21) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_a_meeting_is_created_with_its_agenda_and_invitees_in_one_post(
    client, mdo_officer, town_hall_agent, directorate_agent, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    page = client.get(reverse("meetings:create")).content.decode()
    assert 'name="points-0-title"' in page and 'name="points-7-title"' in page
    # Organisations and people are type-ahead pickers: the page holds none of their long lists.
    assert 'data-picker-url="/choix/organisations/"' in page and 'data-picker-url="/choix/people/"' in page
    assert "Mairie du 3e arrondissement" not in page and "Moreau" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("meetings:create"),
            {
                "kind": "copil",
                "title": "COPIL Végétalisation",
                "day": _day(),
                "start_time": "14:00",
                "end_time": "16:00",
                "organisations": [town_hall(3).pk],
                "users": [directorate_agent.pk],
                **_points("Ouverture", "Bilan des chantiers", "Budget", "Calendrier", "Questions diverses"),
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert list(meeting.agenda_items.order_by("order").values_list("order", "title", "duration_minutes")) == [
        (1, "Ouverture", 20),
        (2, "Bilan des chantiers", 20),
        (3, "Budget", 20),
        (4, "Calendrier", 20),
        (5, "Questions diverses", 20),
    ]
    assert set(meeting.attendees.values_list("user__username", flat=True)) == {
        town_hall_agent.username,
        directorate_agent.username,
    }
    invitation = next(m for m in mail.outbox if town_hall_agent.email in m.to)
    from tests.meetings.test_services import ics_of

    assert "Bilan des chantiers" in ics_of(invitation) + invitation.body  # the agenda travels with the invitation


def test_an_agenda_row_with_a_duration_but_no_title_is_refused_at_the_row(client, mdo_officer):
    client.force_login(mdo_officer)
    data = {
        "kind": "copil",
        "title": "COPIL",
        "day": _day(),
        "start_time": "14:00",
        "end_time": "16:00",
        **_points("Ouverture"),
    }
    data["points-1-duration_minutes"] = "45"
    data["points-2-duration_minutes"] = "abc"
    response = client.post(reverse("meetings:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saisissez l&#x27;intitulé du point" in page and 'value="Ouverture"' in page
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists()
    data = {**data, "points-TOTAL_FORMS": "500"}
    response = client.post(reverse("meetings:create"), data)
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_a_series_keeps_its_agenda_template_and_each_occurrence_starts_with_it(client, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:series_create"),
        {
            "kind": "network",
            "title": "Réseau",
            "first_day": _day(),
            "start_time": "09:30",
            "duration_minutes": "150",
            "preset": "FREQ=MONTHLY;INTERVAL=2",
            "count": "3",
            "organisations": [town_hall(3).pk, directorate("Direction des Espaces verts").pk],
            **_points("Tour de table", "Budget participatif"),
        },
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert series.agenda_template == [["Tour de table", 20], ["Budget participatif", 20]]
    for meeting in series.occurrences.all():
        assert list(meeting.agenda_items.order_by("order").values_list("title", flat=True)) == [
            "Tour de table",
            "Budget participatif",
        ]


def test_duplicating_a_meeting_prefills_everything_but_the_date(client, mdo_officer, town_hall_agent, director):
    source = make_meeting(
        mdo_officer,
        title="COPIL Jardins",
        organisations=[town_hall(3)],
        users=[director],
        guests=[("Anne Martin", "anne@exemple.fr")],
        agenda=["Ouverture", "Bilan"],
    )
    client.force_login(mdo_officer)
    assert f"{reverse('meetings:create')}?depuis={source.pk}" in client.get(source.get_absolute_url()).content.decode()
    response = client.get(reverse("meetings:create"), {"depuis": source.pk})
    form = response.context["form"]
    assert form.initial["title"] == "COPIL Jardins" and "day" not in form.initial
    assert form.initial["organisations"] == [town_hall(3).pk] and form.initial["users"] == [director.pk]
    assert form.initial["guests"] == "Anne Martin <anne@exemple.fr>"
    page = response.content.decode()
    assert 'value="Ouverture"' in page and 'value="Bilan"' in page and "Copie de" in page
    # A meeting out of the user's scope cannot be copied; a malformed number is simply ignored.
    other = make_meeting(director, title="Réunion de la direction")
    client.force_login(town_hall_agent)
    assert client.get(reverse("meetings:create"), {"depuis": other.pk}).status_code == 404
    assert client.get(reverse("meetings:create"), {"depuis": "x"}).status_code == 200
    assert Attendee.objects.filter(meeting__title="COPIL Jardins").count() == 3
