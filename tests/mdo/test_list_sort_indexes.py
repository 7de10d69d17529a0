"""The default sort of the biggest lists is an index of the database, read in order (no sort per page)."""

import pytest
from django.db import connection

from budgets.models import BudgetLine
from vendors.models import Contract, PurchaseOrder


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, columns, orders",
    [
        (PurchaseOrder, ["issued_on", "id"], ["DESC", "DESC"]),
        (Contract, ["starts_on", "reference"], ["DESC", "ASC"]),
        (BudgetLine, ["fiscal_year", "id"], ["DESC", "DESC"]),
    ],
)
def test_the_default_sort_of_a_list_has_its_index(model, columns, orders):
    # The index follows the list's default sort (the model's ordering, "pk" being the "id" column).
    ordering = [field.replace("pk", "id") for field in model._meta.ordering]
    assert ordering == [("-" if order == "DESC" else "") + name for name, order in zip(columns, orders, strict=True)]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    indexes = [(c["columns"], c.get("orders")) for c in constraints.values() if c["index"]]
    assert (columns, orders) in indexes
