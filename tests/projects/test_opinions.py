"""Feasibility opinions lean neither way: no answer is chosen in advance, and a reserved or unfavourable
opinion (a non-feasible verdict) must say why, at the field, before anything is recorded."""

import re

import pytest
from django.urls import reverse

from projects import flows
from projects.models import FeasibilityReview
from tests.projects.test_flows import _open_review, _task

pytestmark = pytest.mark.django_db


def test_the_town_hall_opinion_starts_unchosen_and_needs_a_comment_unless_favourable(
    client, project, mdo_officer, town_hall_agent
):
    review = _open_review(project, mdo_officer)
    task = _task(town_hall_agent)
    url = reverse("projects:task", args=[task.pk])
    client.force_login(town_hall_agent)
    page = client.get(url).content.decode()
    radios = re.findall(r'<input[^>]*name="opinion"[^>]*>', page)
    assert len(radios) == 3 and not any("checked" in radio for radio in radios)
    assert 'data-confirm="Envoyer cette réponse' in page

    page = client.post(url, {}).content.decode()
    assert "Choisissez l&#x27;avis de la mairie." in page
    for opinion in ("unfavourable", "reserved"):
        page = client.post(url, {"opinion": opinion, "comment": "  "}).content.decode()
        assert "le commentaire est obligatoire pour un avis avec réserves ou défavorable" in page
        assert re.search(rf'value="{opinion}"[^>]*checked', page), "the choice made is kept"
    review.refresh_from_db()
    assert review.opinion == "" and flows.inbox_count(town_hall_agent) == 1  # nothing recorded

    assert client.post(url, {"opinion": "unfavourable", "comment": "Le square est déjà rénové."}).status_code == 302
    review.refresh_from_db()
    assert review.opinion == "unfavourable" and review.opinion_comment == "Le square est déjà rénové."


def test_the_service_refuses_an_unexplained_unfavourable_opinion(project, mdo_officer, town_hall_agent):
    _open_review(project, mdo_officer)
    with pytest.raises(flows.TaskRefused, match="commentaire est obligatoire"):
        flows.town_hall_answer(task=_task(town_hall_agent), by=town_hall_agent, opinion="unfavourable", comment="")
    with pytest.raises(flows.TaskRefused, match="Choisissez"):
        flows.town_hall_answer(task=_task(town_hall_agent), by=town_hall_agent, opinion="", comment="")
    assert FeasibilityReview.objects.get(project=project).opinion == ""


def test_the_directorate_verdict_starts_unchosen_and_a_non_feasible_one_says_why(
    client, project, mdo_officer, directorate_agent
):
    review = _open_review(project, mdo_officer)
    task = _task(directorate_agent)
    url = reverse("projects:task", args=[task.pk])
    client.force_login(directorate_agent)
    radios = re.findall(r'<input[^>]*name="verdict"[^>]*>', client.get(url).content.decode())
    assert len(radios) == 3 and not any("checked" in radio for radio in radios)
    assert "Choisissez l&#x27;avis technique." in client.post(url, {}).content.decode()
    page = client.post(url, {"verdict": "unfeasible"}).content.decode()
    assert "Expliquez pourquoi le projet n&#x27;est pas faisable." in page
    review.refresh_from_db()
    assert review.verdict == ""
    with pytest.raises(flows.TaskRefused):
        flows.directorate_answer(
            task=task, by=directorate_agent, verdict="unfeasible", cost_estimate=None, delay_months=None, conditions=""
        )
    assert client.post(url, {"verdict": "unfeasible", "conditions": "Sol pollué"}).status_code == 302
    review.refresh_from_db()
    assert review.verdict == "unfeasible" and review.conditions == "Sol pollué"
