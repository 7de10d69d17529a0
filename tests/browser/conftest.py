"""Browser tests: Playwright for Python driving Debian's Chromium against pytest-django's live server.

No browser is downloaded: Chromium comes from Debian (``make system-deps``) and axe-core from
the npm registry (``package.json``), injected into each page for the accessibility check.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"

# Playwright's sync API runs an event loop in this thread; the test code's ORM calls are still
# synchronous and safe, so Django's async guard is lifted for the browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# CI runs the suite on two cores beside PostgreSQL: a POST and its redirect can take longer than expect's
# default 5 s there, so expectations wait as long as the page's own actions do (set_default_timeout below).
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium introuvable à {CHROMIUM} : lancez `make system-deps`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.DEBUG = True  # static files served by whitenoise's finders, as under `make run`
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 900})
    # axe-core is injected by the browser itself on each page: an inline <script> tag would be (rightly)
    # refused by the Content-Security-Policy.
    context.add_init_script(path=str(AXE_SCRIPT))
    page = context.new_page()
    page.set_default_timeout(15_000)
    csp_violations = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(f"{page.url}: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    # Irreversible steps ask for a confirmation (data-confirm): the journeys answer yes, and the
    # questions asked are kept on ``page.dialogs`` for the tests that check them.
    page.dialogs = []

    def answer(dialog):
        page.dialogs.append((dialog.type, dialog.message))
        dialog.accept()

    page.on("dialog", answer)
    yield page
    context.close()
    assert not csp_violations, "Bloqué par la Content-Security-Policy :\n" + "\n".join(csp_violations)


def login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page) -> None:
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; fail on any serious or critical violation."""
    # A click that leads to another page returns before that page is there: axe may start on the document
    # being left and lose it midway. Then it runs again once the next page has loaded.
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            result = page.evaluate(
                """async () => await axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                    resultTypes: ['violations'],
                })"""
            )
            break
        except PlaywrightError as error:
            left = "documentElement" in str(error) or "Execution context was destroyed" in str(error)
            if not left or attempt == 2:
                raise
            page.wait_for_timeout(250)
    blocking = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in blocking
    )
    assert not blocking, f"Violations d'accessibilité sur {page.url} :\n{details}"
