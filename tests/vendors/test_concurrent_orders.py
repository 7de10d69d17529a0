"""Concurrent orders on PostgreSQL: the row locks keep ceilings, budgets and numbering exact."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from budgets.models import Commitment
from mdo.enums import Role
from tests.factories import make_user, mdo_organisation
from tests.vendors.factories import ProjectFactory, approved_line, make_contract
from vendors import services
from vendors.models import Contract, Invoice, PurchaseOrder

# Skipped before any database set-up on SQLite (no flush of a transactional test for nothing).
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Les verrous de ligne (SELECT … FOR UPDATE) se testent sur PostgreSQL.",
    ),
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]


def _in_parallel(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released together; return each result or exception."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def officer(db):
    return make_user(Role.MDO_OFFICER, mdo_organisation(), username="camille.pg")


def test_concurrent_orders_never_exceed_the_contract_maximum(officer):
    line = approved_line(project=ProjectFactory(), requester=officer, amount_ttc=Decimal("10000000"))
    contract = make_contract(by=officer, max_amount_ht=Decimal("100000"))

    results = _in_parallel(
        10,
        lambda i: services.purchase_order_create(
            contract=contract,
            budget_line=line,
            subject=f"Commande {i}",
            amount_ht=Decimal("20000"),
            issued_on=timezone.localdate(),
            by=officer,
        ),
    )

    created = [r for r in results if isinstance(r, PurchaseOrder)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 5 and len(refused) == 5, results
    assert Contract.objects.get(pk=contract.pk).ordered_ht == Decimal("100000.00")


def test_concurrent_orders_never_exceed_the_line_available_amount(officer):
    line = approved_line(project=ProjectFactory(), requester=officer, amount_ttc=Decimal("36000.00"))
    contract = make_contract(by=officer, max_amount_ht=Decimal("1000000"))

    results = _in_parallel(
        8,
        lambda i: services.purchase_order_create(
            contract=contract,
            budget_line=line,
            subject=f"Commande {i}",
            amount_ht=Decimal("10000"),  # 12 000 TTC
            issued_on=timezone.localdate(),
            by=officer,
        ),
    )

    assert sum(isinstance(r, PurchaseOrder) for r in results) == 3, results
    assert sum(c.amount for c in Commitment.objects.filter(budget_line=line)) == Decimal("36000.00")


def test_concurrent_orders_are_numbered_without_gaps_or_duplicates(officer):
    year = timezone.localdate().year
    lines = [approved_line(project=ProjectFactory(), requester=officer, amount_ttc=Decimal("100000")) for _ in range(3)]
    contracts = [make_contract(by=officer, max_amount_ht=Decimal("1000000")) for _ in range(3)]

    results = _in_parallel(
        12,
        lambda i: services.purchase_order_create(
            contract=contracts[i % 3],
            budget_line=lines[i % 3],
            subject=f"Commande {i}",
            amount_ht=Decimal("100"),
            issued_on=timezone.localdate(),
            by=officer,
        ),
    )

    assert all(isinstance(r, PurchaseOrder) for r in results), results
    numbers = sorted(PurchaseOrder.objects.values_list("number", flat=True))
    assert numbers == [f"BC-{year}-{n:04d}" for n in range(1, 13)]


def test_concurrent_invoices_never_exceed_the_order(officer):
    line = approved_line(project=ProjectFactory(), requester=officer)
    contract = make_contract(by=officer)
    order = services.purchase_order_create(
        contract=contract,
        budget_line=line,
        subject="Études",
        amount_ht=Decimal("9000"),
        issued_on=timezone.localdate(),
        by=officer,
    )

    results = _in_parallel(
        6,
        lambda i: services.invoice_create(
            order=order, number=f"F-{i}", received_on=timezone.localdate(), amount_ht=Decimal("3000"), by=officer
        ),
    )

    assert sum(isinstance(r, Invoice) for r in results) == 3, results
