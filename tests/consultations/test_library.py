"""« Ressources du réseau »: versions of a file, themes, links, search, visible to every agent."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations.models import Resource

pytestmark = pytest.mark.django_db


def test_an_agent_adds_a_resource_others_find_it_and_a_new_version_is_kept(
    client, town_hall_agent, mdo_officer, outsider, consultation
):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:resource_create"),
        {
            "title": "Guide du questionnaire neutre",
            "kind": "guide",
            "themes": "Questionnaires, Neutralité",
            "summary": "Dix règles.",
            "consultations": [consultation.pk],
            "file": SimpleUploadedFile("guide.pdf", b"%PDF-1.4 v1", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert resource.versions.get().number == 1
    client.post(
        reverse("consultations:resource_version_add", args=[resource.pk]),
        {"file": SimpleUploadedFile("guide-v2.odt", b"v2"), "note": "Exemples"},
    )
    assert list(resource.versions.values_list("number", flat=True)) == [2, 1]
    # Every agent of the network sees it and finds it by a theme.
    client.force_login(outsider)
    page = client.get(reverse("consultations:resources"), {"q": "neutralité"}).content.decode()
    assert "Guide du questionnaire neutre" in page
    assert (
        "Guide du questionnaire neutre"
        not in client.get(reverse("consultations:resources"), {"q": "budget"}).content.decode()
    )
    detail = client.get(resource.get_absolute_url()).content.decode()
    assert "Version 2" in detail and "Exemples" in detail
    # The consultation it is linked to is out of the outsider's scope: not listed on the resource.
    assert consultation.title not in detail
    download = client.get(reverse("consultations:resource_download", args=[resource.pk, 1]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 v1"
    # Not the author: may not change it.
    assert client.get(reverse("consultations:resource_edit", args=[resource.pk])).status_code == 404
    client.force_login(town_hall_agent)
    assert consultation.title in client.get(resource.get_absolute_url()).content.decode()


def test_a_file_that_is_not_pdf_office_or_opendocument_is_refused(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:resource_create"),
        {"title": "Script", "kind": "fiche", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 400
    assert "Le fichier doit être un PDF, un document Office ou OpenDocument" in response.content.decode()
    assert not Resource.objects.exists()


def test_an_unknown_resource_is_404(client, town_hall_agent):
    client.force_login(town_hall_agent)
    assert client.get(reverse("consultations:resource_detail", args=[999])).status_code == 404


def test_the_organiser_attaches_a_resource_to_a_point_of_the_network_meeting(client, mdo_officer, town_hall_agent):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from consultations import services
    from meetings.enums import MeetingKind
    from tests.meetings.factories import make_meeting

    meeting = make_meeting(
        mdo_officer,
        kind=MeetingKind.NETWORK,
        title="Réseau de janvier",
        start=timezone.now() + dt.timedelta(days=7),
        users=[town_hall_agent],
        agenda=["Retour d'expérience : questionnaires"],
    )
    item = meeting.agenda_items.get()
    resource = services.resource_create(
        title="Fiche questionnaire",
        kind="fiche",
        summary="",
        file=ContentFile(b"%PDF-1.4", name="f.pdf"),
        by=town_hall_agent,
    )
    url = reverse("consultations:resource_attach", args=[resource.pk])
    # An invited agent sees the meeting but may not change its agenda.
    client.force_login(town_hall_agent)
    client.post(url, {"agenda_item": item.pk})
    assert not resource.agenda_items.exists()
    client.force_login(mdo_officer)
    page = client.get(resource.get_absolute_url()).content.decode()
    assert "Retour d&#x27;expérience : questionnaires" in page  # offered in the form
    client.post(url, {"agenda_item": item.pk})
    assert list(resource.agenda_items.all()) == [item] and list(resource.meetings.all()) == [meeting]
    # The meeting page lists it, with its point; the invited agent sees it too.
    client.force_login(town_hall_agent)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Fiche questionnaire" in page and "point « Retour d&#x27;expérience : questionnaires »" in page
    client.force_login(mdo_officer)
    assert client.post(url, {"agenda_item": "999"}).status_code == 404
