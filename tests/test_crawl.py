"""Safety net across the whole product: every demo user crawls the links they are shown.

The demo data is built once (seed_demo takes ~20 s); then, for each demo account, a breadth-first
crawl starts at the dashboard and follows every same-site link of every HTML page. A link shown to
someone must open for them: a 404 (or 403, 405) behind a link on their own pages is a defect, and a
500 always is. Each list's CSV export and each PDF link are fetched once.
"""

import io
import re
from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import parse_qs, urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from mdo.models import User
from tests.mdo.test_security_headers import inline_code

DEMO_USERS = ["mdo.officer", "mdo.manager", "mairie3.agent", "mairie5.agent", "dev.agent", "direction", "admin"]
PAGES_PER_USER = 100
#: Detail pages of one kind (same path once digits are masked) visited per user: enough to meet
#: objects in different states without crawling every project of the demo.
PER_SHAPE = 3
SKIPPED_PREFIXES = ("/accounts/logout/", "/admin/", "/static/", "/media/")


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            # "?…" links (sorting, pagination, exports) stay on the page they are found on.
            if href.startswith(("/", "?")) and not href.startswith("//"):
                self.links.append(urldefrag(href)[0])


def _links(html: str, base: str) -> list[str]:
    parser = _LinkParser()
    parser.feed(html)
    return [urljoin(base, link) for link in parser.links]


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _crawl(client: Client, files_seen: set) -> tuple[int, list[str]]:
    """Visit what the user is shown; return (pages visited, defects).

    Files (each list's CSV export, each kind of PDF) are slow to build and read through the same
    scope as their page: ``files_seen`` makes them fetched once for the whole crawl, not per user.
    """
    defects = []
    seen_paths = set()
    per_shape = defaultdict(int)
    queue = deque([("/", "(départ)")])
    visited = 0
    while queue and visited < PAGES_PER_USER:
        url, referer = queue.popleft()
        split = urlsplit(url)
        path, query = split.path, parse_qs(split.query)
        if path.startswith(SKIPPED_PREFIXES):
            continue
        if "_export" in query or path.endswith(".pdf"):
            key = (path, "csv") if "_export" in query else _shape(path)
            if query.get("_export") != ["csv"] and "_export" in query or key in files_seen:
                continue
            files_seen.add(key)
        else:
            # Sort, filter and pagination links are the same page: one visit per path.
            if path in seen_paths or per_shape[_shape(path)] >= PER_SHAPE:
                continue
            seen_paths.add(path)
            per_shape[_shape(path)] += 1
        response = client.get(url)
        visited += 1
        if response.status_code not in (200, 302):
            defects.append(f"{url} → {response.status_code} (lien vu sur {referer})")
            continue
        if response.status_code == 302:
            if response["Location"].startswith("/accounts/login/"):
                # Signed in, yet sent to the login page: a permission refusal in disguise.
                defects.append(f"{url} → connexion demandée (lien vu sur {referer})")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            # The Content-Security-Policy would block inline code: none may be left on any page.
            defects += [f"{url} : {found} (bloqué par la CSP)" for found in inline_code(response.content.decode())]
            for link in _links(response.content.decode(), url):
                queue.append((link, url))
    return visited, defects


@pytest.mark.django_db
def test_every_link_shown_to_each_demo_user_opens_for_them(settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    summary, defects, files_seen = {}, [], set()
    for username in DEMO_USERS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        visited, found = _crawl(client, files_seen)
        summary[username] = visited
        defects += [f"{username}: {defect}" for defect in found]
    print("\nPages visitées par compte : " + ", ".join(f"{user} {n}" for user, n in summary.items()))
    assert all(n > 10 for n in summary.values()), summary
    assert not defects, "Liens cassés :\n" + "\n".join(defects)
