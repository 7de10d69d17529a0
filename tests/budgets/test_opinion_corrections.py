"""The town hall's opinion on a line of its état spécial is its author's to correct, with the same rules as
when it was given, until the final decision: the line's history keeps the old and the new answer. Anyone
else, or a correction after the final decision, is refused and the opinion stays as it was."""

import re

import pytest
from django.urls import reverse

from budgets import services
from budgets.enums import ApprovalStep, DecisionOutcome
from budgets.models import BudgetDecision
from mdo.enums import Role
from mdo.workflow import Refused
from tests.budgets.factories import decide, submitted_line
from tests.factories import make_user, town_hall

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(mdo_officer, mdo_manager, town_hall_agent):
    """A line of the 3rd's état spécial, approved by the manager, the town hall's opinion given (favourable)."""
    line = submitted_line(mdo_officer, holder_district=3)
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    decide(line, town_hall_agent, DecisionOutcome.FAVOURABLE)
    return line


def _opinion(line):
    return BudgetDecision.objects.get(budget_line=line, step=ApprovalStep.TOWN_HALL_OPINION)


def _url(line):
    return reverse("budgets:opinion_correct", args=[_opinion(line).pk])


def _answer(line):
    opinion = _opinion(line)
    return opinion.outcome, opinion.comment


def test_the_author_corrects_the_opinion_and_the_history_keeps_old_and_new(client, line, town_hall_agent):
    client.force_login(town_hall_agent)
    page = client.get(line.get_absolute_url()).content.decode()
    assert _url(line) in page and "Corriger mon avis" in page
    page = client.get(_url(line)).content.decode()
    radios = re.findall(r'<input[^>]*name="outcome"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in radio for radio in radios)  # chosen again, none in advance

    response = client.post(_url(line), {"outcome": "unfavourable", "comment": "Le conseil préfère un autre site."})
    assert response.status_code == 302
    assert _answer(line) == ("unfavourable", "Le conseil préfère un autre site.")
    page = client.get(line.get_absolute_url()).content.decode()
    history = page[page.index('id="historique"') :]
    assert "Correction de l&#x27;avis de la mairie" in history
    assert re.search(r"<del>Avis favorable</del> → <ins>Avis défavorable</ins>", history)
    assert "Le conseil préfère un autre site." in history
    record = _opinion(line).history.order_by("-history_date").first()
    assert record.history_type == "~" and record.history_user == town_hall_agent


def test_a_colleague_an_outsider_or_the_manager_may_not_correct_it(
    client, line, other_town_hall_agent, mdo_manager, outsider, no_role_user
):
    colleague = make_user(Role.TOWN_HALL_AGENT, town_hall(3), username="colleague")
    for user in (colleague, other_town_hall_agent, mdo_manager, outsider, no_role_user):
        client.force_login(user)
        assert client.get(_url(line)).status_code == 403, user
        response = client.post(_url(line), {"outcome": "unfavourable", "comment": "Pas d'accord"})
        assert response.status_code == 403, user
    client.force_login(colleague)
    assert "Corriger mon avis" not in client.get(line.get_absolute_url()).content.decode()
    assert _answer(line) == ("favourable", "")
    assert _opinion(line).history.count() == 1  # its creation only


def test_an_administrator_may_correct_it(client, line, admin_user):
    client.force_login(admin_user)
    assert client.post(_url(line), {"outcome": "unfavourable", "comment": "Erreur de saisie"}).status_code == 302
    assert _answer(line) == ("unfavourable", "Erreur de saisie")


def test_once_the_final_decision_is_taken_the_opinion_stays(client, line, town_hall_agent, mdo_manager):
    decide(line, mdo_manager, DecisionOutcome.APPROVED)
    client.force_login(town_hall_agent)
    assert "Corriger mon avis" not in client.get(line.get_absolute_url()).content.decode()
    assert client.post(_url(line), {"outcome": "unfavourable", "comment": "Trop tard"}).status_code == 403
    with pytest.raises(Refused, match="décision finale"):
        services.opinion_correct(decision=_opinion(line), by=town_hall_agent, outcome="unfavourable", comment="x")
    assert _answer(line) == ("favourable", "")


def test_an_unexplained_unfavourable_correction_is_refused_at_the_field(client, line, town_hall_agent):
    client.force_login(town_hall_agent)
    response = client.post(_url(line), {"outcome": "unfavourable", "comment": " "})
    assert response.status_code == 400
    assert "il est obligatoire pour un avis défavorable" in response.content.decode()
    response = client.post(_url(line), {})
    assert response.status_code == 400 and "Choisissez l&#x27;avis de la mairie." in response.content.decode()
    with pytest.raises(Refused, match="obligatoire"):
        services.opinion_correct(decision=_opinion(line), by=town_hall_agent, outcome="unfavourable", comment="")
    assert _answer(line) == ("favourable", "")
    assert _opinion(line).history.count() == 1


def test_another_decision_is_no_opinion_to_correct(client, line, mdo_manager):
    client.force_login(mdo_manager)
    review = BudgetDecision.objects.get(budget_line=line, step=ApprovalStep.MANAGER_REVIEW)
    assert client.get(reverse("budgets:opinion_correct", args=[review.pk])).status_code == 404
