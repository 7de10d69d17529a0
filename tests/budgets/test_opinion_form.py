"""The town hall's opinion on a line, first given from its task: no answer chosen in advance, none sent
without choosing, and a refusal shown at the field it concerns with the choice and the typed text kept."""

import re

import pytest
from django.urls import reverse

from budgets.enums import ApprovalStep, DecisionOutcome
from budgets.models import BudgetDecision
from tests.budgets.factories import decide, open_task, submitted_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(mdo_officer, mdo_manager):
    """The 3rd town hall's opinion task on a line of its état spécial, the manager having approved it."""
    line = submitted_line(mdo_officer, holder_district=3)
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    task = open_task(line)
    assert task.flow_task.step == ApprovalStep.TOWN_HALL_OPINION
    return task


def _opinions():
    return BudgetDecision.objects.filter(step=ApprovalStep.TOWN_HALL_OPINION)


def _checked(page: str) -> list[str]:
    radios = re.findall(r'<input[^>]*name="outcome"[^>]*>', page)
    assert radios
    return [re.search(r'value="(\w+)"', radio).group(1) for radio in radios if re.search(r"\bchecked\b", radio)]


def test_the_opinion_starts_unchosen_and_is_not_sent_without_choosing(client, task, town_hall_agent):
    client.force_login(town_hall_agent)
    page = client.get(reverse("budgets:task_detail", args=[task.pk])).content.decode()
    assert 'name="outcome" value="favourable"' in page and _checked(page) == []
    response = client.post(reverse("budgets:task_decide", args=[task.pk]), {"comment": "Vu en conseil"})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="error_\d+_id_outcome"[^>]*>.*Choisissez l&#x27;avis de la mairie\.', page, re.DOTALL)
    assert "Vu en conseil</textarea>" in page
    assert not _opinions().exists()


def test_an_unexplained_unfavourable_opinion_is_refused_at_the_reason_with_the_choice_kept(
    client, task, town_hall_agent
):
    client.force_login(town_hall_agent)
    response = client.post(reverse("budgets:task_decide", args=[task.pk]), {"outcome": "unfavourable", "comment": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'id="error_\d+_id_comment"[^>]*>.*Indiquez le motif de votre décision\.', page, re.DOTALL)
    assert _checked(page) == ["unfavourable"]
    assert not _opinions().exists()
    response = client.post(
        reverse("budgets:task_decide", args=[task.pk]), {"outcome": "unfavourable", "comment": "Un autre site."}
    )
    assert response.status_code == 302
    assert list(_opinions().values_list("outcome", "comment")) == [("unfavourable", "Un autre site.")]
