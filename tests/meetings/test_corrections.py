"""Correcting the minutes: the typed text survives adding a decision or an action; decisions, actions and
review comments are edited or deleted until the next step (approval, end of the review), with their history."""

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import ActionItem, Decision, Minutes, MinutesComment

pytestmark = pytest.mark.django_db


def _page(client, meeting) -> str:
    return client.get(meeting.get_absolute_url()).content.decode()


# --- never lose typing --------------------------------------------------------------------


def test_adding_a_decision_saves_the_summary_and_notes_typed_with_it(client, meeting, mdo_officer):
    item = meeting.agenda_items.order_by("order").first()
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:decision_add", args=[meeting.pk]),
        {
            "minutes-summary": "Les mairies présentent leurs projets.",
            f"minutes-notes-{item.pk}": "Douze chantiers.",
            "decision-text": "Le calendrier est adopté.",
            "action-title": "",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#decisions")
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.summary == "<p>Les mairies présentent leurs projets.</p>"
    item.refresh_from_db()
    assert item.notes == "<p>Douze chantiers.</p>"
    assert list(Decision.objects.values_list("text", flat=True)) == ["Le calendrier est adopté."]
    assert not ActionItem.objects.exists()


def test_saving_the_minutes_also_adds_the_action_typed_below(client, meeting, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:minutes_save", args=[meeting.pk]),
        {
            "minutes-summary": "Synthèse",
            "decision-text": "",
            "action-title": "Envoyer la liste",
            "action-owner": town_hall_agent.pk,
        },
    )
    assert response.status_code == 302
    assert ActionItem.objects.get().owner == town_hall_agent
    assert Minutes.objects.get(meeting=meeting).summary == "<p>Synthèse</p>"


def test_an_invalid_decision_shows_its_error_and_keeps_the_typed_summary_unsaved(client, meeting, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("meetings:decision_add", args=[meeting.pk]),
        {
            "minutes-summary": "Texte précieux tapé pendant la séance",
            "decision-text": "   ",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Saisissez la décision." in page and "Texte précieux tapé pendant la séance" in page
    assert not Minutes.objects.filter(meeting=meeting).exists() and not Decision.objects.exists()  # all or nothing


def test_invalid_action_fields_answer_400_at_the_field_never_500(client, meeting, mdo_officer):
    client.force_login(mdo_officer)
    url = reverse("meetings:action_add", args=[meeting.pk])
    for data in (
        {},
        {"action-title": ""},
        {"action-title": "x" * 300},
        {"action-title": "Relancer", "action-due_on": "31/02"},
        {"action-title": "Relancer", "action-owner": "abc"},
        {"action-title": "Relancer", "action-agenda_item": "999999"},
        {"action-title": "Relancer", "minutes-summary": "\x00"},
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode(), data
    assert not ActionItem.objects.exists()


def test_approved_minutes_refuse_a_late_decision_without_error_page(client, meeting, mdo_officer, mdo_manager):
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    client.force_login(mdo_officer)
    response = client.post(reverse("meetings:decision_add", args=[meeting.pk]), {"decision-text": "Trop tard"})
    assert response.status_code == 404 and not Decision.objects.exists()


def test_the_minutes_page_is_one_form_with_an_unsaved_changes_warning(client, meeting, mdo_officer):
    client.force_login(mdo_officer)
    page = _page(client, meeting)
    assert 'id="minutes-form"' in page and "data-unsaved-warning" in page
    assert f'form="minutes-form" formaction="/meetings/{meeting.pk}/decisions/"' in page
    assert (
        'name="decision-text"' in page
        and 'form="minutes-form"'
        in page.split('name="decision-text"')[0][-200:] + page.split('name="decision-text"')[1][:200]
    )


# --- correcting decisions and actions ------------------------------------------------------


@pytest.fixture
def recorded(meeting, mdo_officer, town_hall_agent):
    decision = services.decision_add(meeting=meeting, by=mdo_officer, text="Adopté à l'unanimité")
    action = services.action_add(meeting=meeting, by=mdo_officer, title="Relancer la DEVE", owner=town_hall_agent)
    return decision, action


def test_a_decision_is_corrected_then_deleted_with_its_history(client, meeting, mdo_officer, recorded):
    decision, _ = recorded
    client.force_login(mdo_officer)
    page = _page(client, meeting)
    assert reverse("meetings:decision_edit", args=[decision.pk]) in page
    assert 'data-confirm="Supprimer cette décision' in page
    edit = reverse("meetings:decision_edit", args=[decision.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"decision-text": ""})
    assert response.status_code == 400 and "Saisissez la décision." in response.content.decode()
    assert client.post(edit, {"decision-text": "Adopté à la majorité"}).status_code == 302
    decision.refresh_from_db()
    assert decision.text == "Adopté à la majorité"
    assert client.get(reverse("meetings:decision_delete", args=[decision.pk])).status_code == 405
    assert client.post(reverse("meetings:decision_delete", args=[decision.pk])).status_code == 302
    assert not Decision.objects.exists()
    history = list(Decision.history.filter(id=decision.pk).order_by("history_date").values_list("history_type", "text"))
    assert history == [("+", "Adopté à l'unanimité"), ("~", "Adopté à la majorité"), ("-", "Adopté à la majorité")]
    assert Decision.history.filter(id=decision.pk, history_type="-").get().history_user == mdo_officer


def test_an_action_is_corrected_then_deleted(client, meeting, mdo_officer, recorded):
    _, action = recorded
    client.force_login(mdo_officer)
    edit = reverse("meetings:action_edit", args=[action.pk])
    assert (
        client.post(edit, {"action-title": "Relancer la direction", "action-due_on": "2027-01-15"}).status_code == 302
    )
    action.refresh_from_db()
    assert action.title == "Relancer la direction" and str(action.due_on) == "2027-01-15" and action.owner is None
    assert client.post(reverse("meetings:action_delete", args=[action.pk])).status_code == 302
    assert not ActionItem.objects.exists() and ActionItem.history.filter(id=action.pk, history_type="-").exists()


def test_corrections_refused_to_a_wrong_role_and_out_of_scope(
    client, meeting, recorded, town_hall_agent, other_town_hall_agent
):
    decision, action = recorded
    urls = [
        reverse("meetings:decision_edit", args=[decision.pk]),
        reverse("meetings:decision_delete", args=[decision.pk]),
        reverse("meetings:action_edit", args=[action.pk]),
        reverse("meetings:action_delete", args=[action.pk]),
    ]
    # An attendee sees the meeting but does not write its minutes (the refusal is the policy's 404);
    # a town hall out of the meeting's scope does not even see it.
    for user in (town_hall_agent, other_town_hall_agent):
        client.force_login(user)
        for url in urls:
            assert client.post(url, {"decision-text": "Piraté", "action-title": "Piraté"}).status_code == 404, (
                user,
                url,
            )
    decision.refresh_from_db()
    action.refresh_from_db()
    assert decision.text == "Adopté à l'unanimité" and action.title == "Relancer la DEVE"


def test_once_approved_decisions_and_actions_are_no_longer_corrected(
    client, meeting, mdo_officer, mdo_manager, recorded
):
    decision, action = recorded
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    client.force_login(mdo_officer)
    page = _page(client, meeting)
    assert reverse("meetings:decision_edit", args=[decision.pk]) not in page
    assert client.post(reverse("meetings:decision_delete", args=[decision.pk])).status_code == 404
    assert client.post(reverse("meetings:action_edit", args=[action.pk]), {"action-title": "Autre"}).status_code == 404
    assert Decision.objects.filter(pk=decision.pk).exists()
    with pytest.raises(Exception, match="validé"):
        services.action_delete(action=action, by=mdo_officer)


def test_approving_and_publishing_ask_for_a_confirmation(client, meeting, mdo_officer, mdo_manager):
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    client.force_login(mdo_manager)
    assert 'data-confirm="Valider le compte rendu' in _page(client, meeting)


# --- review comments ------------------------------------------------------------------------


def test_the_author_corrects_and_withdraws_a_comment_during_the_review(
    client, meeting, mdo_officer, town_hall_agent, other_town_hall_agent, mdo_manager
):
    services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    comment = services.minutes_comment_add(meeting=meeting, by=town_hall_agent, text="Il manque le 5e")
    edit = reverse("meetings:comment_edit", args=[comment.pk])
    delete = reverse("meetings:comment_delete", args=[comment.pk])
    for intruder in (mdo_officer, other_town_hall_agent):  # not the author (404 of the policy), out of scope (404)
        client.force_login(intruder)
        assert client.post(edit, {"comment-text": "Piraté"}).status_code == 404
        assert client.post(delete).status_code == 404
    client.force_login(town_hall_agent)
    assert reverse("meetings:comment_edit", args=[comment.pk]) in _page(client, meeting)
    assert client.post(edit, {"comment-text": ""}).status_code == 400
    assert client.post(edit, {"comment-text": "Il manque le 3e"}).status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Il manque le 3e"
    assert list(comment.history.order_by("history_date").values_list("text", flat=True)) == [
        "Il manque le 5e",
        "Il manque le 3e",
    ]
    withdrawn = services.minutes_comment_add(meeting=meeting, by=town_hall_agent, text="Doublon")
    assert client.post(reverse("meetings:comment_delete", args=[withdrawn.pk])).status_code == 302
    assert not MinutesComment.objects.filter(pk=withdrawn.pk).exists()
    assert MinutesComment.history.filter(id=withdrawn.pk, history_type="-").exists()
    # Once approved, the review is over: the comment stays as it is.
    services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    response = client.post(delete, follow=True)
    assert "La relecture est close" in response.content.decode()
    assert MinutesComment.objects.filter(pk=comment.pk).exists()
