"""Headers of every page: Content-Security-Policy, Permissions-Policy, and no caching of what a user sees."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.meetings.factories import make_meeting
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


class _InlineCodeParser(HTMLParser):
    """Collects what a ``default-src 'self'`` policy would block: inline scripts, styles and handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.found.append("<script> inline")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str) -> list[str]:
    parser = _InlineCodeParser()
    parser.feed(html)
    return parser.found


def test_csp_refuses_everything_not_from_the_site(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_anonymous_login_page_has_the_headers_and_no_inline_code(client):
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" in response
    assert "camera=()" in response["Permissions-Policy"]
    assert inline_code(response.content.decode()) == []


def test_pages_of_a_signed_in_user_are_neither_stored_nor_shared(client, mdo_officer):
    project = ProjectFactory(progress=40)
    meeting = make_meeting(mdo_officer)
    client.force_login(mdo_officer)
    pages = [
        reverse("dashboard"),
        reverse("tasks"),
        reverse("projects:index"),
        project.get_absolute_url(),
        reverse("budgets:summary"),
        reverse("vendors:index"),
        meeting.get_absolute_url(),
        reverse("meetings:calendar_month"),
        reverse("meetings:my_calendar"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control, (url, cache_control)
        assert "public" not in cache_control
        assert "Content-Security-Policy" in response and "Permissions-Policy" in response, url
        assert inline_code(response.content.decode()) == [], url


def test_progress_bars_keep_their_width_without_inline_style(client, mdo_officer):
    project = ProjectFactory(progress=40)
    client.force_login(mdo_officer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'class="progress-bar w-pct-40"' in page
    css = Path(finders.find("mdo/app.css")).read_text()
    assert re.search(r"\.w-pct-40 \{ width: 40%; \}", css)
