"""seed_demo's budgets part: every state, real tasks in the demo users' inboxes, idempotent; bench pages."""

import io

import pytest
from django.test import Client

from budgets import seed
from budgets.enums import BudgetLineStatus
from budgets.models import BudgetLine, Commitment, Payment
from budgets.selectors import task_count_for_user
from mdo.models import User
from mdo.registry import registry
from mdo.seed import seed_core

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    seed_core(size="demo", stdout=io.StringIO())
    seed.seed_budgets(size="demo", stdout=io.StringIO())


def test_demo_has_every_state_open_tasks_in_the_demo_inboxes_and_is_idempotent(demo):
    assert set(BudgetLine.objects.values_list("status", flat=True)) == set(BudgetLineStatus.values)
    assert Commitment.objects.exists() and Payment.objects.exists()
    assert BudgetLine.objects.filter(project__isnull=True).exists()  # city lines without project

    def count(username):
        return task_count_for_user(User.objects.get(username=username))

    assert count("mdo.manager") >= 3
    assert count("direction") >= 2
    assert count("mairie3.agent") == 1
    assert count("mdo.officer") == 1  # a line sent back for changes
    assert count("mairie5.agent") == 0

    before = (BudgetLine.objects.count(), Commitment.objects.count(), Payment.objects.count())
    seed.seed_budgets(size="demo", stdout=io.StringIO())
    assert (BudgetLine.objects.count(), Commitment.objects.count(), Payment.objects.count()) == before


def test_large_size_fills_up_to_the_target_in_bulk(demo, monkeypatch):
    monkeypatch.setattr(seed, "LARGE_LINE_COUNT", 60)  # the real 12,000 is for bench, not tests
    seed.seed_budgets(size="large", stdout=io.StringIO())
    assert BudgetLine.objects.count() == 60
    seed.seed_budgets(size="large", stdout=io.StringIO())
    assert BudgetLine.objects.count() == 60


def test_bench_pages_answer(demo, settings):
    pages = [page for page in registry.bench if page.label in ("Lignes budgétaires", "Synthèse budgétaire")]
    assert len(pages) == 2
    manager, admin = Client(), Client()
    manager.force_login(User.objects.get(username="mdo.manager"))
    admin.force_login(User.objects.get(username="admin"))
    for page in pages:
        assert manager.get(page.url()).status_code == 200
        assert admin.get(page.admin_url()).status_code == 200
