"""A project's description written with the rich-text toolbar: stored as the sanitiser keeps it, shown
formatted on the project's page, its directorate's task page and the PDF sheet; an older plain-text
description reads as before; the history shows words, not tags."""

import io

import pytest
from django.urls import reverse

from projects.models import Project

pytestmark = pytest.mark.django_db

FORMATTED = "<p>Une place <strong>plantée</strong> et <em>ombragée</em></p><ul><li>dix arbres</li></ul>"


def _edit(client, project, description):
    return client.post(
        reverse("projects:edit", args=[project.pk]),
        {
            "kind": "participatory_budget",
            "title": project.title,
            "district": "3",
            "progress": "0",
            "description": description,
        },
    )


def test_the_toolbars_description_is_stored_sanitised_and_shown_formatted(client, project, mdo_officer):
    client.force_login(mdo_officer)
    form = client.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert "data-richtext" in form and "vendor/quill/quill.js" in form and "mdo/richtext.js" in form
    response = _edit(client, project, FORMATTED + '<script>alert(1)</script><img src=x onerror="alert(2)">')
    assert response.status_code == 302, response.context["form"].errors
    project.refresh_from_db()
    assert project.description == FORMATTED
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'data-testid="project-description">{FORMATTED}</div>' in page
    assert "alert(" not in page


def test_an_older_plain_description_keeps_its_line_breaks_and_stays_text(client, project, mdo_officer):
    Project.objects.filter(pk=project.pk).update(description="Une place plantée.\nDix arbres.\n\nCoût & délai : 2 < 3")
    client.force_login(mdo_officer)
    page = client.get(project.get_absolute_url()).content.decode()
    assert (
        'data-testid="project-description"><p>Une place plantée.<br>Dix arbres.</p>\n\n<p>Coût &amp; délai : 2 &lt; 3</p>'
        in page
    )


def test_the_directorates_task_page_shows_the_formatted_description(client, project, mdo_officer, directorate_agent):
    from projects import flows
    from projects.enums import ProjectStatus
    from projects.services import TransitionData, project_transition

    Project.objects.filter(pk=project.pk).update(description=FORMATTED, status=ProjectStatus.ADMISSIBLE)
    project.refresh_from_db()
    project_transition(project=project, name="start_review", by=mdo_officer, data=TransitionData(open_review=True))
    (task,) = flows.open_tasks_for(directorate_agent)
    client.force_login(directorate_agent)
    page = client.get(reverse("projects:task", args=[task.pk])).content.decode()
    assert "<strong>plantée</strong>" in page and "&lt;strong&gt;" not in page


def test_the_pdf_sheet_prints_the_description_formatted_not_its_tags(client, project, mdo_officer):
    from pypdf import PdfReader

    Project.objects.filter(pk=project.pk).update(description=FORMATTED, public_summary="")
    client.force_login(mdo_officer)
    reader = PdfReader(io.BytesIO(client.get(reverse("projects:sheet", args=[project.pk])).content))
    runs: list[tuple[str, str]] = []
    for page in reader.pages:
        page.extract_text(
            visitor_text=lambda text, cm, tm, font, size: runs.append((text, str((font or {}).get("/BaseFont", ""))))
        )
    text = "".join(t for t, _font in runs)
    assert "plantée" in text and "dix arbres" in text and "<strong>" not in text and "<p>" not in text
    assert any("plantée" in t and "Bold" in font for t, font in runs)
    assert not any("Une place" in t and "Bold" in font for t, font in runs)


def test_the_history_shows_the_descriptions_words_not_its_tags(client, project, mdo_officer):
    client.force_login(mdo_officer)
    _edit(client, project, FORMATTED)
    history = client.get(project.get_absolute_url()).context["history"]
    changes = {field: (old, new) for row in history for field, old, new in row.changes}
    assert changes["description"][1] == "Une place plantée et ombragée\ndix arbres"
