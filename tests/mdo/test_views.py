import io

import openpyxl
import pytest

from mdo.enums import OrganisationKind
from tests.factories import NeighbourhoodFactory, OrganisationFactory
from tests.helpers import assert_constant_queries, excel_csv_rows

pytestmark = pytest.mark.django_db


def test_navigation_bar_shows_administration_to_admins_only(client, admin_user, mdo_officer):
    client.force_login(mdo_officer)
    page = client.get("/").text
    for label in ["Tableau de bord", "Projets", "Budgets", "Prestataires", "Réunions"]:
        assert label in page
    assert "Administration" not in page
    client.force_login(admin_user)
    assert "Administration" in client.get("/").text


def test_base_layout_has_skip_link_and_local_assets(client, mdo_officer):
    client.force_login(mdo_officer)
    page = client.get("/").text
    assert 'href="#contenu"' in page
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "cdn" not in page.lower()


def test_organisation_list_filters_and_exports_csv(client, mdo_officer):
    OrganisationFactory(name="Mairie du 7e arrondissement", kind=OrganisationKind.TOWN_HALL, district=7)
    OrganisationFactory(name="Direction des Sports", kind=OrganisationKind.DIRECTORATE)
    client.force_login(mdo_officer)
    response = client.get("/organisations/", {"kind": "town_hall"})
    assert "Mairie du 7e arrondissement" in response.text
    assert "Direction des Sports" not in response.text
    export = client.get("/organisations/", {"kind": "town_hall", "_export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    rows = excel_csv_rows(export)
    assert rows[0][0] == "Nom"
    names = [row[0] for row in rows[1:]]
    assert "Mairie du 7e arrondissement" in names and "Direction des Sports" not in names


def test_organisation_list_exports_xlsx(client, mdo_officer):
    client.force_login(mdo_officer)
    export = client.get("/organisations/", {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(1, 1).value == "Nom"
    assert sheet.max_row >= 2


def test_empty_list_says_so_in_french(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.get("/organisations/", {"q": "aucune organisation de ce nom"})
    assert "Aucun élément ne correspond à ces critères." in response.text


def test_organisation_list_has_constant_queries(client, mdo_officer, django_assert_max_num_queries):
    client.force_login(mdo_officer)

    def grow():
        for n in range(30):
            OrganisationFactory(name=f"Direction supplémentaire {n}")

    count = assert_constant_queries(client, "/organisations/", grow)
    with django_assert_max_num_queries(count):
        client.get("/organisations/")


def test_history_shows_who_changed_what(client, admin_user, mdo_officer):
    neighbourhood = NeighbourhoodFactory(name="Montchat", district=3)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/mdo/neighbourhood/{neighbourhood.pk}/change/",
        {"name": "Montchat – Grange Blanche", "district": 3, "council_email": ""},
    )
    assert response.status_code == 302
    client.force_login(mdo_officer)
    page = client.get(neighbourhood.get_absolute_url()).text
    assert "Historique des modifications" in page
    assert "Montchat – Grange Blanche" in page
    assert str(admin_user) in page


def test_user_history_is_for_admins_and_the_person(client, town_hall_agent, other_town_hall_agent, admin_user):
    client.force_login(other_town_hall_agent)
    assert "Historique des modifications" not in client.get(town_hall_agent.get_absolute_url()).text
    client.force_login(town_hall_agent)
    assert "Historique des modifications" in client.get(town_hall_agent.get_absolute_url()).text
    client.force_login(admin_user)
    assert "Historique des modifications" in client.get(town_hall_agent.get_absolute_url()).text


def test_unknown_record_answers_404(client, mdo_officer):
    client.force_login(mdo_officer)
    assert client.get("/organisations/999999/").status_code == 404


def test_admin_is_in_french(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/").text
    assert "Données de référence" in page
    assert "Organisations" in page


def test_tasks_inbox_is_reachable_from_every_page(client, town_hall_agent):
    client.force_login(town_hall_agent)
    assert 'href="/tasks/"' in client.get("/").text
    response = client.get("/tasks/")
    assert response.status_code == 200
    assert "Mes tâches" in response.text


def test_history_shows_choice_labels_not_codes(client, admin_user):
    org = OrganisationFactory(name="Direction à reclasser", kind=OrganisationKind.DIRECTORATE)
    org.kind = OrganisationKind.MDO
    org.save()
    client.force_login(admin_user)
    page = client.get(org.get_absolute_url()).text
    assert "Direction opérationnelle" in page and "Mission Démocratie Ouverte" in page
    assert "directorate" not in page


def test_a_list_keeps_its_filters_for_the_session_until_reset(client, mdo_officer):
    from tests.projects.factories import ProjectFactory

    ProjectFactory(title="Jardin du 3e", district=3)
    ProjectFactory(title="Fresque du 5e", district=5)
    client.force_login(mdo_officer)
    assert client.get("/projects/", {"district": "5"}).status_code == 200

    coming_back = client.get("/projects/")
    assert coming_back.status_code == 302 and coming_back.url == "/projects/?district=5"
    assert client.get("/projects/", {"district": "5", "_export": "csv"}).status_code == 200
    other_list = client.get("/organisations/")
    assert other_list.status_code == 200  # each list its own filters

    reset = client.get("/projects/", {"reinitialiser": "1"})
    assert reset.status_code == 302 and reset.url == "/projects/"
    page = client.get("/projects/")
    assert page.status_code == 200
    assert {row.record.title for row in page.context["table"].page.object_list} == {"Jardin du 3e", "Fresque du 5e"}


def test_the_project_list_offers_my_late_projects_as_a_saved_view(client, mdo_officer, other_mdo_officer):
    import datetime as dt

    from django.utils import timezone

    from projects.enums import ProjectStatus
    from tests.projects.factories import ProjectFactory

    past = timezone.localdate() - dt.timedelta(days=30)
    mine_late = ProjectFactory(
        title="Mon projet en retard", officer=mdo_officer, status=ProjectStatus.WORKS, planned_end=past
    )
    ProjectFactory(
        title="Mon projet à l'heure",
        officer=mdo_officer,
        status=ProjectStatus.WORKS,
        planned_end=timezone.localdate() + dt.timedelta(days=30),
    )
    ProjectFactory(
        title="Projet en retard d'un collègue", officer=other_mdo_officer, status=ProjectStatus.WORKS, planned_end=past
    )
    client.force_login(mdo_officer)
    views = {view["label"]: view["url"] for view in client.get("/projects/").context["saved_views"]}
    page = client.get(views["Mes projets en retard"])
    assert {row.record.title for row in page.context["table"].page.object_list} == {mine_late.title}
    assert "Mes projets en retard" in page.content.decode()
