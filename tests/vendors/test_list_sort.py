"""The order of the milestones and invoices lists, on a small hand-made set and a pinned clock."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from vendors.models import Invoice, Milestone
from vendors.selectors import invoice_list, milestone_list

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 10)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime.datetime(2027, 3, 10, 10, 0, tzinfo=ZoneInfo("Europe/Paris")), tick=False):
        yield


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def _invoice(order, number, *, due, paid=None, by):
    return Invoice.objects.create(
        number=number,
        order=order,
        received_on=day(-90),
        amount_ht=Decimal("100.00"),
        amount_ttc=Decimal("120.00"),
        due_on=day(due),
        paid_on=day(paid) if paid is not None else None,
        created_by=by,
    )


def _milestone(order, label, *, due, delivered=None, by):
    return Milestone.objects.create(
        contract=order.contract,
        order=order,
        label=label,
        amount_ht=Decimal("100.00"),
        due_on=day(due),
        delivered_on=day(delivered) if delivered is not None else None,
        status="delivered" if delivered is not None else "pending",
        created_by=by,
    )


def test_invoices_unpaid_first_by_due_date_then_the_paid_ones_by_due_date(order_3e, mdo_manager, mdo_officer):
    _invoice(order_3e, "paid-early-due", due=-40, paid=-45, by=mdo_officer)
    _invoice(order_3e, "due-soon", due=5, by=mdo_officer)
    _invoice(order_3e, "late", due=-10, by=mdo_officer)
    _invoice(order_3e, "paid-late", due=-20, paid=-2, by=mdo_officer)
    _invoice(order_3e, "due-later", due=30, by=mdo_officer)
    _invoice(order_3e, "late-same-day", due=-10, by=mdo_officer)  # after "late": same due date, created later
    _invoice(order_3e, "paid-future-due", due=15, paid=-1, by=mdo_officer)

    rows = invoice_list(user=mdo_manager)
    assert [invoice.number for invoice in rows] == [
        "late",
        "late-same-day",
        "due-soon",
        "due-later",
        "paid-early-due",
        "paid-late",
        "paid-future-due",
    ]
    # The sort reads stored columns (the flag and its index), no expression per row.
    sql = str(rows.query).upper()
    assert "CASE" not in sql
    assert sql.endswith(
        'ORDER BY "VENDORS_INVOICE"."IS_PAID" ASC, "VENDORS_INVOICE"."DUE_ON" ASC, "VENDORS_INVOICE"."ID" ASC'
    )
    assert [(i.number, i.is_paid) for i in rows if i.is_paid] == [
        ("paid-early-due", True),
        ("paid-late", True),
        ("paid-future-due", True),
    ]


def test_the_paid_flag_follows_the_payment_date_and_the_database_refuses_a_split(order_3e, mdo_officer):
    invoice = _invoice(order_3e, "F-1", due=5, by=mdo_officer)
    assert invoice.is_paid is False
    invoice.paid_on = day(0)
    invoice.save(update_fields=["paid_on"])  # as the payment service saves it
    assert Invoice.objects.get(pk=invoice.pk).is_paid is True
    Invoice.objects.bulk_create(
        [
            Invoice(
                number="F-2",
                order=order_3e,
                received_on=day(-3),
                amount_ht=Decimal("1.00"),
                amount_ttc=Decimal("1.20"),
                due_on=day(27),
                paid_on=day(-1),
                created_by=mdo_officer,
            )
        ]
    )
    assert Invoice.objects.get(number="F-2").is_paid is True
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(paid_on=None)


def test_the_invoices_sort_has_its_index():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Invoice._meta.db_table)
    assert ["is_paid", "due_on", "id"] in [c["columns"] for c in constraints.values() if c["index"]]


def test_milestones_overdue_first_by_due_date_then_the_others_by_due_date(order_3e, mdo_manager, mdo_officer):
    _milestone(order_3e, "delivered-long-ago", due=-60, delivered=-61, by=mdo_officer)
    _milestone(order_3e, "due-soon", due=3, by=mdo_officer)
    _milestone(order_3e, "overdue", due=-5, by=mdo_officer)
    _milestone(order_3e, "delivered-late", due=-30, delivered=-1, by=mdo_officer)
    _milestone(order_3e, "overdue-older", due=-25, by=mdo_officer)
    _milestone(order_3e, "due-today", due=0, by=mdo_officer)  # not overdue yet: due today
    _milestone(order_3e, "delivered-ahead", due=10, delivered=-3, by=mdo_officer)

    assert [m.label for m in milestone_list(user=mdo_manager)] == [
        "overdue-older",
        "overdue",
        "delivered-long-ago",
        "delivered-late",
        "due-today",
        "due-soon",
        "delivered-ahead",
    ]
