"""The directorate leading a project records the delivery of its milestones; the service fait stays
with an MDO agent other than the order's issuer."""

import datetime

import pytest
from django.utils import timezone

from vendors import services
from vendors.enums import MilestoneStatus
from vendors.models import Milestone

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def milestone(order_3e, mdo_officer):
    """A deliverable of an order charged to the 3e project led by the Espaces verts."""
    return services.milestone_create(
        order=order_3e, label="Plantations", due_on=TODAY() - datetime.timedelta(days=2), by=mdo_officer
    )


def _deliver(client, milestone, day=None):
    return client.post(f"/vendors/milestones/{milestone.pk}/deliver/", {"delivered_on": (day or TODAY()).isoformat()})


def test_lead_directorate_agent_records_the_delivery(client, directorate_agent, milestone):
    client.force_login(directorate_agent)
    page = client.get(milestone.get_absolute_url())
    assert page.status_code == 200 and "Déclarer la livraison" in page.content.decode()
    assert _deliver(client, milestone).status_code == 302
    milestone = Milestone.objects.get(pk=milestone.pk)
    assert milestone.status == MilestoneStatus.DELIVERED and milestone.delivered_on == TODAY()


def test_lead_directorate_agent_gets_the_french_message_at_the_field(client, directorate_agent, milestone):
    client.force_login(directorate_agent)
    response = _deliver(client, milestone, TODAY() + datetime.timedelta(days=1))
    assert response.status_code == 400
    assert response.context["deliver_form"].errors["delivered_on"] == [
        "La date de livraison ne peut pas être dans le futur."
    ]
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.PENDING


def test_out_of_scope_directorate_agent_refused_404(client, outsider, milestone):
    client.force_login(outsider)  # an agent of the Direction des Sports
    assert client.get(milestone.get_absolute_url()).status_code == 404
    assert _deliver(client, milestone).status_code == 404
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.PENDING


def test_town_hall_agent_sees_but_does_not_deliver(client, town_hall_agent, milestone):
    client.force_login(town_hall_agent)
    page = client.get(milestone.get_absolute_url())
    assert page.status_code == 200 and "Déclarer la livraison" not in page.content.decode()
    assert _deliver(client, milestone).status_code == 404


def test_get_on_delivery_answers_405(client, directorate_agent, milestone):
    client.force_login(directorate_agent)
    assert client.get(f"/vendors/milestones/{milestone.pk}/deliver/").status_code == 405


def test_service_fait_stays_with_an_mdo_agent_other_than_the_issuer(
    client, directorate_agent, mdo_officer, other_mdo_officer, milestone
):
    client.force_login(directorate_agent)
    _deliver(client, milestone)
    certify = f"/vendors/milestones/{milestone.pk}/certify/"
    assert client.post(certify, {"service_done_on": TODAY().isoformat()}).status_code == 404
    client.force_login(mdo_officer)  # issued the order
    response = client.post(certify, {"service_done_on": TODAY().isoformat()})
    assert response.status_code == 403  # refused, and told why
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.DELIVERED
    client.force_login(other_mdo_officer)
    assert client.post(certify, {"service_done_on": TODAY().isoformat()}).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).service_done_by == other_mdo_officer


def test_contract_milestone_without_a_project_stays_with_the_mdo(
    client, directorate_agent, framework, order_3e, mdo_officer
):
    own = services.milestone_create(
        contract=framework, label="Bilan annuel", due_on=TODAY(), by=mdo_officer, amount_ht=order_3e.amount_ht
    )
    client.force_login(directorate_agent)
    assert _deliver(client, own).status_code == 404
    assert Milestone.objects.get(pk=own.pk).status == MilestoneStatus.PENDING
