import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import selectors, services
from meetings.enums import ActionStatus, AttendanceStatus, MeetingStatus
from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting, MeetingSeries, Minutes
from tests.factories import town_hall
from tests.helpers import body, count_queries
from tests.meetings.factories import make_meeting, make_series

pytestmark = pytest.mark.django_db


# --- lists --------------------------------------------------------------------------------


def test_meeting_list_is_scoped(client, meeting, other_meeting, town_hall_agent, director):
    client.force_login(town_hall_agent)
    page = client.get(reverse("meetings:index")).content.decode()
    assert "COPIL Budget participatif" in page and "Vieux Lyon" not in page
    client.force_login(director)
    page = client.get(reverse("meetings:index")).content.decode()
    assert "COPIL Budget participatif" in page and "Vieux Lyon" in page


def test_meeting_list_filters_and_exports_the_filtered_rows(client, meeting, other_meeting, mdo_manager):
    client.force_login(mdo_manager)
    response = client.get(reverse("meetings:index"), {"kind": "neighbourhood_council", "_export": "csv"})
    text = body(response).decode()
    assert "Vieux Lyon" in text and "COPIL" not in text


def test_meeting_list_and_detail_keep_a_constant_number_of_queries(
    client, meeting, mdo_officer, town_hall_agent, django_assert_max_num_queries
):
    client.force_login(mdo_officer)
    services.decision_add(meeting=meeting, by=mdo_officer, text="Première décision")
    approved = make_meeting(mdo_officer, title="COPIL validé")
    services.decision_add(meeting=approved, by=mdo_officer, text="Décision validée")
    services.minutes_transition(meeting=approved, by=mdo_officer, name="submit")
    Minutes.objects.filter(meeting=approved).update(status="approved")
    services.action_add(meeting=meeting, by=mdo_officer, title="Première action", owner=mdo_officer)

    def grow():
        from tests.factories import make_user

        colleagues = [make_user("town_hall_agent", town_hall(3), username=f"agent3-{n}") for n in range(3)]
        services.meeting_invite(meeting=meeting, by=mdo_officer, users=colleagues)
        for index in range(5):
            make_meeting(mdo_officer, title=f"COTECH {index}", organisations=[town_hall(3)])
        for index in range(5):
            services.agenda_item_add(meeting=meeting, by=mdo_officer, title=f"Point {index}", presenter=town_hall_agent)
            services.decision_add(meeting=meeting, by=mdo_officer, text=f"Décision {index}")
            Decision.objects.create(meeting=approved, text=f"Décision validée {index}")
            services.action_add(meeting=meeting, by=mdo_officer, title=f"Action {index}", owner=town_hall_agent)
            services.meeting_invite(meeting=meeting, by=mdo_officer, guests=[("", f"invite{index}@exemple.fr")])

    urls = [
        reverse("meetings:index"),
        meeting.get_absolute_url(),
        reverse("meetings:decisions"),
        reverse("meetings:my_actions"),
        reverse("dashboard"),
        reverse("meetings:calendar_month") + "?mois=2026-12",
    ]
    before = {url: count_queries(client, url) for url in urls}
    grow()
    counts = {url: count_queries(client, url) for url in urls}
    assert before == counts
    with django_assert_max_num_queries(counts[meeting.get_absolute_url()]):
        client.get(meeting.get_absolute_url())
    assert counts[meeting.get_absolute_url()] <= 25


def test_meeting_detail_is_404_out_of_scope(client, meeting, other_town_hall_agent, outsider):
    for user in (other_town_hall_agent, outsider):
        client.force_login(user)
        assert client.get(meeting.get_absolute_url()).status_code == 404


def test_meeting_is_seen_by_members_of_the_organising_organisation(client, other_meeting):
    from tests.factories import make_user

    colleague = make_user("town_hall_agent", town_hall(5), username="colleague5")
    client.force_login(colleague)
    assert client.get(other_meeting.get_absolute_url()).status_code == 200


def test_calendar_month_shows_the_meetings_of_the_month_with_filters(client, meeting, other_meeting, mdo_manager):
    client.force_login(mdo_manager)
    page = client.get(reverse("meetings:calendar_month"), {"mois": "2026-12"}).content.decode()
    assert "COPIL Budget participatif" in page and "Vieux Lyon" in page and "Décembre 2026" in page
    page = client.get(reverse("meetings:calendar_month"), {"mois": "2026-12", "kind": "copil"}).content.decode()
    assert "COPIL Budget participatif" in page and "Vieux Lyon" not in page
    assert "mois=2027-01&amp;kind=copil" in page


def test_decisions_register_searches_across_meetings_and_is_scoped(
    client, meeting, other_meeting, mdo_officer, other_town_hall_agent, town_hall_agent, mdo_manager
):
    services.decision_add(meeting=meeting, by=mdo_officer, text="Végétaliser la cour de l'école Montchat.")
    services.decision_add(meeting=other_meeting, by=other_town_hall_agent, text="Végétaliser la place Saint-Jean.")
    client.force_login(town_hall_agent)
    assert "Montchat" not in client.get(reverse("meetings:decisions")).content.decode()  # minutes still a draft
    for approved in (meeting, other_meeting):
        services.minutes_transition(meeting=approved, by=mdo_manager, name="submit")
        services.minutes_transition(meeting=approved, by=mdo_manager, name="approve")
    page = client.get(reverse("meetings:decisions"), {"q": "végétaliser"}).content.decode()
    assert "Montchat" in page and "Saint-Jean" not in page
    client.force_login(mdo_officer)
    export = body(client.get(reverse("meetings:decisions"), {"q": "Saint-Jean", "_export": "csv"})).decode()
    assert "Saint-Jean" in export and "Montchat" not in export


def test_my_actions_highlights_late_ones(client, meeting, mdo_officer, town_hall_agent):
    services.action_add(
        meeting=meeting,
        by=mdo_officer,
        title="Action en retard",
        owner=town_hall_agent,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    services.action_add(
        meeting=meeting,
        by=mdo_officer,
        title="Action à venir",
        owner=town_hall_agent,
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    client.force_login(town_hall_agent)
    page = client.get(reverse("meetings:my_actions")).content.decode()
    assert page.count("En retard</span>") == 1
    assert "Action à venir" in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Mes prochaines réunions" in dashboard and "Action en retard" in dashboard and "En retard" in dashboard


def test_action_status_post(client, meeting, mdo_officer, town_hall_agent, other_town_hall_agent):
    action = services.action_add(meeting=meeting, by=mdo_officer, title="Envoyer le bilan", owner=town_hall_agent)
    url = reverse("meetings:action_status", args=[action.pk])
    client.force_login(town_hall_agent)
    assert client.get(url).status_code == 405
    client.force_login(other_town_hall_agent)
    assert client.post(url, {"status": "done"}).status_code == 404
    client.force_login(town_hall_agent)
    assert client.post(url, {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_on == timezone.localdate()


# --- creating and changing ----------------------------------------------------------------


def test_officer_creates_a_bimonthly_series_through_the_form(client, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:series_create"),
        {
            "kind": "network",
            "title": "Réseau démocratie participative",
            "first_day": "2027-01-12",
            "start_time": "09:30",
            "duration_minutes": "150",
            "preset": "FREQ=MONTHLY;INTERVAL=2",
            "count": "6",
            "place": "Hôtel de Ville",
            "organisations": [town_hall(3).pk],
        },
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert series.occurrences.count() == 6
    assert Attendee.objects.filter(user=town_hall_agent).count() == 6


def test_series_form_shows_a_bad_rule_at_its_field(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:series_create"),
        {
            "kind": "network",
            "title": "Réseau",
            "first_day": "2027-01-12",
            "start_time": "09:30",
            "duration_minutes": "150",
            "preset": "custom",
            "custom_rrule": "INTERVAL=2",
            "count": "6",
        },
    )
    assert response.status_code == 200
    assert "fréquence" in response.context["form"].errors["custom_rrule"][0]
    assert not MeetingSeries.objects.exists()


def test_meeting_form_refuses_an_end_before_the_start(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:create"),
        {"kind": "copil", "title": "COPIL", "day": "2027-01-12", "start_time": "10:00", "end_time": "09:00"},
    )
    assert "L'heure de fin doit suivre" in response.context["form"].errors["end_time"][0]
    assert not Meeting.objects.exists()


def test_meeting_form_refuses_a_bad_guest_line_with_its_number(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:create"),
        {
            "kind": "copil",
            "title": "COPIL",
            "day": "2027-01-12",
            "start_time": "10:00",
            "end_time": "12:00",
            "guests": "Anne <anne@exemple.fr>\npas-une-adresse",
        },
    )
    assert "Ligne 2" in response.context["form"].errors["guests"][0]


def test_edit_moves_an_occurrence(client, mdo_officer, town_hall_agent, other_town_hall_agent):
    series = make_series(mdo_officer, users=[town_hall_agent], count=2)
    first = series.occurrences.order_by("start").first()
    url = reverse("meetings:edit", args=[first.pk])
    client.force_login(town_hall_agent)
    assert client.get(url).status_code == 404  # an attendee does not edit
    client.force_login(mdo_officer)
    response = client.post(
        url,
        {
            "title": first.title,
            "day": "2026-01-20",
            "start_time": "09:30",
            "end_time": "12:00",
            "place": "Mairie du 3e",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert timezone.localtime(first.start).date() == dt.date(2026, 1, 20) and first.sequence == 1


def test_cancel_post(client, meeting, mdo_officer, other_town_hall_agent, town_hall_agent):
    url = reverse("meetings:cancel", args=[meeting.pk])
    client.force_login(mdo_officer)
    assert client.get(url).status_code == 405
    for user in (other_town_hall_agent, town_hall_agent):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.force_login(mdo_officer)
    assert client.post(url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_invite_page(client, meeting, mdo_officer, other_town_hall_agent, town_hall_agent):
    url = reverse("meetings:invite", args=[meeting.pk])
    client.force_login(town_hall_agent)
    assert client.get(url).status_code == 404  # attendees do not invite
    client.force_login(mdo_officer)
    assert client.get(url).status_code == 200
    client.force_login(other_town_hall_agent)
    assert client.post(url, {"invite-guests": "a@exemple.fr"}).status_code == 404
    client.force_login(mdo_officer)
    assert (
        client.post(
            url, {"invite-organisations": [town_hall(5).pk], "invite-guests": "Anne Dupont <anne@exemple.fr>"}
        ).status_code
        == 302
    )
    assert meeting.attendees.filter(user=other_town_hall_agent).exists()
    assert meeting.attendees.filter(email="anne@exemple.fr", name="Anne Dupont").exists()
    response = client.post(url, {"invite-guests": "pas-une-adresse"})
    assert response.status_code == 400 and "Ligne 1" in response.content.decode()


def test_attendance_post(client, meeting, mdo_officer, town_hall_agent, other_town_hall_agent):
    url = reverse("meetings:attendance", args=[meeting.pk])
    attendee = meeting.attendees.get(user=town_hall_agent)
    client.force_login(mdo_officer)
    assert client.get(url).status_code == 405
    client.force_login(other_town_hall_agent)
    assert client.post(url, {f"presence-attendee-{attendee.pk}": "present"}).status_code == 404
    client.force_login(mdo_officer)
    assert client.post(url, {f"presence-attendee-{attendee.pk}": "excused"}).status_code == 302
    attendee.refresh_from_db()
    assert attendee.status == AttendanceStatus.EXCUSED


def test_agenda_posts(client, meeting, mdo_officer, other_town_hall_agent, town_hall_agent):
    add = reverse("meetings:agenda_add", args=[meeting.pk])
    client.force_login(mdo_officer)
    assert client.get(add).status_code == 200
    client.force_login(other_town_hall_agent)
    assert client.get(add).status_code == 404
    assert client.post(add, {"agenda-title": "Intrus", "agenda-duration_minutes": "10"}).status_code == 404
    client.force_login(mdo_officer)
    assert (
        client.post(
            add,
            {
                "agenda-title": "Questions diverses",
                "agenda-duration_minutes": "10",
                "agenda-presenter": town_hall_agent.pk,
            },
        ).status_code
        == 302
    )
    last = meeting.agenda_items.order_by("order").last()
    assert last.title == "Questions diverses" and last.presenter == town_hall_agent
    response = client.post(add, {"agenda-title": "", "agenda-duration_minutes": "10"})
    assert response.status_code == 400
    move = reverse("meetings:agenda_move", args=[meeting.pk, last.pk, "up"])
    assert client.get(move).status_code == 405
    assert client.post(move).status_code == 302
    assert list(meeting.agenda_items.order_by("order").values_list("title", flat=True))[1] == "Questions diverses"
    delete = reverse("meetings:agenda_delete", args=[meeting.pk, last.pk])
    client.force_login(town_hall_agent)
    assert client.post(delete).status_code == 404
    client.force_login(mdo_officer)
    assert client.post(delete).status_code == 302
    assert not AgendaItem.objects.filter(pk=last.pk).exists()


def test_agenda_item_links_only_to_visible_projects(client, meeting, mdo_officer):
    from projects.models import Project

    project = Project.objects.create(title="Jardin partagé Montchat", district=3)
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:agenda_add", args=[meeting.pk]),
        {"agenda-title": "Jardin", "agenda-duration_minutes": "10", "agenda-project": project.pk},
    )
    assert response.status_code == 302
    assert meeting.agenda_items.get(title="Jardin").project == project


def test_decision_and_action_posts(client, meeting, mdo_officer, other_town_hall_agent, town_hall_agent):
    decision = reverse("meetings:decision_add", args=[meeting.pk])
    action = reverse("meetings:action_add", args=[meeting.pk])
    client.force_login(mdo_officer)
    assert client.get(decision).status_code == 405 and client.get(action).status_code == 405
    client.force_login(other_town_hall_agent)
    assert client.post(decision, {"decision-text": "x"}).status_code == 404
    assert client.post(action, {"action-title": "x"}).status_code == 404
    client.force_login(mdo_officer)
    assert client.post(decision, {"decision-text": "Adopté."}).status_code == 302
    assert client.post(action, {"action-title": "Relancer", "action-owner": town_hall_agent.pk}).status_code == 302
    assert Decision.objects.get().text == "Adopté."
    assert ActionItem.objects.get().owner == town_hall_agent
    # An owner outside the attendees is refused at its field.
    response = client.post(action, {"action-title": "Relancer", "action-owner": other_town_hall_agent.pk})
    assert response.status_code == 400


def test_comment_post_only_during_review(client, meeting, mdo_officer, town_hall_agent, other_town_hall_agent):
    url = reverse("meetings:comment_add", args=[meeting.pk])
    client.force_login(town_hall_agent)
    assert client.get(url).status_code == 405
    assert client.post(url, {"comment-text": "Trop tôt"}).status_code == 404
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    client.force_login(other_town_hall_agent)
    assert client.post(url, {"comment-text": "Intrus"}).status_code == 404
    client.force_login(town_hall_agent)
    assert client.post(url, {"comment-text": "Merci"}).status_code == 302


# --- my calendar --------------------------------------------------------------------------


def test_my_calendar_shows_the_feed_url_and_revoke_gives_a_new_one(client, town_hall_agent):
    client.force_login(town_hall_agent)
    page = client.get(reverse("meetings:my_calendar")).content.decode()
    old = selectors.calendar_token_for(town_hall_agent).token
    assert old in page and "Outlook" in page
    assert client.get(reverse("meetings:calendar_revoke")).status_code == 405
    assert client.post(reverse("meetings:calendar_revoke")).status_code == 302
    new = selectors.calendar_token_for(town_hall_agent).token
    assert new != old
    page = client.get(reverse("meetings:my_calendar")).content.decode()
    assert new in page and old not in page


def test_pages_need_login(client, meeting):
    for url in (
        reverse("meetings:index"),
        meeting.get_absolute_url(),
        reverse("meetings:my_calendar"),
        reverse("meetings:network_feed"),
    ):
        assert client.get(url).status_code == 302


def test_minutes_save_post(client, meeting, mdo_officer, other_town_hall_agent):
    url = reverse("meetings:minutes_save", args=[meeting.pk])
    client.force_login(mdo_officer)
    assert client.get(url).status_code == 405
    client.force_login(other_town_hall_agent)
    assert client.post(url, {"minutes-summary": "Intrus"}).status_code == 404
    client.force_login(mdo_officer)
    assert client.post(url, {"minutes-summary": "Séance utile"}).status_code == 302
    assert Minutes.objects.get(meeting=meeting).summary == "<p>Séance utile</p>"


def test_agenda_move_and_delete_refuse_get_and_out_of_scope(client, meeting, mdo_officer, other_town_hall_agent):
    item = meeting.agenda_items.order_by("order").last()
    move = reverse("meetings:agenda_move", args=[meeting.pk, item.pk, "up"])
    delete = reverse("meetings:agenda_delete", args=[meeting.pk, item.pk])
    client.force_login(mdo_officer)
    assert client.get(delete).status_code == 405
    client.force_login(other_town_hall_agent)
    assert client.post(move).status_code == 404
    assert client.post(delete).status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk, order=2).exists()


def test_user_without_organisation_cannot_open_the_creation_forms(client, no_role_user):
    client.force_login(no_role_user)
    # Without a role, every page is the no-role page (403), before the view's own refusal (404).
    for name in ("meetings:create", "meetings:series_create"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert 'data-testid="no-role"' in response.content.decode()


def test_dashboard_shows_my_actions_only_when_i_have_open_ones(client, meeting, mdo_officer, mdo_manager):
    services.action_add(meeting=meeting, by=mdo_officer, title="Envoyer le bilan", owner=mdo_officer)
    client.force_login(mdo_officer)
    assert 'data-testid="panel-actions"' in client.get(reverse("dashboard")).content.decode()
    client.force_login(mdo_manager)
    assert 'data-testid="panel-actions"' not in client.get(reverse("dashboard")).content.decode()


def test_my_actions_late_row_link_uses_a_contrasted_colour(client, meeting, mdo_officer, town_hall_agent):
    # Bootstrap's link blue on .table-danger falls below 4.5:1 (axe colour-contrast, found by the tour).
    services.action_add(
        meeting=meeting,
        by=mdo_officer,
        title="Action en retard",
        owner=town_hall_agent,
        due_on=timezone.localdate() - dt.timedelta(days=3),
    )
    client.force_login(town_hall_agent)
    page = client.get(reverse("meetings:my_actions")).content.decode()
    assert f'href="{meeting.get_absolute_url()}" class="link-body-emphasis"' in page


def test_the_meeting_list_opens_on_the_coming_meetings_then_the_past_ones(client, mdo_officer):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    make_meeting(mdo_officer, title="Passée il y a un mois", start=now - dt.timedelta(days=30))
    make_meeting(mdo_officer, title="Passée hier", start=now - dt.timedelta(days=1))
    make_meeting(mdo_officer, title="Dans deux mois", start=now + dt.timedelta(days=60))
    make_meeting(mdo_officer, title="Dans une semaine", start=now + dt.timedelta(days=7))
    client.force_login(mdo_officer)

    rows = [row.record.title for row in client.get(reverse("meetings:index")).context["table"].page.object_list]

    assert rows == ["Dans une semaine", "Dans deux mois", "Passée hier", "Passée il y a un mois"]
    sorted_by_user = client.get(reverse("meetings:index"), {"sort": "start"}).context["table"]
    assert [row.record.title for row in sorted_by_user.page.object_list][0] == "Passée il y a un mois"


def test_in_development_the_feed_address_follows_the_served_host(client, settings, mdo_officer):
    settings.SITE_URL_FOLLOWS_REQUEST = True
    settings.ALLOWED_HOSTS = ["mdo.local"]
    client.force_login(mdo_officer)
    page = client.get(reverse("meetings:my_calendar"), HTTP_HOST="mdo.local:8000")
    assert page.context["feed_url"].startswith("http://mdo.local:8000/calendar/")
    assert 'data-copy-target="feed-url"' in page.content.decode()

    settings.SITE_URL_FOLLOWS_REQUEST = False  # production: SITE_URL whatever the host
    page = client.get(reverse("meetings:my_calendar"), HTTP_HOST="mdo.local:8000")
    assert page.context["feed_url"].startswith(settings.SITE_URL + "/calendar/")
