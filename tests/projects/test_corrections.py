"""Correcting mistakes on a project: a comment edited or withdrawn by its author, an attachment replaced or
removed by who uploaded it (or the MDO). Each change leaves a line in the project's story; anyone else is
refused and the record stays as it was."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Attachment, TimelineEntry, TimelineKind
from projects.services import attachment_add, timeline_comment_add

pytestmark = pytest.mark.django_db


def _pdf(name="plan.pdf", content=b"%PDF-1.4 plan"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def comment(project, town_hall_agent):
    return timeline_comment_add(project=project, by=town_hall_agent, text="Le conseil de quartier est favorabe")


@pytest.fixture
def attachment(project, town_hall_agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return attachment_add(project=project, by=town_hall_agent, file=_pdf(), title="Plan masse")


def _edit(project, entry):
    return reverse("projects:comment_edit", args=[project.pk, entry.pk])


def _delete(project, entry):
    return reverse("projects:comment_delete", args=[project.pk, entry.pk])


def test_the_author_corrects_a_comment_and_the_story_says_so(client, project, comment, town_hall_agent):
    client.force_login(town_hall_agent)
    page = client.get(project.get_absolute_url()).content.decode()
    assert _edit(project, comment) in page and _delete(project, comment) in page
    assert 'data-confirm="Retirer ce commentaire' in page
    assert "Le conseil de quartier est favorabe" in client.get(_edit(project, comment)).content.decode()

    response = client.post(_edit(project, comment), {"text": "Le conseil de quartier est favorable"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Le conseil de quartier est favorable"
    correction = project.timeline.get(kind=TimelineKind.CORRECTION)
    assert correction.author == town_hall_agent and "modifié" in correction.text


def test_an_empty_correction_is_refused_at_the_field(client, project, comment, town_hall_agent):
    client.force_login(town_hall_agent)
    response = client.post(_edit(project, comment), {"text": "   "})
    assert response.status_code == 400
    assert "form-control is-invalid" in response.content.decode() or response.context["form"].errors["text"]
    comment.refresh_from_db()
    assert comment.text == "Le conseil de quartier est favorabe"


def test_the_author_withdraws_a_comment_and_the_story_keeps_a_trace(client, project, comment, town_hall_agent):
    client.force_login(town_hall_agent)
    assert client.get(_delete(project, comment)).status_code == 405
    assert client.post(_delete(project, comment)).status_code == 302
    assert not TimelineEntry.objects.filter(pk=comment.pk).exists()
    assert "retiré par son auteur" in project.timeline.get(kind=TimelineKind.CORRECTION).text


@pytest.mark.parametrize("who", ["mdo_officer", "directorate_agent", "other_town_hall_agent"])
def test_someone_else_cannot_correct_or_withdraw_a_comment(client, project, comment, who, request):
    # Camille (the project's officer) and the lead directorate are involved, Sophie (5e) is out of scope.
    client.force_login(request.getfixturevalue(who))
    assert _edit(project, comment) not in client.get(project.get_absolute_url()).content.decode()
    assert client.get(_edit(project, comment)).status_code == 404
    assert client.post(_edit(project, comment), {"text": "Réécrit"}).status_code == 404
    assert client.post(_delete(project, comment)).status_code == 404
    comment.refresh_from_db()
    assert comment.text == "Le conseil de quartier est favorabe"
    assert not project.timeline.filter(kind=TimelineKind.CORRECTION).exists()


def test_the_line_an_attachment_wrote_is_no_comment_to_correct(client, project, attachment, town_hall_agent):
    line = project.timeline.get(kind=TimelineKind.ATTACHMENT)
    client.force_login(town_hall_agent)
    assert client.post(_edit(project, line), {"text": "Autre chose"}).status_code == 404
    assert client.post(_delete(project, line)).status_code == 404
    line.refresh_from_db()
    assert line.text == "Pièce jointe ajoutée : Plan masse"


def test_the_uploader_replaces_an_attachment_and_the_old_file_is_gone(
    client, project, attachment, town_hall_agent, django_capture_on_commit_callbacks
):
    old_path = attachment.file.path
    client.force_login(town_hall_agent)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'data-confirm="Remplacer « Plan masse »' in page and 'data-confirm="Supprimer « Plan masse »' in page
    url = reverse("projects:attachment_replace", args=[project.pk, attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                f"replace-{attachment.pk}-file": _pdf("plan-v2.pdf", b"%PDF-1.4 plan v2"),
                f"replace-{attachment.pk}-title": "Plan masse v2",
            },
        )
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert str(attachment) == "Plan masse v2" and attachment.file.read() == b"%PDF-1.4 plan v2"
    import os

    assert not os.path.exists(old_path)
    assert "Pièce jointe remplacée : Plan masse → Plan masse v2" in project.timeline.values_list("text", flat=True)


def test_a_refused_replacement_file_keeps_the_attachment(client, project, attachment, town_hall_agent):
    client.force_login(town_hall_agent)
    url = reverse("projects:attachment_replace", args=[project.pk, attachment.pk])
    response = client.post(
        url,
        {f"replace-{attachment.pk}-file": SimpleUploadedFile("virus.exe", b"MZ")},
        follow=True,
    )
    assert "Type de fichier non accepté" in response.content.decode()
    attachment.refresh_from_db()
    assert str(attachment) == "Plan masse" and attachment.file.read() == b"%PDF-1.4 plan"


def test_the_mdo_removes_an_attachment_with_a_trace(client, project, attachment, mdo_officer):
    client.force_login(mdo_officer)
    url = reverse("projects:attachment_delete", args=[project.pk, attachment.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not Attachment.objects.exists()
    assert "Pièce jointe supprimée : Plan masse" in project.timeline.values_list("text", flat=True)


@pytest.mark.parametrize("who,status", [("directorate_agent", 403), ("other_town_hall_agent", 404)])
def test_someone_else_cannot_replace_or_remove_an_attachment(client, project, attachment, who, status, request):
    # The lead directorate sees the project but did not upload the file; Sophie (5e) does not see it.
    client.force_login(request.getfixturevalue(who))
    delete = reverse("projects:attachment_delete", args=[project.pk, attachment.pk])
    replace = reverse("projects:attachment_replace", args=[project.pk, attachment.pk])
    assert client.post(delete).status_code == status
    assert client.post(replace, {f"replace-{attachment.pk}-file": _pdf("autre.pdf")}).status_code == status
    attachment.refresh_from_db()
    assert str(attachment) == "Plan masse" and attachment.file.read() == b"%PDF-1.4 plan"
    assert project.timeline.filter(kind=TimelineKind.ATTACHMENT).count() == 1
