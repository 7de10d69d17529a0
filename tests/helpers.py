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


def body(response) -> bytes:
    """The bytes a client receives, whether the response was streamed (CSV exports) or not."""
    return b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content


def excel_csv_rows(response_or_bytes) -> list[list[str]]:
    """The cells of a CSV export as French Excel reads it on a double-click.

    Excel takes a file for UTF-8 only when it starts with a BOM and reads it as Windows-1252
    otherwise (so "Émis" would show as "Ã‰mis"); its list separator in a French locale is ``;``.
    """
    import csv
    import io

    content = response_or_bytes if isinstance(response_or_bytes, bytes) else body(response_or_bytes)
    if content.startswith(b"\xef\xbb\xbf"):
        text = content[3:].decode("utf-8")
    else:
        text = content.decode("cp1252", errors="replace")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def picker_choices(client, picker: str, **params) -> list[dict]:
    """The JSON choices of a type-ahead picker (``/choix/<picker>/``) for the signed-in client."""
    from django.urls import reverse

    response = client.get(reverse("picker_options", args=[picker]), params)
    assert response.status_code == 200
    return response.json()["results"]
