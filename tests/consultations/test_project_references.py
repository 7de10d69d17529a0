"""A consultation or a resource the reader may see, linked to a project they may not open: no link, no title.

The 3rd district's town hall sees the consultation of its district and every resource of the network, not
the 5th district's projects; the pages link the linked projects it may open and name none of the others.
"""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations import services
from tests.consultations.conftest import build_consultation
from tests.factories import town_hall
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(mdo_officer):
    third = ProjectFactory(title="Végétalisation de la place Guichard", district=3)
    fifth = ProjectFactory(title="Belvédère de Fourvière", district=5)
    consultation = build_consultation(mdo_officer, partners=[town_hall(3)], title="Place Guichard")
    services.consultation_update(consultation=consultation, by=mdo_officer, projects=[third, fifth])
    resource = services.resource_create(
        title="Retour d'expérience des ateliers",
        kind="guide",
        summary="Ce qui a marché.",
        file=SimpleUploadedFile("retour.pdf", b"%PDF-1.4 retour", content_type="application/pdf"),
        projects=[third, fifth],
        by=mdo_officer,
    )
    return consultation, resource, third, fifth


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def test_pages_link_only_the_linked_projects_the_reader_may_open(client, linked, town_hall_agent, mdo_officer):
    consultation, resource, third, fifth = linked
    client.force_login(town_hall_agent)
    assert client.get(fifth.get_absolute_url()).status_code == 404  # why there is no reference
    for url in (consultation.get_absolute_url(), resource.get_absolute_url()):
        page = _page(client, url)
        assert f'href="{third.get_absolute_url()}"' in page, url
        assert fifth.title not in page and fifth.get_absolute_url() not in page, url
    client.force_login(mdo_officer)
    for url in (consultation.get_absolute_url(), resource.get_absolute_url()):
        assert f'href="{fifth.get_absolute_url()}"' in _page(client, url), url
