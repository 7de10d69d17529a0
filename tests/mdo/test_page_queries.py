"""The cost of each main page in SQL queries: at most 12, and the same at two sizes of data.

The demo set is built, every list, dashboard, inbox and detail page is counted for the accounts that
use it, then a slice of the mandate-size set is added (``seed_demo --size large`` at a small scale:
more projects, budget lines, orders, milestones, invoices, meetings) and every page is counted again.
"""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mdo.models import User

MAX_QUERIES = 12

LISTS = [
    "/projects/",
    "/projects/?late=on",
    "/budgets/",
    "/organisations/",
    "/vendors/",
    "/vendors/contracts/",
    "/vendors/orders/",
    "/vendors/milestones/",
    "/vendors/milestones/to-certify/",
    "/vendors/invoices/",
    "/meetings/",
    "/meetings/decisions/",
    "/consultations/",
    "/ressources/",
]
#: Every role's dashboard and inbox.
PERSONAL = ["/", "/tasks/"]
ACCOUNTS = ["mdo.officer", "mdo.manager", "mairie3.agent", "dev.agent", "direction", "admin"]


def _detail_urls() -> list[str]:
    from projects.models import Project
    from vendors.models import Contract

    project = Project.objects.order_by("pk").first()
    contract = Contract.objects.order_by("pk").first()
    return [project.get_absolute_url(), contract.get_absolute_url()]


def _count_all(pages: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    counts, clients = {}, {}
    for username, url in pages:
        client = clients.get(username)
        if client is None:
            client = clients[username] = Client()
            client.force_login(User.objects.get(username=username))
        client.get(url)  # the first visit fills the per-process caches (roles' groups, templates)
        cache.clear()  # the navigation badge's count is counted too (one query, cached briefly)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        assert response.status_code == 200, (username, url, response.status_code)
        counts[username, url] = len(ctx.captured_queries)
    return counts


@pytest.mark.django_db
def test_main_pages_cost_at_most_12_queries_whatever_the_volume():
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    pages = [("mdo.manager", url) for url in LISTS + _detail_urls()]
    pages += [(username, url) for username in ACCOUNTS for url in PERSONAL]
    small = _count_all(pages)

    # The command sets the scale itself (a patched module constant would be overwritten by its default).
    call_command("seed_demo", size="large", scale=0.03, quiet_logins=True, stdout=io.StringIO())
    large = _count_all(pages)

    too_many = {page: n for page, n in large.items() if n > MAX_QUERIES}
    grew = {page: (small[page], n) for page, n in large.items() if n != small[page]}
    assert not too_many and not grew, (
        f"plus de {MAX_QUERIES} requêtes : {too_many} ; le nombre de requêtes croît avec les données : {grew}"
    )
