import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from projects.enums import ProjectKind
from projects.enums import ProjectStatus as S
from projects.models import Attachment, TimelineEntry
from tests.helpers import assert_constant_queries
from tests.projects.factories import EditionFactory, ProjectFactory

pytestmark = pytest.mark.django_db
INDEX = reverse("projects:index")


def _titles(response):
    return {row.record.title for row in response.context["table"].page.object_list}


def _csv_titles(response):
    from tests.helpers import excel_csv_rows

    header, *rows = excel_csv_rows(response)
    return {row[header.index("Titre")] for row in rows}


# --- scope -----------------------------------------------------------------------------------


def test_fifth_district_agent_never_sees_a_third_district_project(
    client, project, fifth_project, other_town_hall_agent
):
    client.force_login(other_town_hall_agent)
    listing = client.get(INDEX)
    assert project.title not in _titles(listing) and fifth_project.title in _titles(listing)
    assert project.title not in _csv_titles(client.get(INDEX + "?_export=csv"))
    assert client.get(project.get_absolute_url()).status_code == 404
    assert client.get(reverse("projects:sheet", args=[project.pk])).status_code == 404
    assert client.post(reverse("projects:comment", args=[project.pk]), {"text": "x"}).status_code == 404


def test_town_hall_sees_its_district_and_citywide_projects(client, project, fifth_project, town_hall_agent):
    citywide = ProjectFactory(title="Projet transversal", district=None)
    client.force_login(town_hall_agent)
    assert _titles(client.get(INDEX)) == {project.title, citywide.title}


def test_directorate_sees_only_what_it_leads(client, project, fifth_project, directorate_agent, outsider):
    client.force_login(directorate_agent)
    assert _titles(client.get(INDEX)) == {project.title}
    client.force_login(outsider)
    assert _titles(client.get(INDEX)) == set()
    assert client.get(project.get_absolute_url()).status_code == 404


# --- filters and export -----------------------------------------------------------------------


def test_list_filters(client, project, fifth_project, mdo_officer, green_directorate):
    other_edition = EditionFactory(name="Budget participatif 2022-2023")
    old = ProjectFactory(
        title="Skatepark de Gerland",
        district=7,
        edition=other_edition,
        status=S.WORKS,
        planned_end=timezone.localdate() - datetime.timedelta(days=30),
        description="rampe",
    )
    consultation = ProjectFactory(title="Concertation Part-Dieu", kind=ProjectKind.CONSULTATION, district=None)
    client.force_login(mdo_officer)
    assert _titles(client.get(INDEX, {"edition": other_edition.pk})) == {old.title}
    assert _titles(client.get(INDEX, {"kind": "consultation"})) == {consultation.title}
    assert _titles(client.get(INDEX, {"district": "5"})) == {fifth_project.title}
    assert _titles(client.get(INDEX, {"district": "ville"})) == {consultation.title}
    assert _titles(client.get(INDEX, {"status": "works"})) == {old.title}
    assert _titles(client.get(INDEX, {"lead_directorate": green_directorate.pk})) == {project.title}
    assert _titles(client.get(INDEX, {"officer": mdo_officer.pk})) == {project.title}
    assert _titles(client.get(INDEX, {"late": "on"})) == {old.title}
    assert _titles(client.get(INDEX, {"q": "RAMPE"})) == {old.title}
    assert _titles(client.get(INDEX, {"q": "guichard"})) == {project.title}


def test_stage_filter_gives_the_funnel_steps_a_project_reached(client, mdo_officer):
    """« Étape atteinte »: the steps of the « Participation » funnel, each counting the later statuses and
    the winners whatever their status since."""
    ProjectFactory(title="Déposé", status=S.SUBMITTED)
    ProjectFactory(title="Irrecevable", status=S.INADMISSIBLE)
    ProjectFactory(title="À l'étude", status=S.FEASIBILITY_REVIEW)
    ProjectFactory(title="Non retenu", status=S.NOT_SELECTED, votes=120)
    ProjectFactory(title="Abandonné après le vote", status=S.ABANDONED, votes=80)
    ProjectFactory(title="Lauréat en travaux", status=S.WORKS, selected=True, votes=900)
    ProjectFactory(title="Lauréat suspendu", status=S.SUSPENDED, selected=True)
    client.force_login(mdo_officer)
    winners = {"Lauréat en travaux", "Lauréat suspendu"}
    assert _titles(client.get(INDEX, {"stage": "winner"})) == winners
    assert _titles(client.get(INDEX, {"stage": "on_ballot"})) == winners | {"Non retenu", "Abandonné après le vote"}
    assert _titles(client.get(INDEX, {"stage": "admissible"})) == winners | {"Non retenu", "À l'étude"}
    assert len(_titles(client.get(INDEX, {"q": ""}))) == 7


def test_neighbourhood_filter(client, project, mdo_officer):
    from tests.factories import NeighbourhoodFactory

    montchat = NeighbourhoodFactory(name="Montchat", district=3)
    ProjectFactory(title="Rue aux enfants Montchat", neighbourhood=montchat)
    client.force_login(mdo_officer)
    assert _titles(client.get(INDEX, {"neighbourhood": montchat.pk})) == {"Rue aux enfants Montchat"}


def test_export_holds_exactly_the_filtered_rows_of_all_pages(client, mdo_officer):
    ProjectFactory.create_batch(55, district=8, title=factory_title("Arceaux"))
    ProjectFactory(district=2, title="Fontaine Bellecour")
    client.force_login(mdo_officer)
    response = client.get(INDEX, {"district": "8", "_export": "csv"})
    titles = _csv_titles(response)
    assert len(titles) == 55 and "Fontaine Bellecour" not in titles
    xlsx = client.get(INDEX, {"district": "8", "_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 56


def factory_title(prefix):
    import factory

    return factory.Sequence(lambda n: f"{prefix} {n}")


def test_list_keeps_a_constant_number_of_queries(client, mdo_officer, django_assert_max_num_queries):
    ProjectFactory.create_batch(3, officer=mdo_officer)
    client.force_login(mdo_officer)

    def grow():
        edition = EditionFactory()
        ProjectFactory.create_batch(60, edition=edition, officer=mdo_officer, lead_directorate=mdo_officer.organisation)

    count = assert_constant_queries(client, INDEX, grow)
    # 12 with this app's task source alone; each other app's task source adds its badge count query.
    from mdo.registry import registry

    pinned = 12 + len(registry.tasks) - 1
    assert count <= pinned
    with django_assert_max_num_queries(pinned):
        client.get(INDEX)
    with django_assert_max_num_queries(pinned):
        client.get(INDEX + "?late=on&district=3&q=jardin&_export=csv")


def test_project_page_keeps_a_constant_number_of_queries(client, project, mdo_officer, django_assert_max_num_queries):
    client.force_login(mdo_officer)
    url = project.get_absolute_url()

    def grow():
        for index in range(15):
            TimelineEntry.objects.create(project=project, author=mdo_officer, text=f"Point {index}")

    count = assert_constant_queries(client, url, grow)
    # 19 = 9 for the page itself
    #    + 1 for the bell: the count of unread notifications, once per page
    #    + 3 for the nav badge: one count query per task source that asks one for an officer
    #      (projects, budgets, vendors; meetings' minutes source only asks for managers)
    #    + 5 for the sections other apps hang on the page (projects.registry), empty here: budgets'
    #      lines (1), meetings' meetings (1), vendors' orders (1) and, for the MDO, the project's
    #      approved lines offered for a new order (1), consultations' linked consultations (1).
    #    + 1 for the « Suivre ce projet » section (notifications): the user's own follow choice.
    # Each section pins its own cost with data in tests/<app>/test_project_section.py.
    pinned = 19
    assert count <= pinned
    with django_assert_max_num_queries(pinned):
        client.get(url)


# --- bulk -------------------------------------------------------------------------------------


def test_bulk_transition_goes_through_each_projects_checks(client, mdo_officer, project):
    on_ballot = ProjectFactory(status=S.ON_BALLOT, title="Au vote")
    client.force_login(mdo_officer)
    response = client.post(
        reverse("projects:bulk"),
        {"transition": "declare_admissible", "projects": [project.pk, on_ballot.pk]},
        follow=True,
    )
    project.refresh_from_db()
    on_ballot.refresh_from_db()
    assert project.status == S.ADMISSIBLE and on_ballot.status == S.ON_BALLOT
    page = response.content.decode()
    assert "1 projet(s) mis à jour" in page and "Au vote" in page


def test_bulk_refused_to_non_mdo_and_405_on_get(
    client, project, directorate_agent, mdo_officer, fifth_project, other_town_hall_agent
):
    client.force_login(directorate_agent)
    assert (
        client.post(
            reverse("projects:bulk"), {"transition": "declare_admissible", "projects": [project.pk]}
        ).status_code
        == 404
    )
    client.force_login(mdo_officer)
    assert client.get(reverse("projects:bulk")).status_code == 405
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


# --- project page: timeline, attachments, PDF ------------------------------------------------------


def test_involved_users_comment_on_the_timeline_newest_first(client, project, town_hall_agent, mdo_officer):
    client.force_login(town_hall_agent)
    client.post(reverse("projects:comment", args=[project.pk]), {"text": "Le conseil de quartier est favorable"})
    client.force_login(mdo_officer)
    client.post(
        reverse("projects:comment", args=[project.pk]), {"text": "Réunion publique le 12 janvier", "is_public": "on"}
    )
    entries = list(project.timeline.all())
    assert [e.text for e in entries] == ["Réunion publique le 12 janvier", "Le conseil de quartier est favorable"]
    assert entries[0].is_public and entries[1].author == town_hall_agent
    page = client.get(project.get_absolute_url()).content.decode()
    assert page.index("Réunion publique") < page.index("Le conseil de quartier")
    assert client.get(reverse("projects:comment", args=[project.pk])).status_code == 405


def test_comment_refused_to_someone_not_involved(client, project, director):
    client.force_login(director)  # reads everything, not involved
    assert client.post(reverse("projects:comment", args=[project.pk]), {"text": "x"}).status_code == 404


def test_attachment_upload_and_download(client, project, mdo_officer, other_town_hall_agent):
    client.force_login(mdo_officer)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    client.post(reverse("projects:attachment_upload", args=[project.pk]), {"file": upload, "title": "Plan masse"})
    attachment = Attachment.objects.get()
    assert attachment.size == 13 and str(attachment) == "Plan masse"
    response = client.get(reverse("projects:attachment", args=[project.pk, attachment.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"
    client.force_login(other_town_hall_agent)
    assert client.get(reverse("projects:attachment", args=[project.pk, attachment.pk])).status_code == 404


@pytest.mark.parametrize(
    "name,content,content_type,message",
    [
        ("virus.exe", b"MZ", "application/octet-stream", "Type de fichier non accepté"),
        ("photo.png", b"%PDF", "application/pdf", "ne correspond pas"),
        ("gros.pdf", b"0" * (10 * 1024 * 1024 + 1), "application/pdf", "dépasse 10 Mo"),
    ],
)
def test_attachment_refused_with_a_french_message_at_the_field(
    client, project, mdo_officer, name, content, content_type, message
):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("projects:attachment_upload", args=[project.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )
    assert response.status_code == 400
    assert message in str(response.context["attachment_form"].errors["file"])
    assert not Attachment.objects.exists()


def test_project_sheet_pdf_contains_the_title(client, project, mdo_officer):
    from pypdf import PdfReader

    client.force_login(mdo_officer)
    response = client.get(reverse("projects:sheet", args=[project.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Végétalisation de la place Guichard" in text


def test_project_page_shows_late_delivery_and_history(client, project, mdo_officer):
    type(project).objects.filter(pk=project.pk).update(
        status=S.WORKS, planned_end=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(mdo_officer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-testid="late-end"' in page and "Historique des modifications" in page


def test_project_sections_registry_renders_other_apps_lines(client, project, mdo_officer):
    from projects import registry

    registry.register_project_section("test_section", lambda request, p: f"<section>Lignes de {p.title}</section>")
    try:
        client.force_login(mdo_officer)
        assert f"Lignes de {project.title}" in client.get(project.get_absolute_url()).content.decode()
    finally:
        registry._sections[:] = [s for s in registry._sections if s.key != "test_section"]


def test_dashboard_panel_lists_my_projects_late_first(client, mdo_officer, django_assert_max_num_queries):
    ProjectFactory(
        title="À l'heure",
        officer=mdo_officer,
        status=S.WORKS,
        planned_end=timezone.localdate() + datetime.timedelta(days=90),
    )
    ProjectFactory(
        title="En retard",
        officer=mdo_officer,
        status=S.WORKS,
        planned_end=timezone.localdate() - datetime.timedelta(days=5),
    )
    client.force_login(mdo_officer)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Mes projets" in page and page.index("En retard") < page.index("À l&#x27;heure")

    def grow():
        ProjectFactory.create_batch(20, officer=mdo_officer, status=S.DESIGN)

    count = assert_constant_queries(client, reverse("dashboard"), grow)
    with django_assert_max_num_queries(count):
        client.get(reverse("dashboard"))


def test_vote_import_page_is_for_the_mdo_only(client, directorate_agent, town_hall_agent):
    for user in (directorate_agent, town_hall_agent):
        client.force_login(user)
        assert client.get(reverse("projects:vote_import")).status_code == 404


# --- create, edit, editions -----------------------------------------------------------------------


def test_officer_creates_a_project_in_the_app(client, mdo_officer, green_directorate):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("projects:create"),
        {
            "kind": "participatory_budget",
            "title": "Micro-forêt Gerland",
            "district": "7",
            "lead_directorate": green_directorate.pk,
            "officer": mdo_officer.pk,
            "progress": "0",
            "estimated_cost": "12 000,00",
        },
    )
    from projects.models import Project

    project = Project.objects.get(title="Micro-forêt Gerland")
    assert response.status_code == 302 and project.district == 7 and str(project.estimated_cost) == "12000.00"
    assert project.status == S.SUBMITTED and project.timeline.count() == 1


def test_project_form_checks_dates_and_neighbourhood_in_french(client, project, mdo_officer):
    from tests.factories import NeighbourhoodFactory

    client.force_login(mdo_officer)
    vaise = NeighbourhoodFactory(name="Vaise", district=9)
    response = client.post(
        reverse("projects:edit", args=[project.pk]),
        {
            "kind": "participatory_budget",
            "title": project.title,
            "district": "3",
            "neighbourhood": vaise.pk,
            "progress": "10",
            "planned_start": "2027-05-01",
            "planned_end": "2027-01-01",
        },
    )
    errors = response.context["form"].errors
    assert "La fin ne peut pas précéder le début." in errors["planned_end"]
    assert "Ce quartier n'est pas dans l'arrondissement choisi." in errors["neighbourhood"]


def test_edit_is_for_those_who_may_change_the_project(client, project, town_hall_agent, directorate_agent):
    client.force_login(town_hall_agent)
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 404
    client.force_login(directorate_agent)  # the lead directorate
    assert client.get(reverse("projects:edit", args=[project.pk])).status_code == 200
    assert client.get(reverse("projects:create")).status_code == 404


def test_editions_page_shows_winners_cost_against_envelopes(client, mdo_officer, django_assert_max_num_queries):
    from projects.models import EditionDistrict
    from tests.projects.factories import lyon_edition

    edition = lyon_edition()
    third = EditionDistrict.objects.get(edition=edition, number=3)
    EditionDistrict.objects.filter(pk=third.pk).update(envelope="50000")
    ProjectFactory(edition=edition, edition_district=third, selected=True, estimated_cost="60000", status=S.WINNER)
    client.force_login(mdo_officer)
    page = client.get(reverse("projects:editions")).content.decode()
    assert "Budget participatif 2026-2027" in page and "dépassement" in page

    def grow():
        other = lyon_edition("Budget participatif 2028-2029")
        ProjectFactory.create_batch(5, edition=other, selected=True, estimated_cost="1000")

    count = assert_constant_queries(client, reverse("projects:editions"), grow)
    with django_assert_max_num_queries(count):
        client.get(reverse("projects:editions"))


def test_a_project_cannot_become_a_consultation(client, project, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("projects:edit", args=[project.pk]),
        {"kind": "consultation", "title": project.title, "district": "3", "progress": "0"},
    )
    assert "ne suivent pas le même cycle" in str(response.context["form"].errors["kind"])


def test_history_shows_status_labels_not_codes(client, project, mdo_officer):
    from projects.services import project_transition

    project_transition(project=project, name="declare_admissible", by=mdo_officer)
    client.force_login(mdo_officer)
    history = client.get(project.get_absolute_url()).context["history"]
    assert ("statut", "Soumise", "Recevable") in [(n, str(o), str(v)) for row in history for n, o, v in row.changes]


def test_dashboard_panel_names_whose_projects_it_lists(client, mdo_manager, town_hall_agent, directorate_agent):
    ProjectFactory(title="Jardin du 3e", district=3, status=S.WORKS, lead_directorate=directorate_agent.organisation)
    for user, title, list_filter in (
        (mdo_manager, "Projets de la ville", 'href="/projects/"'),
        (town_hall_agent, "Projets de mon arrondissement", "?district=3"),
        (directorate_agent, "Projets de ma direction", f"?lead_directorate={directorate_agent.organisation_id}"),
    ):
        client.force_login(user)
        page = client.get(reverse("dashboard")).content.decode()
        assert title in page and "Jardin du 3e" in page and list_filter in page, user
