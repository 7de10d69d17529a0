"""The « Aide » pages: one per section, whose "who may do what" comes from the policy table, and the glossary."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mdo import help as help_pages
from mdo import policy
from mdo.enums import Role

#: What the glossary test looks for in the templates: a word of 2 to 6 capitals.
ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
#: Capitals in the templates that are not acronyms: the digest e-mail's headings, an HTTP method shown as code.
NOT_ACRONYMS = {"EN", "RETARD", "HIER", "SUR", "CE", "QUE", "VOUS", "SUIVEZ", "FAIRE", "HUI", "HEAD"}
#: What a reader never sees in a template: its tags, variables and comments.
TEMPLATE_CODE = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)


def _role_items(page: str, role: str) -> list[str]:
    """The texts of the list items of ``role``'s block on a section page."""
    block = re.search(rf'data-testid="role-{role}".*?</section>', page, re.DOTALL)
    assert block is not None, role
    items = re.findall(r"<li>(.*?)</li>", block.group(0), re.DOTALL)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


def test_each_section_page_answers_in_french(client, town_hall_agent):
    client.force_login(town_hall_agent)
    for section in help_pages.SECTIONS:
        response = client.get(f"/aide/{section.slug}/")
        assert response.status_code == 200, section.slug
        page = response.content.decode()
        assert f"Aide — {section.title}" in page
        assert "Qui peut faire quoi" in page
        assert "Les étapes habituelles" in page


def test_projects_page_shows_that_a_town_hall_comments_but_does_not_close(client, town_hall_agent):
    # The example, as the policy table has it: a town hall writes in its district's projects' story; only the
    # Responsable MDO closes a project.
    assert policy.role_may(Role.TOWN_HALL_AGENT, "comment", "projects.project") is policy.PROJECT_DISTRICT
    assert policy.role_may(Role.TOWN_HALL_AGENT, "transition:close", "projects.project") is False
    assert policy.role_may(Role.MDO_MANAGER, "transition:close", "projects.project") is True
    client.force_login(town_hall_agent)

    page = client.get("/aide/projets/").content.decode()

    town_hall = _role_items(page, Role.TOWN_HALL_AGENT)
    assert "Écrire dans le fil du projet (seulement : son arrondissement ou un projet de toute la ville)" in town_hall
    assert not any(item.startswith("Clôturer un projet") for item in town_hall)
    assert "Clôturer un projet" in _role_items(page, Role.MDO_MANAGER)
    # The reader's own role comes first.
    assert page.index(f'data-testid="role-{Role.TOWN_HALL_AGENT}"') < page.index(
        f'data-testid="role-{Role.MDO_OFFICER}"'
    )


@pytest.mark.parametrize("section", help_pages.SECTIONS, ids=lambda s: s.slug)
def test_each_role_is_shown_exactly_the_actions_the_table_grants_it(client, mdo_officer, section):
    client.force_login(mdo_officer)
    page = client.get(f"/aide/{section.slug}/").content.decode()
    for role in Role.values:
        expected = []
        for label, action in help_pages.section_actions(section):
            verdict = policy.role_may(role, action, label)
            if verdict:
                text = help_pages.ACTION_LABELS[label, action]
                text = text[0].upper() + text[1:]
                expected.append(text if verdict is True else f"{text} (seulement : {verdict.label})")
        assert _role_items(page, role) == expected, (section.slug, role)


def test_every_model_of_the_policy_table_is_explained_in_a_section():
    explained = {label for section in help_pages.SECTIONS for label, _ in section.rules}
    # The core's own records (organisations, quartiers, accounts) are kept in the administration.
    missing = {label for label in policy.POLICY if not label.startswith("mdo.")} - explained
    assert not missing
    assert set(help_pages.ACTION_LABELS) == {
        (label, action)
        for label, actions in policy.POLICY.items()
        if not label.startswith("mdo.")
        for action in actions
    }


def test_unknown_section_is_the_french_404(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.get("/aide/comptabilite/")
    assert response.status_code == 404
    page = html.unescape(response.content.decode())
    assert "Cette rubrique de l'aide n'existe pas." in page
    assert "Page introuvable" in page


def test_help_requires_login(client):
    for url in ("/aide/", "/aide/projets/", "/aide/glossaire/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url


def test_index_links_every_section_and_the_glossary(client, director):
    client.force_login(director)
    page = client.get("/aide/").content.decode()
    for section in help_pages.SECTIONS:
        assert f'href="/aide/{section.slug}/"' in page
    assert 'href="/aide/glossaire/"' in page


def test_help_is_in_the_user_menu_and_the_footer(client, directorate_agent):
    client.force_login(directorate_agent)
    page = client.get("/").content.decode()
    assert page.count('href="/aide/"') == 2


def _template_acronyms() -> dict[str, str]:
    base = Path(settings.BASE_DIR)
    found = {}
    for path in sorted([*base.glob("templates/**/*.*"), *base.glob("*/templates/**/*.*")]):
        text = TEMPLATE_CODE.sub(" ", path.read_text(encoding="utf-8"))
        for word in ACRONYM.findall(text):
            found.setdefault(word, str(path.relative_to(base)))
    return found


def test_glossary_defines_every_acronym_the_templates_show(client, mdo_officer):
    found = _template_acronyms()
    assert {"AMO", "HT", "SIRET", "CCAG"} <= set(found)  # the scan reads the templates
    undefined = {
        word: path for word, path in found.items() if word not in help_pages.glossary_acronyms() | NOT_ACRONYMS
    }
    assert not undefined, f"Sigles sans définition dans mdo/help.py GLOSSARY : {undefined}"

    client.force_login(mdo_officer)
    page = client.get("/aide/glossaire/").content.decode()
    for term in help_pages.GLOSSARY:
        assert f'<abbr title="{html.escape(term.expansion)}">{term.acronym}</abbr>' in page
    for acronym in ("BC", "DGP", "M57"):  # named by the product's requirements, not all in the templates
        assert f">{acronym}</abbr>" in page


def test_help_pages_cost_the_same_few_queries(client, town_hall_agent):
    client.force_login(town_hall_agent)
    urls = ["/aide/", "/aide/glossaire/", *(f"/aide/{section.slug}/" for section in help_pages.SECTIONS)]
    counts = {}
    for url in urls:
        client.get(url)  # the first visit fills the per-process caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    assert len(set(counts.values())) == 1, counts
    assert max(counts.values()) <= 6, counts
