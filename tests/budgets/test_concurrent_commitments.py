"""N parallel commitments on one line never exceed its amount (PostgreSQL row locks)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from budgets import services
from budgets.models import BudgetLine
from tests.budgets.factories import approved_line

pytestmark = pytest.mark.postgres_only
THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_commitments_never_exceed_the_line(mdo_officer, mdo_manager):
    if connection.vendor != "postgresql":
        pytest.skip("Les verrous de ligne (SELECT … FOR UPDATE) ne se vérifient que sur PostgreSQL.")
    line = approved_line(mdo_officer, mdo_manager, amount_ht="1000.00")  # 1 200,00 TTC: room for 3 × 400
    barrier = threading.Barrier(THREADS)
    results: list[str] = []

    def commit():
        try:
            barrier.wait()
            services.commitment_create(
                budget_line=BudgetLine(pk=line.pk),
                amount=Decimal("400.00"),
                committed_on=datetime.date(2026, 11, 28),
                by=mdo_manager,
            )
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 3 and results.count("refused") == THREADS - 3
    assert sum(c.amount for c in line.commitments.all()) == Decimal("1200.00")
    assert BudgetLine.objects.get(pk=line.pk).available == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_exceed_the_commitment(mdo_officer, mdo_manager):
    if connection.vendor != "postgresql":
        pytest.skip("Les verrous de ligne (SELECT … FOR UPDATE) ne se vérifient que sur PostgreSQL.")
    line = approved_line(mdo_officer, mdo_manager, amount_ht="1000.00")
    commitment = services.commitment_create(
        budget_line=line, amount=Decimal("500"), committed_on=datetime.date(2026, 11, 2), by=mdo_manager
    )
    barrier = threading.Barrier(THREADS)
    results: list[str] = []

    def pay(index):
        try:
            barrier.wait()
            services.payment_create(
                commitment=commitment,
                amount=Decimal("200"),
                paid_on=datetime.date(2026, 11, 28),
                reference=f"M{index}",
                by=mdo_manager,
            )
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 2
    assert sum(p.amount for p in commitment.payments.all()) == Decimal("400.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_on_one_task_record_a_single_decision(mdo_officer, mdo_manager):
    if connection.vendor != "postgresql":
        pytest.skip("Les verrous de ligne (SELECT … FOR UPDATE) ne se vérifient que sur PostgreSQL.")
    from budgets.enums import ApprovalStep, BudgetLineStatus
    from budgets.models import BudgetDecision
    from mdo.enums import Role
    from tests.budgets.factories import open_task, submitted_line
    from tests.factories import make_user, mdo_organisation

    managers = [mdo_manager] + [make_user(Role.MDO_MANAGER, mdo_organisation(), username=f"resp{i}") for i in range(3)]
    line = submitted_line(mdo_officer)
    task = open_task(line)
    barrier = threading.Barrier(len(managers))
    results: list[str] = []

    def approve(manager):
        try:
            barrier.wait()
            services.approval_task_decide(task=task, by=manager, outcome="approved")
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(manager,)) for manager in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1 and results.count("refused") == len(managers) - 1
    assert BudgetDecision.objects.filter(budget_line=line, step=ApprovalStep.MANAGER_REVIEW).count() == 1
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.APPROVED
