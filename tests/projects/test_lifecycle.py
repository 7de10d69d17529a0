import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from projects.enums import DEFAULT_PROGRESS, ProjectKind
from projects.enums import ProjectStatus as S
from projects.lifecycle import available_transitions
from projects.models import TimelineEntry, TimelineKind
from projects.services import TransitionData, TransitionRefused, project_transition

pytestmark = pytest.mark.django_db

# (transition, source, target, allowed user, refused user (in scope), form data)
CASES = [
    ("declare_admissible", S.SUBMITTED, S.ADMISSIBLE, "mdo_officer", "directorate_agent", {}),
    (
        "declare_inadmissible",
        S.SUBMITTED,
        S.INADMISSIBLE,
        "mdo_officer",
        "town_hall_agent",
        {"reason": "Hors compétence"},
    ),
    ("start_review", S.ADMISSIBLE, S.FEASIBILITY_REVIEW, "mdo_officer", "directorate_agent", {}),
    (
        "declare_feasible",
        S.FEASIBILITY_REVIEW,
        S.FEASIBLE,
        "directorate_agent",
        "town_hall_agent",
        {"verdict": "Réalisable en 2027", "estimated_cost": "45 000,50"},
    ),
    (
        "declare_unfeasible",
        S.FEASIBILITY_REVIEW,
        S.UNFEASIBLE,
        "mdo_officer",
        "town_hall_agent",
        {"reason": "Sol pollué"},
    ),
    ("put_on_ballot", S.FEASIBLE, S.ON_BALLOT, "mdo_officer", "directorate_agent", {}),
    ("declare_winner", S.ON_BALLOT, S.WINNER, "mdo_manager", "directorate_agent", {}),
    ("declare_not_selected", S.ON_BALLOT, S.NOT_SELECTED, "mdo_officer", "town_hall_agent", {}),
    ("start_design", S.WINNER, S.DESIGN, "directorate_agent", "town_hall_agent", {}),
    ("start_procurement", S.DESIGN, S.PROCUREMENT, "mdo_officer", "town_hall_agent", {}),
    ("start_works", S.PROCUREMENT, S.WORKS, "directorate_agent", "town_hall_agent", {}),
    ("deliver", S.WORKS, S.DELIVERED, "directorate_agent", "town_hall_agent", {"delivered_on": "2026-10-15"}),
    ("close", S.DELIVERED, S.CLOSED, "mdo_manager", "mdo_officer", {}),
    ("suspend", S.DESIGN, S.SUSPENDED, "mdo_officer", "directorate_agent", {"reason": "Recours d'un riverain"}),
    ("resume", S.SUSPENDED, S.WORKS, "mdo_officer", "directorate_agent", {}),
    ("abandon", S.WORKS, S.ABANDONED, "mdo_manager", "mdo_officer", {"reason": "Terrain vendu"}),
]
CONSULTATION_CASES = [
    ("open_consultation", S.PREPARATION, S.OPEN, "mdo_officer", "town_hall_agent", {}),
    ("start_analysis", S.OPEN, S.ANALYSIS, "mdo_officer", "town_hall_agent", {}),
    ("publish_report", S.ANALYSIS, S.REPORT_PUBLISHED, "mdo_officer", "town_hall_agent", {}),
    ("close", S.REPORT_PUBLISHED, S.CLOSED, "mdo_manager", "mdo_officer", {}),
]


def _post(client, user, project, name, data):
    client.force_login(user)
    return client.post(
        reverse("projects:transition", args=[project.pk, name]), {f"{name}-{key}": value for key, value in data.items()}
    )


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _set(project, status, **fields):
    type(project).objects.filter(pk=project.pk).update(status=status, **fields)
    project.refresh_from_db()


def _consultation(project):
    type(project).objects.filter(pk=project.pk).update(kind=ProjectKind.CONSULTATION)
    project.refresh_from_db()


@pytest.mark.parametrize(
    "name,source,target,allowed,refused,data", CASES + [("consult:" + c[0], *c[1:]) for c in CONSULTATION_CASES]
)
def test_transition_by_allowed_user_moves_status_and_writes_timeline(
    client, request, project, name, source, target, allowed, refused, data
):
    if name.startswith("consult:"):
        name = name.split(":", 1)[1]
        _consultation(project)
    _set(project, source, status_before_suspension=S.WORKS if source == S.SUSPENDED else "")
    user = request.getfixturevalue(allowed)
    response = _post(client, user, project, name, data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == target, _messages(response)
    assert project.progress == DEFAULT_PROGRESS.get(target, project.progress)
    entry = TimelineEntry.objects.get(project=project)
    assert entry.kind == TimelineKind.TRANSITION and entry.author == user
    assert entry.from_status == source and entry.to_status == target
    for value in data.values():
        if name != "declare_feasible" and name != "deliver":
            assert value in entry.text


@pytest.mark.parametrize(
    "name,source,target,allowed,refused,data", CASES + [("consult:" + c[0], *c[1:]) for c in CONSULTATION_CASES]
)
def test_transition_by_refused_user_changes_nothing_and_says_why(
    client, request, project, name, source, target, allowed, refused, data
):
    if name.startswith("consult:"):
        name = name.split(":", 1)[1]
        _consultation(project)
    _set(project, source)
    before = project.progress
    response = _post(client, request.getfixturevalue(refused), project, name, data)
    project.refresh_from_db()
    assert project.status == source and project.progress == before
    assert not TimelineEntry.objects.filter(project=project).exists()
    assert any("Vous n'avez pas le droit" in m for m in _messages(response))


@pytest.mark.parametrize("name,source,target,allowed,refused,data", CASES)
def test_transition_from_wrong_state_changes_nothing_and_says_why(
    client, request, project, name, source, target, allowed, refused, data
):
    _set(project, S.CLOSED)
    response = _post(client, request.getfixturevalue(allowed), project, name, data)
    project.refresh_from_db()
    assert project.status == S.CLOSED
    assert not TimelineEntry.objects.filter(project=project).exists()
    assert any("n'est pas possible depuis le statut « Clôturée »" in m for m in _messages(response))


def test_consultation_cannot_take_the_participatory_budget_path(client, project, mdo_officer):
    _consultation(project)
    _set(project, S.SUBMITTED)
    response = _post(client, mdo_officer, project, "declare_admissible", {})
    project.refresh_from_db()
    assert project.status == S.SUBMITTED
    assert any("propre cycle" in m for m in _messages(response))


def test_new_consultation_starts_in_preparation(db):
    from tests.projects.factories import ProjectFactory

    assert ProjectFactory(kind=ProjectKind.CONSULTATION).status == S.PREPARATION


def test_transition_refused_without_required_reason(client, project, mdo_manager):
    _set(project, S.WORKS)
    response = _post(client, mdo_manager, project, "abandon", {})
    project.refresh_from_db()
    assert project.status == S.WORKS
    assert any("Motif" in m for m in _messages(response))


def test_feasible_needs_verdict_and_cost(project, directorate_agent):
    _set(project, S.FEASIBILITY_REVIEW)
    with pytest.raises(TransitionRefused, match="coût estimé"):
        project_transition(
            project=project, name="declare_feasible", by=directorate_agent, data=TransitionData(verdict="OK")
        )
    project.refresh_from_db()
    assert project.status == S.FEASIBILITY_REVIEW


def test_feasible_records_the_cost_estimate_with_french_decimals(client, project, directorate_agent):
    _set(project, S.FEASIBILITY_REVIEW)
    _post(client, directorate_agent, project, "declare_feasible", {"verdict": "OK", "estimated_cost": "1 234,56"})
    project.refresh_from_db()
    assert str(project.estimated_cost) == "1234.56"


def test_user_given_progress_overrides_the_default(client, project, mdo_officer):
    _set(project, S.DESIGN)
    _post(client, mdo_officer, project, "start_procurement", {"progress": "62"})
    project.refresh_from_db()
    assert project.status == S.PROCUREMENT and project.progress == 62


def test_winner_is_flagged_selected_and_delivery_sets_actual_end(project, mdo_officer, directorate_agent):
    _set(project, S.ON_BALLOT)
    project_transition(project=project, name="declare_winner", by=mdo_officer)
    project.refresh_from_db()
    assert project.selected
    _set(project, S.WORKS)
    project_transition(
        project=project,
        name="deliver",
        by=directorate_agent,
        data=TransitionData(delivered_on=datetime.date(2026, 9, 1)),
    )
    project.refresh_from_db()
    assert project.actual_end == datetime.date(2026, 9, 1) and project.progress == 100 and project.selected


def test_suspend_then_resume_returns_to_the_previous_status(project, mdo_officer):
    _set(project, S.PROCUREMENT)
    project_transition(project=project, name="suspend", by=mdo_officer, data=TransitionData(reason="Recours"))
    project.refresh_from_db()
    assert project.status == S.SUSPENDED and project.status_before_suspension == S.PROCUREMENT
    project_transition(project=project, name="resume", by=mdo_officer)
    project.refresh_from_db()
    assert project.status == S.PROCUREMENT and project.status_before_suspension == ""
    assert TimelineEntry.objects.filter(project=project).count() == 2


def test_transition_post_answers_405_on_get(client, project, mdo_officer):
    client.force_login(mdo_officer)
    assert client.get(reverse("projects:transition", args=[project.pk, "declare_admissible"])).status_code == 405


def test_transition_post_out_of_scope_is_404_and_changes_nothing(client, project, other_town_hall_agent, outsider):
    for user in (other_town_hall_agent, outsider):
        response = _post(client, user, project, "declare_admissible", {})
        assert response.status_code == 404
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


def test_project_page_shows_only_the_buttons_the_user_may_fire(client, project, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Déclarer recevable" in page and "Abandonner" not in page  # abandoning is for the manager
    client.force_login(town_hall_agent)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Déclarer recevable" not in page


def test_rescope_is_a_flag_with_a_dated_note_and_the_project_goes_on(client, project, mdo_officer):
    _set(project, S.DESIGN)
    client.force_login(mdo_officer)
    client.post(reverse("projects:rescope", args=[project.pk]), {"note": "Deux bancs au lieu de quatre"})
    project.refresh_from_db()
    assert project.rescoped and project.rescoped_on and project.status == S.DESIGN
    assert TimelineEntry.objects.get(project=project).kind == TimelineKind.RESCOPE


def test_rescope_refused_before_the_vote(client, project, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    client.post(reverse("projects:rescope", args=[project.pk]), {"note": "x"})
    project.refresh_from_db()
    assert not project.rescoped
    client.force_login(town_hall_agent)
    assert client.post(reverse("projects:rescope", args=[project.pk]), {"note": "x"}).status_code == 404
    assert client.get(reverse("projects:rescope", args=[project.pk])).status_code == 405


@pytest.mark.parametrize("name", ["win_vote", "lose_vote"])
def test_a_vote_result_is_the_imports_to_record_never_a_button(project, mdo_officer, name):
    project.status = S.ON_BALLOT
    project.save()
    assert name not in {transition.slug for transition in available_transitions(project, mdo_officer)}
    with pytest.raises(TransitionRefused):
        project_transition(project=project, name=name, by=mdo_officer)
    project.refresh_from_db()
    assert project.status == S.ON_BALLOT and not TimelineEntry.objects.filter(project=project).exists()
