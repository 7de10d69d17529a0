"""The « Lignes budgétaires » section that budgets hangs on the project page (projects.registry)."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets import services
from tests.budgets.factories import approved_line, make_line, make_project
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page unescaped, with French number grouping (narrow or non-breaking spaces) as plain spaces."""
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def test_project_page_lists_the_project_lines_with_amounts_and_totals(client, mdo_officer, mdo_manager, project_3e):
    line = approved_line(mdo_officer, mdo_manager, label="Clôture du jardin", amount_ht="10000.00", project=project_3e)
    services.commitment_create(
        budget_line=line, amount=Decimal("3000.00"), committed_on=line.created_at.date(), by=mdo_officer
    )
    make_line(mdo_officer, label="Bancs du jardin", amount_ht="2000.00", project=project_3e)
    make_line(mdo_officer, label="Ligne d'un autre projet", project=make_project(title="Autre", district=3))
    client.force_login(mdo_officer)
    page = _text(client.get(project_3e.get_absolute_url()))
    section = page[page.index('data-testid="project-budget-lines"') :]
    assert "Clôture du jardin" in section and "Bancs du jardin" in section and "Ligne d'un autre projet" not in section
    assert f'href="{line.get_absolute_url()}"' in section
    assert "21-2128-823" in section and "Approuvée" in section and "Brouillon" in section
    # Approved line: 10 000 HT, 12 000 TTC, 3 000 committed, 9 000 available; the draft counts apart.
    assert "12 000,00 €" in section and "3 000,00 €" in section and "9 000,00 €" in section
    assert "Total des lignes approuvées" in section and "En cours d'approbation" in section
    assert f"{reverse('budgets:line_create')}?project={project_3e.pk}" in section


def test_project_section_hides_the_lines_of_another_district(client, mdo_officer, other_town_hall_agent):
    citywide = make_project(title="Fontaines à boire dans les parcs")  # no district: every town hall sees it
    make_line(mdo_officer, label="Fontaines du 3e", project=citywide, holder_district=3)
    make_line(mdo_officer, label="Fontaines du 5e", project=citywide, holder_district=5)
    client.force_login(other_town_hall_agent)
    page = _text(client.get(citywide.get_absolute_url()))
    assert "Fontaines du 5e" in page and "Fontaines du 3e" not in page
    assert reverse("budgets:line_create") not in page  # only the MDO creates lines


def test_project_section_is_absent_for_a_user_who_sees_no_line(client, mdo_officer, town_hall_agent, project_3e):
    client.force_login(town_hall_agent)
    page = client.get(project_3e.get_absolute_url()).content.decode()
    assert 'data-testid="project-budget-lines"' not in page
    client.force_login(mdo_officer)
    page = client.get(project_3e.get_absolute_url()).content.decode()
    assert "Aucune ligne budgétaire pour ce projet." in page and "Nouvelle ligne pour ce projet" in page


def test_new_line_form_preselects_the_project_of_the_link(client, mdo_officer, project_3e):
    client.force_login(mdo_officer)
    page = client.get(reverse("budgets:line_create"), {"project": project_3e.pk}).content.decode()
    assert f'<option value="{project_3e.pk}" selected>' in page


def test_line_page_links_its_project(client, mdo_officer, project_3e):
    line = make_line(mdo_officer, project=project_3e)
    client.force_login(mdo_officer)
    page = client.get(line.get_absolute_url()).content.decode()
    assert f'href="{reverse("projects:detail", args=[project_3e.pk])}"' in page


def test_project_page_with_lines_keeps_a_constant_number_of_queries(
    client, mdo_officer, mdo_manager, project_3e, django_assert_max_num_queries
):
    line = approved_line(mdo_officer, mdo_manager, project=project_3e)
    services.commitment_create(
        budget_line=line, amount=Decimal("100.00"), committed_on=line.created_at.date(), by=mdo_officer
    )
    client.force_login(mdo_officer)
    url = project_3e.get_absolute_url()

    def grow():
        for index in range(6):
            other = approved_line(mdo_officer, mdo_manager, label=f"Tranche {index}", project=project_3e)
            commitment = services.commitment_create(
                budget_line=other, amount=Decimal("500.00"), committed_on=other.created_at.date(), by=mdo_officer
            )
            services.payment_create(
                commitment=commitment,
                amount=Decimal("200.00"),
                paid_on=other.created_at.date(),
                reference=f"M-{index}",
                by=mdo_officer,
            )
            make_line(mdo_officer, label=f"Brouillon {index}", project=project_3e)

    count = assert_constant_queries(client, url, grow)
    # The project page's 19 (tests/projects) already count this section's single query: the lines with
    # their committed and paid totals as subqueries, however many lines, commitments and payments.
    assert count <= 19
    with django_assert_max_num_queries(19):
        client.get(url)


def test_lines_list_links_each_project(client, mdo_officer, project_3e):
    make_line(mdo_officer, project=project_3e)
    make_line(mdo_officer, label="Sans projet")
    client.force_login(mdo_officer)
    page = client.get(reverse("budgets:index")).content.decode()
    assert f'href="{project_3e.get_absolute_url()}"' in page


def test_line_page_links_the_project_only_for_who_may_open_it(client, mdo_officer, town_hall_agent, project_5e):
    # A 3e état spécial line on a 5e project: the 3e town hall sees the line, not the project (neither
    # its title nor a link to its page).
    line = make_line(mdo_officer, project=project_5e, holder_district=3)
    client.force_login(town_hall_agent)
    page = client.get(line.get_absolute_url()).content.decode()
    assert line.label in page
    assert project_5e.title not in page and f'href="{project_5e.get_absolute_url()}"' not in page
