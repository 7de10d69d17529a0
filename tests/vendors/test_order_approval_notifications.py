"""An order waiting for approval is a « nouvelle tâche » in the approvers' notifications, as the other
tasks are: the Responsables MDO first, then the Direction above the higher threshold, never its issuer."""

from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import BudgetSettings
from mdo.enums import Role
from mdo.models import User
from notifications.models import Notification
from tests.factories import make_user, mdo_organisation
from tests.vendors.factories import make_contract
from vendors.models import PurchaseOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def thresholds(db):
    settings = BudgetSettings.load()
    settings.order_threshold_ht, settings.order_director_threshold_ht = Decimal("30000"), Decimal("100000")
    settings.save()
    return settings


def _issue(client, by, line, amount, captured) -> PurchaseOrder:
    contract = make_contract(by=by, max_amount_ht=Decimal("500000"))
    client.force_login(by)
    with captured(execute=True):
        response = client.post(
            f"/vendors/contracts/{contract.pk}/orders/new/",
            {
                "budget_line": line.pk,
                "subject": "Mobilier",
                "amount_ht": amount,
                "issued_on": timezone.localdate().strftime("%Y-%m-%d"),
            },
        )
    assert response.status_code == 302
    return PurchaseOrder.objects.order_by("-pk").first()


def _told(kind="task") -> dict[str, list[str]]:
    told: dict[str, list[str]] = {}
    for notification in Notification.objects.filter(kind=kind).select_related("recipient").order_by("pk"):
        told.setdefault(notification.recipient.username, []).append(notification.verb)
    return told


def test_the_manager_then_the_direction_are_told_of_their_approval_task(
    client, mdo_officer, mdo_manager, director, outsider, thresholds, line_3e, django_capture_on_commit_callbacks
):
    order = _issue(client, mdo_officer, line_3e, "150000", django_capture_on_commit_callbacks)
    assert _told() == {
        "nadia": ["Nouvelle tâche pour vous ou votre équipe : Validation du bon de commande par la Responsable MDO"]
    }
    notification = Notification.objects.get(recipient=mdo_manager)
    assert notification.target == order and notification.url == order.get_absolute_url()

    client.force_login(mdo_manager)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/vendors/orders/{order.pk}/approval/", {"outcome": "approved"}).status_code == 302
    told = _told()
    assert told["helene"] == [
        "Nouvelle tâche pour vous ou votre équipe : Validation du bon de commande par la Direction"
    ]
    assert len(told["nadia"]) == 1 and set(told) == {"nadia", "helene"}  # not the issuer, nor the outsider


def test_a_manager_who_issued_the_order_is_not_told_of_its_approval(
    client, mdo_manager, thresholds, line_3e, django_capture_on_commit_callbacks
):
    other = make_user(Role.MDO_MANAGER, mdo_organisation(), username="ines")
    _issue(client, mdo_manager, line_3e, "40000", django_capture_on_commit_callbacks)
    assert set(_told()) == {"ines"} and User.objects.get(username="nadia") == mdo_manager
    assert other.notifications.count() == 1


# --- the decisions, told to the order's issuer ------------------------------------------------------


def _decide(client, user, order, captured, **data):
    client.force_login(user)
    with captured(execute=True):
        assert client.post(f"/vendors/orders/{order.pk}/approval/", data).status_code == 302


def test_each_decision_on_an_order_is_told_to_its_issuer_with_a_link_to_it(
    client, mdo_officer, mdo_manager, director, thresholds, line_3e, django_capture_on_commit_callbacks
):
    order = _issue(client, mdo_officer, line_3e, "150000", django_capture_on_commit_callbacks)
    assert _told("decision") == {}
    _decide(client, mdo_manager, order, django_capture_on_commit_callbacks, outcome="approved")
    approved = Notification.objects.get(kind="decision")
    assert approved.recipient == mdo_officer and approved.actor == mdo_manager
    assert approved.verb == "Validation du bon de commande par la Responsable MDO : validé sur votre bon de commande"
    assert approved.target == order and approved.url == order.get_absolute_url()
    assert approved.target_label == str(order)

    _decide(
        client, director, order, django_capture_on_commit_callbacks, outcome="refused", comment="Hors enveloppe 2026"
    )
    assert _told("decision") == {
        "camille": [
            "Validation du bon de commande par la Responsable MDO : validé sur votre bon de commande",
            "Validation du bon de commande par la Direction : refusé sur votre bon de commande"
            " (motif : Hors enveloppe 2026)",
        ]
    }
    order.refresh_from_db()
    assert order.status == "refused"
    client.force_login(mdo_officer)
    page = client.get("/notifications/").content.decode()
    assert "Hors enveloppe 2026" in page and f'href="{order.get_absolute_url()}"' in page


def test_the_issuer_who_chose_it_gets_the_decision_by_e_mail_in_the_outbox(
    client, mdo_officer, mdo_manager, thresholds, line_3e, mailoutbox, django_capture_on_commit_callbacks
):
    from django.conf import settings as django_settings

    from notifications.models import NotificationPreference

    NotificationPreference.objects.create(user=mdo_officer, kind="decision", channel="email")
    order = _issue(client, mdo_officer, line_3e, "40000", django_capture_on_commit_callbacks)
    mailoutbox.clear()
    _decide(client, mdo_manager, order, django_capture_on_commit_callbacks, outcome="refused", comment="Doublon")
    told = [m for m in mailoutbox if m.to == [mdo_officer.email]]
    assert [m.subject for m in told] == [
        "[MDO Pilotage] Validation du bon de commande par la Responsable MDO : refusé sur votre bon de commande"
        " (motif : Doublon)"
    ]
    assert django_settings.SITE_URL + order.get_absolute_url() in told[0].body
    assert Notification.objects.get(kind="decision").emailed


def test_an_issuer_who_may_no_longer_see_the_order_is_not_told_of_its_decision(
    client, mdo_officer, mdo_manager, thresholds, line_3e, django_capture_on_commit_callbacks
):
    from mdo.roles import role_group
    from tests.factories import town_hall

    order = _issue(client, mdo_officer, line_3e, "40000", django_capture_on_commit_callbacks)
    # Moved since to a town hall of another district, which sees nothing of the 3rd's orders.
    mdo_officer.groups.set([role_group(Role.TOWN_HALL_AGENT)])
    mdo_officer.organisation = town_hall(5)
    mdo_officer.save()
    _decide(client, mdo_manager, order, django_capture_on_commit_callbacks, outcome="approved")
    order.refresh_from_db()
    assert order.status == "issued" and order.decisions.count() == 1
    assert not Notification.objects.filter(kind="decision").exists()
