"""Shared test helpers."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    return len(ctx.captured_queries)


def assert_constant_queries(client, url: str, grow) -> int:
    """The query-count guard: the page costs as many queries after ``grow()`` added rows as before.

    Returns the count, so that the caller can also pin it with ``django_assert_max_num_queries``.
    """
    before = count_queries(client, url)
    grow()
    after = count_queries(client, url)
    assert after == before, f"{url}: {before} requêtes avant, {after} après l'ajout de données"
    return after
