"""Every page of the app at 390 px (a phone) and 1366 px (a desktop), as each role's demo account: the page
itself never scrolls sideways (a wide table scrolls inside its own frame, a long word breaks).

The pages are not listed by hand: every GET pattern of ``get_resolver()`` is opened, its parameters filled
with the first record the account may see, so that a new page is checked without being added here. Only the
files (PDF, CSV, ICS, JSON), Django's admin and the pages of someone signed out are left out, in
:data:`LEFT_OUT` with their reason. One browser context per account, one page load per page (the window is
resized, not reloaded). A failure names the page, the width and what sticks out first. Screenshots of the
failures in ``test-artifacts/every-<account>-<page>-<width>.png`` (of every page with ``MDO_SCREENSHOTS=1``).
"""

import io
import os
import time

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from indicators.themes import THEMES
from mdo import access, help
from mdo.models import User
from mdo.seed import DEMO_PASSWORD
from tests.browser.conftest import login, screenshot
from tests.mdo.test_no_role_walk import all_patterns
from tests.mdo.test_post_walk import NESTED, PARENT, _methods, _model_of

pytestmark = pytest.mark.django_db(transaction=True)

#: One demo account per role (the 5th's agent has the 3rd's role).
ACCOUNTS = ["mdo.manager", "mairie3.agent", "mdo.officer", "dev.agent", "direction", "admin"]
#: The accounts that open every page they may: the MDO sees every record and every button, a town hall its
#: district's only. The other accounts open the pages that hold what is theirs (their dashboard, their tasks)
#: and the pages no account before them could open: the same page with the same record is not loaded six
#: times (the walk stays within CI's time).
FULL_WALK = {"mdo.manager", "mairie3.agent"}
EVERY_ACCOUNT = {
    "dashboard",
    "tasks",
    "notifications:list",
    "meetings:my_actions",
    "meetings:my_calendar",
    "user_detail",
}
WIDTHS = (390, 1366)

#: GET patterns not opened, with the reason.
LEFT_OUT = {
    "healthz": "une réponse texte pour la supervision",
    "picker_options": "les choix des listes déroulantes, en JSON",
    "job_status": "l'état d'un traitement, en JSON",
    "job_download": "le fichier d'un traitement",
    "indicators:dashboard_chart": "un graphique du tableau de bord, en SVG, PNG ou CSV",
    "consultations:resource_download": "le fichier d'une ressource",
    "projects:attachment": "le fichier joint à un projet",
    "oidc_authentication_init": "redirige vers le fournisseur d'identité de la ville",
    "oidc_authentication_callback": "le retour du fournisseur d'identité",
    "password_reset_confirm": "le lien reçu par courriel, signé : ses deux pages sœurs sont vérifiées",
}
#: Pages of someone signed out: opened before signing in (a refused sign-in answers 403, with its page).
SIGNED_OUT = {"login", "sign_in_failed", "password_reset", "password_reset_done", "password_reset_complete"}
#: Pages whose answer is a refusal (403) with its page.
REFUSAL_PAGES = {"sign_in_failed"}
#: Files, whatever their name: not pages.
FILE_SUFFIXES = (".pdf", ".csv", ".ics", ".json")
#: The query string a page needs to show something (the search shows nothing without a question).
QUERY = {"search": "?q=parc"}
#: The model of a URL's ``pk`` that :func:`tests.mdo.test_post_walk._model_of` does not tell.
PK_MODEL = {
    "job_detail": "mdo.job",
    "meetings:series_manage": "meetings.meetingseries",
    "budgets:task_detail": "viewflow.task",
    "budgets:opinion_correct": "budgets.budgetdecision",
}
#: The state a record must be in for its page to open (an edit page while the next step has not started).
STATE = {
    "budgets:task_detail": {"status__in": ["NEW", "ASSIGNED"], "process__budgetapproval__isnull": False},
    "projects:task": {"status__in": ["NEW", "ASSIGNED"], "process__feasibilityreview__isnull": False},
    **{
        f"meetings:{name}": {"meeting__minutes__status__in": ["draft", "review"]}
        for name in ("decision_edit", "action_edit")
    },
    "meetings:comment_edit": {"minutes__status": "review"},
    **{f"consultations:{name}": {"versions__status": "draft"} for name in ("question_add", "question_edit")},
    "budgets:opinion_correct": {"step": "town_hall_opinion", "budget_line__status": "submitted"},
    "projects:task_correct": {"status": "DONE", "process__feasibilityreview__decided_at__isnull": True},
}
#: Pages of a record that belongs to one account among those who see it (a task to its role, an opinion to its
#: author): the first few candidates are tried, in order, until one opens.
CANDIDATES = 3
#: The state of a URL's second record.
CHILD_STATE = {"entry_pk": {"kind": "comment"}, "question_pk": {"version__status": "draft"}}
#: Pages that no account opens on the demo data (the record they need is not there), with the reason.
NOT_IN_DEMO = {
    **{
        f"meetings:{name}": "aucun compte rendu en brouillon ou en relecture, avec décisions, actions ou commentaires"
        for name in ("decision_edit", "action_edit", "comment_edit")
    },
    "job_detail": "aucun traitement (export, bilan) lancé dans la démonstration",
    "consultations:question_add": "aucun questionnaire en brouillon dans la démonstration",
    "consultations:question_edit": "aucun questionnaire en brouillon dans la démonstration",
    "projects:task_correct": "aucune réponse de direction en attente de la décision de la MDO",
    "budgets:opinion_correct": "aucun avis de mairie sur une ligne encore soumise, de l'auteur du compte",
}

#: The first element, in document order, whose right edge passes the window and which is not inside a frame
#: that scrolls by itself (what makes the page scroll), and the widest element of the page, with their widths.
_CULPRIT = """() => {
    const scrolls = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ' « ' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50) + ' »'
        + ' (' + Math.round(el.getBoundingClientRect().width) + ' px, bord droit à '
        + Math.round(el.getBoundingClientRect().right) + ' px)';
    let first = null, widest = null;
    for (const el of document.body.querySelectorAll('*')) {
        const box = el.getBoundingClientRect();
        if (box.right <= window.innerWidth + 0.5) continue;
        let inside = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (scrolls(up)) { inside = true; break; }
        }
        if (inside) continue;
        first = first || el;
        if (!widest || box.width > widest.getBoundingClientRect().width) widest = el;
    }
    return first ? 'dépasse d\\'abord : ' + name(first) + ' ; le plus large : ' + name(widest) : '?';
}"""


def _in_scope(label, user):
    """The rows of ``label`` that ``user`` may see (through their parent when they have no scope of their own)."""
    model = apps.get_model(label)
    try:
        return access.visible(user, model)
    except ImproperlyConfigured:
        if label not in PARENT:
            return model._default_manager.all()
        parent, path = PARENT[label]
        return model._default_manager.filter(**{f"{path}__in": _in_scope(parent, user)})


def _declared(entry):
    view = entry.callback
    return getattr(view, "policy_action", None) or getattr(getattr(view, "view_class", None), "policy_action", None)


def get_pages():
    """(url name, keys, declared policy action) of every GET pattern that is a page of the app."""
    pages = []
    for name, pieces, entry in all_patterns():
        if name is None or name.startswith("admin:") or name in LEFT_OUT:
            continue  # Django's admin keeps its own (responsive) look
        methods = _methods(entry.callback)
        if methods is not None and "GET" not in methods:
            continue
        if str(pieces[-1]).endswith(FILE_SUFFIXES):
            continue
        keys = list(entry.pattern.converters) or list(entry.pattern.regex.groupindex)
        if any(name == seen for seen, _, _ in pages):
            continue  # the same name twice (our login before django.contrib.auth's)
        pages.append((name, keys, _declared(entry)))
    return pages


def _urls(name, keys, declared, user):
    """The addresses of page ``name`` for ``user``, in groups: every group is checked, on the first of its
    candidates that opens. One group per help section and theme, else one, with the first records in scope;
    none when the demo holds no record of it in the user's scope."""
    if not keys:
        return [[reverse(name) + QUERY.get(name, "")]]
    if keys == ["slug"]:
        return [[reverse(name, kwargs={"slug": section.slug})] for section in help.SECTIONS]
    if keys == ["key"]:
        return [[reverse(name, kwargs={"key": key})] for key in THEMES]
    main = next(key for key in ("pk", "task_pk", "project_pk") if key in keys)
    if main == "task_pk":
        label = "viewflow.task"
    elif main == "project_pk":
        label = "projects.project"
    else:
        label = PK_MODEL.get(name) or _model_of(name, declared)
    rows = _in_scope(label, user).filter(**STATE.get(name, {}))
    if label == "viewflow.task":
        rows = apps.get_model(label).objects.filter(**STATE.get(name, {}))
        rows = rows.filter(process__feasibilityreview__project__in=_in_scope("projects.project", user)) | rows.filter(
            process__budgetapproval__budget_line__in=_in_scope("budgets.budgetline", user)
        )
    candidates = []
    nested = [key for key in keys if key in NESTED]
    if nested:
        child_label, path = NESTED[nested[0]]
        children = apps.get_model(child_label).objects.filter(**{f"{path}__in": rows}, **CHILD_STATE.get(nested[0], {}))
        if nested[0] == "entry_pk":
            children = children.filter(author=user)  # a comment is corrected by its author
        for child_pk, parent_pk in children.order_by("pk").values_list("pk", path)[:CANDIDATES]:
            candidates.append({nested[0]: child_pk, main: parent_pk})
    else:
        candidates = [{main: pk} for pk in rows.order_by("pk").values_list("pk", flat=True)[:CANDIDATES]]
    for kwargs in candidates:
        if "number" in keys:
            versions = apps.get_model("consultations.questionnaireversion").objects.filter(consultation=kwargs["pk"])
            kwargs["number"] = versions.order_by("number").values_list("number", flat=True).first() or 1
        missing = set(keys) - set(kwargs)
        assert not missing, f"{name} : ajoutez ici comment remplir {missing}"
    return [[reverse(name, kwargs=kwargs) for kwargs in candidates]] if candidates else []


def _short(path: str) -> str:
    return path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "accueil"


def _check(page, account, path, overflowing, keep):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        page_width, view_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if page_width > view_width:
            culprit = page.evaluate(_CULPRIT)
            overflowing.append(f"{account} {path} à {width} px : la page fait {page_width} px de large, {culprit}")
            screenshot(page, f"every-{account}-{_short(path)}-{width}")
        elif keep:
            screenshot(page, f"every-{account}-{_short(path)}-{width}")


@pytest.fixture
def new_context(browser, live_server, settings):
    """Browser contexts at 1366 px on the live server, each closed at the end; a Content-Security-Policy
    violation on any page fails the test (as with the ``page`` fixture, without axe: nothing is audited here)."""
    settings.DEBUG = True  # static files served by whitenoise's finders, as under `make run`
    contexts, violations = [], []

    def new():
        context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 844})
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        page.on("dialog", lambda dialog: dialog.dismiss())
        contexts.append(context)
        return page

    yield new
    for context in contexts:
        context.close()
    assert not violations, "Bloqué par la Content-Security-Policy :\n" + "\n".join(violations)


def _walk(page, account, groups, report):
    """Open each group's first candidate that is this account's page; (url name, path) of those checked."""
    checked = []
    for name, candidates in groups:
        for path in candidates:
            started = time.monotonic()
            response = page.goto(path)
            if os.environ.get("MDO_TRACE"):
                print(f"{time.monotonic() - started:5.2f} {account} {path} {response and response.status}", flush=True)
            assert response is not None, path
            if name in REFUSAL_PAGES and response.status == 403:
                pass  # the page that tells why a sign-in was refused is itself a 403
            elif response.status in (403, 404) or not page.url.split("?")[0].endswith(path.split("?")[0]):
                continue  # not this account's page (refused, or sent elsewhere): the next candidate
            if response.status not in (200, 403) or "text/html" not in response.headers.get("content-type", ""):
                report["errors"].append(f"{account} {path} → {response.status} {response.headers.get('content-type')}")
                break
            _check(page, account, path, report["overflowing"], report["keep"])
            checked.append((name, path))
            break
    return checked


@pytest.mark.timeout(900)  # ~300 page loads after the demo's seed: a loaded machine needs more than 600 s
def test_no_page_scrolls_sideways_at_phone_and_desktop_widths_for_any_role(new_context):
    started = time.monotonic()
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    seeded = time.monotonic()
    report = {"overflowing": [], "errors": [], "keep": os.environ.get("MDO_SCREENSHOTS") == "1"}
    pages = get_pages()
    opened: dict[str, list[str]] = {}
    page = new_context()
    signed_out = [(name, [reverse(name)]) for name, _, _ in pages if name in SIGNED_OUT]
    for name, _ in _walk(page, "anonyme", signed_out, report):
        opened[name] = ["anonyme"]
    assert set(opened) == SIGNED_OUT, f"pages sans connexion non ouvertes : {SIGNED_OUT - set(opened)}"
    timings, checked = [], len(opened)
    for account in ACCOUNTS:
        user = User.objects.get(username=account)
        page = new_context()
        login(page, account, DEMO_PASSWORD)
        account_started = time.monotonic()
        groups = []
        for name, keys, declared in pages:
            if name in SIGNED_OUT or (account not in FULL_WALK and name in opened and name not in EVERY_ACCOUNT):
                continue
            groups += [(name, candidates) for candidates in _urls(name, keys, declared, user)]
        done = _walk(page, account, groups, report)
        for name, _ in done:
            opened.setdefault(name, []).append(account)
        checked += len(done)
        timings.append(f"{account} {len(done)} pages en {time.monotonic() - account_started:.0f} s")
    print(
        f"{checked} pages × {len(WIDTHS)} largeurs vérifiées ; données {seeded - started:.0f} s, "
        f"pages {time.monotonic() - seeded:.0f} s ({', '.join(timings)})"
    )
    never = {name for name, _, _ in pages} - set(opened) - set(NOT_IN_DEMO)
    assert not report["errors"], "Pages en erreur :\n" + "\n".join(report["errors"])
    assert not report["overflowing"], "La page défile horizontalement :\n" + "\n".join(report["overflowing"])
    assert not never, (
        f"Pages qu'aucun compte de démonstration n'a ouvertes (ajoutez-les à NOT_IN_DEMO) : {sorted(never)}"
    )
