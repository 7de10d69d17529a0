"""List pages keep a constant number of queries whatever the volume."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from consultations import imports, services
from tests.consultations.conftest import build_consultation
from tests.factories import town_hall
from tests.helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_consultation_list_queries_are_constant(
    client, mdo_officer, town_hall_agent, green_directorate, django_assert_max_num_queries
):
    build_consultation(mdo_officer, partners=[town_hall(3), green_directorate])
    client.force_login(town_hall_agent)
    url = reverse("consultations:index")

    def grow():
        for n in range(4):
            build_consultation(mdo_officer, title=f"Consultation {n}", partners=[town_hall(3), green_directorate])

    count = assert_constant_queries(client, url, grow)
    # One more than the page's own: the bell's count of unread notifications.
    with django_assert_max_num_queries(13):
        client.get(url)
    assert count <= 13


def test_resource_list_queries_are_constant(client, mdo_officer, town_hall_agent, django_assert_max_num_queries):
    def add(n):
        resource = services.resource_create(
            title=f"Guide {n}",
            kind="guide",
            summary="",
            themes=["A", f"T{n}"],
            file=ContentFile(b"%PDF-1.4", name="g.pdf"),
            by=mdo_officer,
        )
        services.resource_version_add(resource=resource, file=ContentFile(b"%PDF-1.4", name="g2.pdf"), by=mdo_officer)

    add(0)
    client.force_login(town_hall_agent)
    url = reverse("consultations:resources")
    assert_constant_queries(client, url, lambda: [add(n) for n in range(1, 5)])
    with django_assert_max_num_queries(14):  # with the bell's count
        client.get(url)


def test_results_and_free_text_queries_are_constant(client, open_one, mdo_officer, django_assert_max_num_queries):
    client.force_login(mdo_officer)
    imports.import_answers(
        consultation=open_one, data="Q1;Q5\nOui;Une idée\n".encode(), filename="a.csv", by=mdo_officer
    )
    results = reverse("consultations:results", args=[open_one.pk])
    free = reverse("consultations:free_text", args=[open_one.pk])
    rows = "\n".join(f"Oui;Idée {n}" for n in range(60))

    def grow():
        imports.import_answers(
            consultation=open_one, data=f"Q1;Q5\n{rows}\n".encode(), filename="b.csv", by=mdo_officer
        )

    before_results = assert_constant_queries(client, results, lambda: None)
    before_free = assert_constant_queries(client, free, grow)
    assert assert_constant_queries(client, results, lambda: None) == before_results
    with django_assert_max_num_queries(18):
        client.get(results)
    with django_assert_max_num_queries(16):
        client.get(free)
    assert before_free <= 16


def test_project_page_with_linked_consultations_keeps_a_constant_number_of_queries(
    client, mdo_officer, django_assert_max_num_queries
):
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(title="Place Guichard", district=3, status="delivered")
    client.force_login(mdo_officer)
    url = project.get_absolute_url()

    def grow():
        for n in range(3):
            consultation = build_consultation(mdo_officer, title=f"Concertation {n}")
            services.consultation_update(consultation=consultation, projects=[project], by=mdo_officer)

    count = assert_constant_queries(client, url, grow)
    # The project page's 19 (tests/projects) + the evaluation, asked only for a delivered or closed project.
    assert count <= 20
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert "Concertation 2" in response.content.decode() and "Évaluer le projet" in response.content.decode()
