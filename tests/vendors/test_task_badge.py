"""The navigation's « Mes tâches » badge: one query for every task source, kept briefly per user."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from mdo import inbox
from mdo.registry import registry
from vendors import services

pytestmark = pytest.mark.django_db


def badge(response) -> str:
    page = response.content.decode()
    start = page.index('data-testid="task-count">') + len('data-testid="task-count">')
    return page[start : page.index("<", start)].strip()


@pytest.fixture
def delivered(order_3e, mdo_officer):
    milestone = services.milestone_create(
        order=order_3e, label="Rapport", due_on=timezone.localdate(), amount_ht=Decimal("100"), by=mdo_officer
    )
    return services.milestone_deliver(milestone=milestone, delivered_on=timezone.localdate(), by=mdo_officer)


def test_the_count_of_every_source_is_one_query_and_equals_their_own_counts(
    other_mdo_officer, delivered, django_assert_num_queries
):
    other_mdo_officer.roles  # the roles are read once per request, whatever counts them  # noqa: B018
    expected = sum(source.count(other_mdo_officer) for source in registry.tasks)
    assert expected == 1
    with django_assert_num_queries(1):
        assert inbox.count_in_sql(other_mdo_officer) == expected


def test_the_badge_is_kept_per_user_until_something_changes(
    client, settings, other_mdo_officer, mdo_officer, delivered, order_3e, django_assert_max_num_queries
):
    settings.TASK_COUNT_CACHE_SECONDS = 30
    client.force_login(other_mdo_officer)
    first = client.get("/organisations/")
    assert badge(first) == "1"
    counted = len([q for q in _queries(client, "/organisations/") if "UNION" in q["sql"]])
    assert counted == 0  # the second page reads the kept count

    second = services.milestone_create(
        order=order_3e, label="Bilan", due_on=timezone.localdate(), amount_ht=Decimal("100"), by=mdo_officer
    )
    services.milestone_deliver(
        milestone=second, delivered_on=timezone.localdate() - datetime.timedelta(days=1), by=mdo_officer
    )
    assert badge(client.get("/organisations/")) == "2"  # a save refreshes every user's count


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return ctx.captured_queries
