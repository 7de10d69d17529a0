"""Phases of a project: filled by the status changes, late ones flagged, the Gantt view and its export."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import PhaseKind, PhaseStatus, ProjectPhase
from projects.enums import ProjectKind, ProjectStatus
from projects.models import Project
from projects.services import TransitionData, project_transition
from tests.helpers import assert_constant_queries
from tests.vendors.factories import VendorFactory, approved_line, make_contract, make_order
from vendors.models import Milestone


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def kind(name: str) -> PhaseKind:
    return PhaseKind.objects.get(name=name)


@pytest.fixture
def winner_3e(db, mdo_officer):
    from tests.factories import directorate

    project = Project.objects.create(
        title="Jardin partagé Guichard",
        kind=ProjectKind.PARTICIPATORY_BUDGET,
        district=3,
        status=ProjectStatus.WINNER,
        selected=True,
        officer=mdo_officer,
        lead_directorate=directorate("Direction des Espaces verts"),
    )
    ProjectPhase.objects.create(project=project, kind=kind("Études"), planned_start=days(-60), planned_end=days(-10))
    ProjectPhase.objects.create(
        project=project, kind=kind("Consultation des entreprises"), planned_start=days(-10), planned_end=days(40)
    )
    ProjectPhase.objects.create(project=project, kind=kind("Travaux"), planned_start=days(40), planned_end=days(200))
    return project


def test_default_phase_kinds_are_there_and_the_admin_may_add_one(db):
    assert list(PhaseKind.objects.values_list("name", flat=True)) == [
        "Concertation",
        "Études",
        "Délibération",
        "Consultation des entreprises",
        "Travaux",
        "Inauguration",
    ]
    PhaseKind.objects.create(name="Réception des travaux", order=55)
    assert PhaseKind.objects.count() == 7


def test_status_transitions_fill_the_actual_dates(winner_3e, mdo_officer):
    project_transition(project=winner_3e, name="start_design", by=mdo_officer, data=TransitionData())
    studies = ProjectPhase.objects.get(project=winner_3e, kind__name="Études")
    assert (studies.actual_start, studies.actual_end, studies.status) == (days(0), None, PhaseStatus.IN_PROGRESS)
    project_transition(project=winner_3e, name="start_procurement", by=mdo_officer, data=TransitionData())
    studies.refresh_from_db()
    consultation = ProjectPhase.objects.get(project=winner_3e, kind__name="Consultation des entreprises")
    assert (studies.actual_end, studies.status) == (days(0), PhaseStatus.DONE)
    assert (consultation.actual_start, consultation.status) == (days(0), PhaseStatus.IN_PROGRESS)
    works = ProjectPhase.objects.get(project=winner_3e, kind__name="Travaux")
    assert works.actual_start is None and works.status == PhaseStatus.PLANNED


def test_a_refused_transition_leaves_the_phases_as_they_were(winner_3e, town_hall_agent):
    from projects.services import TransitionRefused

    with pytest.raises(TransitionRefused):
        project_transition(project=winner_3e, name="start_design", by=town_hall_agent, data=TransitionData())
    assert not ProjectPhase.objects.filter(project=winner_3e, actual_start__isnull=False).exists()


def test_a_phase_past_its_planned_end_is_late(winner_3e):
    studies, consultation, works = ProjectPhase.objects.filter(project=winner_3e).order_by("planned_start")
    assert studies.is_late  # planned to end 10 days ago, not finished
    assert not consultation.is_late and not works.is_late
    studies.actual_end = days(-12)
    assert not studies.is_late  # finished before its planned end


def test_gantt_shows_phases_milestones_and_today_for_the_filtered_projects(client, winner_3e, mdo_manager):
    line = approved_line(project=winner_3e, amount_ttc=Decimal("120000.00"), requester=mdo_manager)
    order = make_order(
        contract=make_contract(by=mdo_manager, vendor=VendorFactory(name="Paysages du Rhône")),
        line=line,
        by=mdo_manager,
    )
    Milestone.objects.create(
        contract=order.contract,
        order=order,
        label="Esquisse",
        amount_ht=Decimal("1000.00"),
        due_on=days(-3),
        created_by=mdo_manager,
    )
    other = Project.objects.create(title="Fontaine de Ménival", district=5, status=ProjectStatus.WINNER, selected=True)
    ProjectPhase.objects.create(project=other, kind=kind("Travaux"), planned_start=days(0), planned_end=days(90))
    client.force_login(mdo_manager)
    html = client.get(reverse("planning:index"), {"district": 3}).content.decode()
    assert "Jardin partagé Guichard" in html and "Fontaine de Ménival" not in html
    assert html.count('class="gantt-bar') == 3
    assert len(re.findall(r'class="gantt-bar gl-\d+ gw-\d+ late"', html)) == 1  # the studies, past their planned end
    assert "Études : prévue du" in html and ", en retard" in html
    assert 'data-testid="gantt-milestone"' in html and "Jalon Esquisse (Paysages du Rhône)" in html
    assert re.search(r'class="gantt-today gl-\d+"', html)
    assert 'style="' not in html  # positions are classes: the CSP forbids inline styles


def test_projects_list_links_to_the_planning_with_its_filters(client, winner_3e, mdo_manager):
    client.force_login(mdo_manager)
    html = client.get(reverse("projects:index"), {"district": 3}).content.decode()
    assert f'href="{reverse("planning:index")}?district=3"' in html


def test_gantt_xlsx_export_lists_every_phase_of_the_filtered_projects(client, winner_3e, mdo_manager):
    from openpyxl import load_workbook

    client.force_login(mdo_manager)
    response = client.get(reverse("planning:index"), {"district": 3, "_export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Projet", "Arrondissement", "Phase")
    assert [(row[0], row[2], row[9]) for row in rows[1:]] == [
        ("Jardin partagé Guichard", "Études", "oui"),
        ("Jardin partagé Guichard", "Consultation des entreprises", "non"),
        ("Jardin partagé Guichard", "Travaux", "non"),
    ]


def test_gantt_and_export_are_scoped(client, winner_3e, other_town_hall_agent, outsider):
    for user in (other_town_hall_agent, outsider):
        client.force_login(user)
        assert "Jardin partagé Guichard" not in client.get(reverse("planning:index")).content.decode()
        response = client.get(reverse("planning:index"), {"_export": "xlsx"})
        from openpyxl import load_workbook

        assert len(list(load_workbook(io.BytesIO(response.content)).active.iter_rows())) == 1


def test_gantt_keeps_a_constant_number_of_queries(client, winner_3e, mdo_manager, django_assert_max_num_queries):
    def grow():
        for n in range(4):
            project = Project.objects.create(title=f"Projet {n}", district=3, selected=True, status=ProjectStatus.WORKS)
            for name in ("Études", "Travaux"):
                ProjectPhase.objects.create(
                    project=project, kind=kind(name), planned_start=days(-n), planned_end=days(n)
                )
            line = approved_line(project=project, amount_ttc=Decimal("1200.00"), requester=mdo_manager)
            order = make_order(contract=make_contract(by=mdo_manager), line=line, by=mdo_manager)
            Milestone.objects.create(
                contract=order.contract,
                order=order,
                label="J",
                amount_ht=Decimal("10.00"),
                due_on=days(n),
                created_by=mdo_manager,
            )

    client.force_login(mdo_manager)
    count = assert_constant_queries(client, reverse("planning:index"), grow)
    with django_assert_max_num_queries(count):
        client.get(reverse("planning:index"))


def test_gantt_bad_filter_answers_the_page_with_a_message(client, winner_3e, mdo_manager):
    client.force_login(mdo_manager)
    response = client.get(reverse("planning:index"), {"edition": "abc", "page": "x"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


@pytest.mark.parametrize("field", ["edition", "lead_directorate", "status"])
def test_gantt_follows_the_projects_lists_edition_directorate_and_status_filters(client, winner_3e, mdo_manager, field):
    from projects.models import Edition
    from tests.factories import directorate

    edition = Edition.objects.create(name="Budget participatif 2", number=2, start_year=2025, end_year=2026)
    Project.objects.filter(pk=winner_3e.pk).update(edition=edition)
    other = Project.objects.create(
        title="Fontaine de Ménival",
        kind=ProjectKind.PARTICIPATORY_BUDGET,
        district=3,
        status=ProjectStatus.WORKS,
        selected=True,
        edition=Edition.objects.create(name="Budget participatif 1", number=1, start_year=2022, end_year=2023),
        lead_directorate=directorate("Direction de l'Eau"),
    )
    ProjectPhase.objects.create(project=other, kind=kind("Travaux"), planned_start=days(0), planned_end=days(90))
    value = {"edition": edition.pk, "lead_directorate": winner_3e.lead_directorate_id, "status": "winner"}[field]
    client.force_login(mdo_manager)
    html = client.get(reverse("planning:index"), {field: value}).content.decode()
    assert "Jardin partagé Guichard" in html and "Fontaine de Ménival" not in html
    unfiltered = client.get(reverse("planning:index")).content.decode()
    assert "Jardin partagé Guichard" in unfiltered and "Fontaine de Ménival" in unfiltered


def test_gantt_prints_without_its_controls_and_with_its_colours(client, winner_3e, mdo_manager):
    from django.contrib.staticfiles import finders

    client.force_login(mdo_manager)
    html = client.get(reverse("planning:index")).content.decode()
    assert "data-print-page" in html and "planning/gantt.css" in html and "planning/gantt.js" in html
    with open(finders.find("planning/gantt.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    print_rules = css.split("@media print", 1)[1].split("\n}", 1)[0]
    assert ".filters" in print_rules and "display: none" in print_rules
    assert "print-color-adjust: exact" in print_rules and ".gantt-bar" in print_rules
