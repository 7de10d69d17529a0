"""An answer of a feasibility review (the town hall's opinion, the directorate's verdict) is its author's to
correct, with the same rules as when it was given, until the MDO decides: the project's story keeps the old
and the new answer. Anyone else, or a correction after the decision, is refused and the answer stays."""

import re

import pytest
from django.urls import reverse

from mdo.enums import Role
from projects import flows
from projects.models import FeasibilityReview, TimelineKind
from tests.factories import make_user, town_hall
from tests.projects.test_flows import _open_review, _task

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(project, mdo_officer, town_hall_agent):
    """The review of the project, the town hall's opinion given (favourable) by Julien: its task."""
    _open_review(project, mdo_officer)
    task = _task(town_hall_agent)
    flows.town_hall_answer(task=task, by=town_hall_agent, opinion="favourable", comment="")
    return task


def _url(task):
    return reverse("projects:task_correct", args=[task.pk])


def _opinion(project):
    review = FeasibilityReview.objects.get(project=project)
    return review.opinion, review.opinion_comment


def test_the_author_corrects_the_opinion_and_the_story_keeps_old_and_new(client, project, answered, town_hall_agent):
    client.force_login(town_hall_agent)
    page = client.get(project.get_absolute_url()).content.decode()
    assert _url(answered) in page and "Corriger mon avis" in page
    page = client.get(_url(answered)).content.decode()
    radios = re.findall(r'<input[^>]*name="opinion"[^>]*>', page)
    assert len(radios) == 3 and not any("checked" in radio for radio in radios)  # chosen again, none in advance

    response = client.post(_url(answered), {"opinion": "unfavourable", "comment": "Le square vient d'être rénové."})
    assert response.status_code == 302
    assert _opinion(project) == ("unfavourable", "Le square vient d'être rénové.")
    entry = project.timeline.filter(kind=TimelineKind.CORRECTION).get()
    assert entry.author == town_hall_agent
    assert "Avis de la mairie corrigé" in entry.text and "avis : Favorable → Défavorable" in entry.text
    assert "Le square vient d'être rénové." in entry.text


def test_a_colleague_an_outsider_or_the_mdo_may_not_correct_it(
    client, project, answered, other_town_hall_agent, mdo_manager, outsider, no_role_user
):
    colleague = make_user(Role.TOWN_HALL_AGENT, town_hall(3), username="colleague")
    for user in (colleague, other_town_hall_agent, mdo_manager, outsider, no_role_user):
        client.force_login(user)
        assert client.get(_url(answered)).status_code == 403, user
        response = client.post(_url(answered), {"opinion": "unfavourable", "comment": "Pas d'accord"})
        assert response.status_code == 403, user
    client.force_login(colleague)
    assert "Corriger mon avis" not in client.get(project.get_absolute_url()).content.decode()
    assert _opinion(project) == ("favourable", "")
    assert not project.timeline.filter(kind=TimelineKind.CORRECTION).exists()


def test_an_administrator_may_correct_it(client, project, answered, admin_user):
    client.force_login(admin_user)
    assert client.post(_url(answered), {"opinion": "reserved", "comment": "Calendrier à revoir"}).status_code == 302
    assert _opinion(project) == ("reserved", "Calendrier à revoir")


def test_once_the_mdo_has_decided_the_opinion_stays(
    client, project, answered, town_hall_agent, directorate_agent, mdo_manager
):
    flows.directorate_answer(
        task=_task(directorate_agent),
        by=directorate_agent,
        verdict="feasible",
        cost_estimate=1000,
        delay_months=None,
        conditions="",
    )
    # The decision task is open: the next step has not started, the opinion may still be corrected.
    client.force_login(town_hall_agent)
    assert client.get(_url(answered)).status_code == 200
    flows.mdo_decision(task=_task(mdo_manager), by=mdo_manager, decision="feasible", reason="", estimated_cost=1000)

    assert "Corriger mon avis" not in client.get(project.get_absolute_url()).content.decode()
    assert "Corriger mon avis" not in client.get(reverse("projects:task", args=[answered.pk])).content.decode()
    assert client.post(_url(answered), {"opinion": "unfavourable", "comment": "Trop tard"}).status_code == 403
    with pytest.raises(flows.TaskRefused, match="décision de faisabilité"):
        flows.answer_correct(task=answered, by=town_hall_agent, opinion="unfavourable", comment="Trop tard")
    assert _opinion(project) == ("favourable", "")
    assert not project.timeline.filter(kind=TimelineKind.CORRECTION).exists()


def test_an_unexplained_unfavourable_correction_is_refused_at_the_field(client, project, answered, town_hall_agent):
    client.force_login(town_hall_agent)
    response = client.post(_url(answered), {"opinion": "unfavourable", "comment": " "})
    assert response.status_code == 400
    assert "le commentaire est obligatoire pour un avis avec réserves ou défavorable" in response.content.decode()
    response = client.post(_url(answered), {})
    assert response.status_code == 400 and "Choisissez l&#x27;avis de la mairie." in response.content.decode()
    with pytest.raises(flows.TaskRefused, match="commentaire est obligatoire"):
        flows.answer_correct(task=answered, by=town_hall_agent, opinion="reserved", comment="")
    assert _opinion(project) == ("favourable", "")
    assert not project.timeline.filter(kind=TimelineKind.CORRECTION).exists()


def test_the_directorate_corrects_its_verdict_until_the_decision(client, project, answered, directorate_agent):
    task = _task(directorate_agent)
    flows.directorate_answer(
        task=task, by=directorate_agent, verdict="feasible", cost_estimate=1000, delay_months=6, conditions=""
    )
    client.force_login(directorate_agent)
    assert "Corriger mon avis" in client.get(reverse("projects:task", args=[task.pk])).content.decode()
    response = client.post(_url(task), {"verdict": "unfeasible", "conditions": ""})
    assert (
        response.status_code == 400
        and "Expliquez pourquoi le projet n&#x27;est pas faisable." in response.content.decode()
    )
    response = client.post(_url(task), {"verdict": "unfeasible", "conditions": "Sol pollué", "delay_months": "6"})
    assert response.status_code == 302
    review = FeasibilityReview.objects.get(project=project)
    assert (review.verdict, review.conditions, review.cost_estimate) == ("unfeasible", "Sol pollué", None)
    text = project.timeline.get(kind=TimelineKind.CORRECTION).text
    assert "avis : Faisable → Non faisable" in text and "conditions : — → Sol pollué" in text


def test_an_open_task_or_an_unknown_one_is_no_answer_to_correct(client, project, mdo_officer, town_hall_agent):
    _open_review(project, mdo_officer)
    client.force_login(town_hall_agent)
    assert client.get(_url(_task(town_hall_agent))).status_code == 403
    assert client.get(reverse("projects:task_correct", args=[999999])).status_code == 404
