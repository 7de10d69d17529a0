"""A draft budget line is deleted after a confirmation, with a deletion row in its history; a submitted line
and someone out of scope are refused, and the line stays as it was."""

import pytest
from django.urls import reverse

from budgets.models import BudgetLine
from tests.budgets.factories import make_line, submitted_line

pytestmark = pytest.mark.django_db


def test_the_mdo_deletes_a_draft_line_and_its_history_says_who(client, mdo_officer):
    line = make_line(mdo_officer)
    client.force_login(mdo_officer)
    page = client.get(line.get_absolute_url()).content.decode()
    assert reverse("budgets:line_delete", args=[line.pk]) in page and 'data-confirm="Supprimer ce brouillon' in page
    assert client.get(reverse("budgets:line_delete", args=[line.pk])).status_code == 405

    response = client.post(reverse("budgets:line_delete", args=[line.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("budgets:index")
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    deletion = BudgetLine.history.filter(id=line.pk).latest("history_date")
    assert deletion.history_type == "-" and deletion.history_user == mdo_officer


def test_a_submitted_line_cannot_be_deleted(client, mdo_officer):
    line = submitted_line(mdo_officer)
    client.force_login(mdo_officer)
    assert reverse("budgets:line_delete", args=[line.pk]) not in client.get(line.get_absolute_url()).content.decode()
    response = client.post(reverse("budgets:line_delete", args=[line.pk]), follow=True)
    assert "Seule une ligne en brouillon peut être supprimée" in response.content.decode()
    line.refresh_from_db()
    assert line.status == "submitted"


@pytest.mark.parametrize("who", ["town_hall_agent", "outsider"])
def test_someone_who_may_not_change_budgets_cannot_delete_a_draft(client, mdo_officer, who, request):
    line = make_line(mdo_officer)
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("budgets:line_delete", args=[line.pk])).status_code in (403, 404)
    assert BudgetLine.objects.filter(pk=line.pk, status="draft").exists()
