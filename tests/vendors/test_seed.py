import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from stdnum.fr import siret

from vendors.enums import ContractKind, MilestoneStatus
from vendors.models import Contract, Invoice, Milestone, PurchaseOrder, Vendor

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(model.objects.count() for model in (Vendor, Contract, PurchaseOrder, Milestone, Invoice))


def test_demo_seed_covers_every_state_and_is_idempotent():
    call_command("seed_demo", stdout=io.StringIO(), quiet_logins=True)
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO(), quiet_logins=True)
    assert _counts() == first
    today = timezone.localdate()
    assert all(siret.is_valid(number) for number in Vendor.objects.values_list("siret", flat=True))
    kinds = set(Contract.objects.values_list("kind", flat=True))
    assert {ContractKind.AMO, ContractKind.FRAMEWORK_ORDERS, ContractKind.FRAMEWORK, ContractKind.SUBSEQUENT} <= kinds
    assert PurchaseOrder.objects.exists()
    # An order waiting for its approval in the manager's inbox, and a penalty letter awaiting observations.
    from mdo.models import User as DemoUser
    from vendors.dashboard import order_task_items
    from vendors.enums import OrderStatus

    waiting = PurchaseOrder.objects.get(status=OrderStatus.AWAITING_APPROVAL)
    assert [item.url for item in order_task_items(DemoUser.objects.get(username="mdo.manager"))] == [
        waiting.get_absolute_url() + "#validation"
    ]
    notified = Milestone.objects.get(penalty_notice_sent_on__isnull=False)
    assert notified.penalty_notice_amount == Decimal("1800.00") and not notified.penalty_decision
    assert any(m.is_late for m in Milestone.objects.filter(delivered_on__isnull=True))
    assert Milestone.objects.filter(status=MilestoneStatus.DELIVERED).exists()
    unpaid = Invoice.objects.filter(paid_on__isnull=True)
    assert any(i.is_late for i in unpaid)
    assert any(0 <= (i.due_on - today).days <= 10 for i in unpaid)
    # town halls see something of theirs
    from mdo import access
    from mdo.models import User

    assert access.visible(User.objects.get(username="mairie3.agent"), PurchaseOrder).exists()
