"""A programme and its operations: the parent's progress is the weighted mean of its children's."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.enums import ProjectStatus as S
from projects.models import Project
from projects.services import TransitionData, parent_progress, project_transition


@pytest.fixture
def programme(db):
    parent = Project.objects.create(title="Programme Cours Gambetta", district=3, status=S.WORKS)
    # Weights: 300 000 (estimated cost), 100 000 (final cost before estimated), 600 000 (set by hand).
    Project.objects.create(
        title="Plantations",
        district=3,
        parent=parent,
        progress=100,
        status=S.DELIVERED,
        estimated_cost=Decimal("300000.00"),
    )
    Project.objects.create(
        title="Bancs",
        district=3,
        parent=parent,
        progress=40,
        status=S.WORKS,
        estimated_cost=Decimal("999999.00"),
        final_cost=Decimal("100000.00"),
    )
    Project.objects.create(
        title="Fontaine",
        district=3,
        parent=parent,
        progress=10,
        status=S.DESIGN,
        estimated_cost=Decimal("50000.00"),
        weight=Decimal("600000.00"),
    )
    return parent


def test_parent_progress_is_the_children_progress_weighted_by_cost_or_weight(programme):
    # (100 × 300 000 + 40 × 100 000 + 10 × 600 000) / 1 000 000 = 40
    assert parent_progress(programme) == 40


def test_children_without_cost_weigh_the_same(db):
    parent = Project.objects.create(title="Programme sans coûts", district=5)
    for progress in (20, 50):
        Project.objects.create(title=f"Opération {progress}", district=5, parent=parent, progress=progress)
    assert parent_progress(parent) == 35
    assert parent_progress(Project.objects.create(title="Seul", district=5)) is None


def test_a_childs_transition_refreshes_the_parents_progress(programme, mdo_officer):
    fountain = programme.children.get(title="Fontaine")
    project_transition(project=fountain, name="start_procurement", by=mdo_officer, data=TransitionData(progress=60))
    programme.refresh_from_db()
    # (100 × 300 000 + 40 × 100 000 + 60 × 600 000) / 1 000 000 = 70
    assert programme.progress == 70


def test_editing_a_child_refreshes_the_old_and_new_parents(client, programme, mdo_officer):
    other = Project.objects.create(title="Programme Part-Dieu", district=3, progress=0)
    fountain = programme.children.get(title="Fontaine")
    client.force_login(mdo_officer)
    response = client.post(
        reverse("projects:edit", args=[fountain.pk]),
        {
            "kind": "participatory_budget",
            "title": "Fontaine",
            "district": "3",
            "progress": "10",
            "parent": other.pk,
            "weight": "600000,00",
            "estimated_cost": "50000,00",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    other.refresh_from_db()
    programme.refresh_from_db()
    assert other.progress == 10
    assert programme.progress == 85  # (100 × 300 000 + 40 × 100 000) / 400 000


def test_a_programme_cannot_become_an_operation(client, programme, mdo_officer):
    other = Project.objects.create(title="Programme Part-Dieu", district=3)
    client.force_login(mdo_officer)
    response = client.post(
        reverse("projects:edit", args=[programme.pk]),
        {
            "kind": "participatory_budget",
            "title": programme.title,
            "district": "3",
            "progress": "40",
            "parent": other.pk,
        },
    )
    assert response.status_code == 200
    assert (
        "Ce projet a des sous-projets : il ne peut pas être lui-même un sous-projet."
        in response.context["form"].errors["parent"]
    )
    programme.refresh_from_db()
    assert programme.parent is None


def test_programme_page_lists_its_operations_with_money_rolled_up(client, programme, mdo_officer):
    client.force_login(mdo_officer)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Sous-projets (3)" in html
    assert "1\u00a0349\u00a0999,00 €" in html  # 300 000 + 999 999 + 50 000 estimated
    child = programme.children.get(title="Bancs")
    html = client.get(child.get_absolute_url()).content.decode()
    assert "Opération du programme" in html and programme.title in html


def test_programme_page_shows_only_the_operations_the_reader_may_see(client, programme, other_town_hall_agent):
    Project.objects.filter(title="Bancs").update(district=5)
    programme.district = None  # city-wide: both town halls see it
    programme.save()
    client.force_login(other_town_hall_agent)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Sous-projets (1)" in html and "Bancs" in html and "Plantations" not in html


def test_an_operation_names_its_programme_only_for_who_may_open_it(client, programme, town_hall_agent, mdo_officer):
    """A 3rd-district operation of a 5th-district programme: the 3rd's town hall sees the operation,
    not the programme (its page answers 404), so neither its title nor a link to it."""
    programme.district = 5
    programme.save()
    child = programme.children.get(title="Bancs")
    client.force_login(town_hall_agent)
    assert client.get(programme.get_absolute_url()).status_code == 404
    html = client.get(child.get_absolute_url()).content.decode()
    assert "Bancs" in html
    assert "Opération du programme" not in html and programme.title not in html
    assert programme.get_absolute_url() not in html
    client.force_login(mdo_officer)
    html = client.get(child.get_absolute_url()).content.decode()
    assert f'href="{programme.get_absolute_url()}"' in html


@pytest.fixture
def led_by_green_spaces(db, directorate_agent):
    """Two projects the Espaces verts lead (one a programme) and a programme they have nothing to do with."""
    green = directorate_agent.organisation
    operation = Project.objects.create(title="Square Sathonay", district=1, lead_directorate=green)
    own = Project.objects.create(title="Programme Berges du Rhône", district=1, lead_directorate=green)
    foreign = Project.objects.create(title="Programme Gerland sportif", district=7)
    return operation, own, foreign


def _edit_data(project, parent):
    return {
        "kind": "participatory_budget",
        "title": project.title,
        "district": "1",
        "progress": "0",
        "parent": parent.pk,
    }


def test_parent_picker_offers_only_the_programmes_the_editor_sees(client, led_by_green_spaces, directorate_agent):
    operation, own, foreign = led_by_green_spaces
    client.force_login(directorate_agent)
    form = client.get(reverse("projects:edit", args=[operation.pk])).context["form"]
    assert set(form.fields["parent"].queryset) == {own}
    options = client.get(reverse("picker_options", args=["projects"]), {"parents": 1, "exclude": operation.pk})
    assert [option["text"] for option in options.json()["results"]] == [own.title]


def test_a_parent_out_of_the_editors_scope_is_refused(client, led_by_green_spaces, directorate_agent):
    operation, own, foreign = led_by_green_spaces
    client.force_login(directorate_agent)
    response = client.post(reverse("projects:edit", args=[operation.pk]), _edit_data(operation, foreign))
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    operation.refresh_from_db()
    assert operation.parent is None
    response = client.post(reverse("projects:edit", args=[operation.pk]), _edit_data(operation, own))
    assert response.status_code == 302, response.context["form"].errors
    operation.refresh_from_db()
    assert operation.parent == own


def test_parent_field_is_a_picker_holding_only_the_chosen_programme(client, programme, mdo_officer):
    child = programme.children.get(title="Bancs")
    client.force_login(mdo_officer)
    html = client.get(reverse("projects:edit", args=[child.pk])).content.decode()
    assert 'data-picker-url="/choix/projects/"' in html
    assert f'data-picker-params="parents=1&amp;exclude={child.pk}"' in html
    assert f'<option value="{programme.pk}" selected>' in html
