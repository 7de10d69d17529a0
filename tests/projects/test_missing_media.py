"""A database restored without its media folder: the attachment answers 404 in French, not a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.models import Attachment

pytestmark = pytest.mark.django_db


def test_attachment_whose_file_is_gone_answers_404_with_a_french_message(project, mdo_officer, settings):
    client = Client(raise_request_exception=False)
    client.force_login(mdo_officer)
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    client.post(reverse("projects:attachment_upload", args=[project.pk]), {"file": upload, "title": "Plan masse"})
    attachment = Attachment.objects.get()
    (settings.MEDIA_ROOT / attachment.file.name).unlink()  # the media folder was not restored
    response = client.get(reverse("projects:attachment", args=[project.pk, attachment.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Le fichier de cette pièce jointe est introuvable sur le serveur" in page
    assert "restauré depuis la sauvegarde" in page
    # The project page itself still opens, the attachment listed.
    assert client.get(project.get_absolute_url()).status_code == 200
