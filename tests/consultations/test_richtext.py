"""A consultation's presentation and scope are written with the rich-text toolbar: stored as the sanitiser
keeps them and shown formatted; older plain texts keep their line breaks."""

import pytest
from django.urls import reverse

from consultations.models import Consultation

pytestmark = pytest.mark.django_db


def test_presentation_and_scope_are_stored_sanitised_and_shown_formatted(client, consultation, mdo_officer):
    client.force_login(mdo_officer)
    form = client.get(reverse("consultations:edit", args=[consultation.pk])).content.decode()
    assert form.count("data-richtext") == 3 and "vendor/quill/quill.js" in form
    response = client.post(
        reverse("consultations:edit", args=[consultation.pk]),
        {
            "title": consultation.title,
            "public_question": "?",
            "description": "<p>La place <strong>rénovée</strong></p><script>alert(1)</script>",
            "scope_open": "<ul><li>les jeux</li><li>le mobilier</li></ul>",
            "scope_fixed": "Le métro.\nLes bus.",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    consultation.refresh_from_db()
    assert consultation.description == "<p>La place <strong>rénovée</strong></p>"
    assert consultation.scope_open == "<ul><li>les jeux</li><li>le mobilier</li></ul>"
    assert consultation.scope_fixed == "<p>Le métro.<br>Les bus.</p>"
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "<p>La place <strong>rénovée</strong></p>" in page and "alert(" not in page
    assert 'data-testid="scope-open"><ul><li>les jeux</li><li>le mobilier</li></ul></dd>' in page


def test_an_older_plain_scope_keeps_its_line_breaks(client, consultation, mdo_officer):
    Consultation.objects.filter(pk=consultation.pk).update(scope_open="L'usage de la place.\nLes jeux & le mobilier.")
    client.force_login(mdo_officer)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert 'data-testid="scope-open"><p>L\'usage de la place.<br>Les jeux &amp; le mobilier.</p></dd>' in page
