"""A project's phases edited in the app by those who may plan it, with their dates checked in French."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.models import PhaseKind, PhaseStatus, ProjectPhase
from projects.models import Project
from tests.factories import directorate


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def project(db, mdo_officer):
    """A 3e project led by the Espaces verts, planned over the next year."""
    return Project.objects.create(
        title="Jardin partagé Guichard",
        district=3,
        officer=mdo_officer,
        lead_directorate=directorate("Direction des Espaces verts"),
        planned_start=days(0),
        planned_end=days(365),
    )


def _data(kind="Travaux", start=10, end=100, **extra):
    return {
        "kind": PhaseKind.objects.get(name=kind).pk,
        "planned_start": days(start).isoformat(),
        "planned_end": days(end).isoformat(),
        "status": PhaseStatus.PLANNED,
        **extra,
    }


@pytest.mark.parametrize("who", ["mdo_officer", "directorate_agent"])
def test_projects_editors_add_a_phase(client, project, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.post(reverse("planning:phase_create", args=[project.pk]), _data(owner=user.pk))
    assert response.status_code == 302
    assert response["Location"] == f"{project.get_absolute_url()}#phases"
    phase = ProjectPhase.objects.get(project=project)
    assert (phase.kind.name, phase.planned_start, phase.planned_end, phase.owner) == (
        "Travaux",
        days(10),
        days(100),
        user,
    )
    assert phase.history.get().history_user == user


@pytest.mark.parametrize("who", ["town_hall_agent", "outsider", "other_town_hall_agent"])
def test_who_may_not_plan_the_project_gets_404(client, project, who, request):
    phase = ProjectPhase.objects.create(
        project=project, kind=PhaseKind.objects.get(name="Études"), planned_start=days(1), planned_end=days(30)
    )
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("planning:phase_create", args=[project.pk])).status_code == 404
    assert client.post(reverse("planning:phase_create", args=[project.pk]), _data()).status_code == 404
    assert client.post(reverse("planning:phase_edit", args=[phase.pk]), _data(kind="Études")).status_code == 404
    assert client.post(reverse("planning:phase_delete", args=[phase.pk])).status_code == 404
    assert ProjectPhase.objects.get().planned_end == days(30)
    html = client.get(project.get_absolute_url()).content.decode()
    assert reverse("planning:phase_edit", args=[phase.pk]) not in html and "Ajouter une phase" not in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": 50, "end": 20}, "planned_end", "La fin prévue ne peut pas précéder le début prévu."),
        ({"start": -5}, "planned_start", "La phase ne peut pas commencer avant le début prévu du projet ("),
        ({"end": 400}, "planned_end", "La phase ne peut pas finir après la fin prévue du projet ("),
        (
            {"actual_start": days(20).isoformat(), "actual_end": days(15).isoformat()},
            "actual_end",
            "La fin réelle ne peut pas précéder le début réel.",
        ),
        ({"actual_end": days(15).isoformat()}, "actual_start", "Une phase terminée a un début réel."),
        ({"planned_start": "31/02/2027"}, "planned_start", "Saisissez une date valide."),
    ],
)
def test_bad_dates_are_refused_in_french_at_the_field(client, project, mdo_officer, data, field, message):
    client.force_login(mdo_officer)
    form_data = _data(**{key: value for key, value in data.items() if key in ("start", "end")})
    form_data.update({key: value for key, value in data.items() if key not in ("start", "end")})
    response = client.post(reverse("planning:phase_create", args=[project.pk]), form_data)
    assert response.status_code == 400
    assert any(error.startswith(message) for error in response.context["form"].errors[field]), response.context[
        "form"
    ].errors
    assert not ProjectPhase.objects.exists()


def test_a_kind_already_planned_is_not_offered_again(client, project, mdo_officer):
    ProjectPhase.objects.create(
        project=project, kind=PhaseKind.objects.get(name="Travaux"), planned_start=days(1), planned_end=days(30)
    )
    client.force_login(mdo_officer)
    response = client.post(reverse("planning:phase_create", args=[project.pk]), _data())
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    assert ProjectPhase.objects.count() == 1


def test_editing_a_phase_keeps_its_kind_and_checks_the_dates(client, project, mdo_officer):
    phase = ProjectPhase.objects.create(
        project=project, kind=PhaseKind.objects.get(name="Travaux"), planned_start=days(1), planned_end=days(30)
    )
    client.force_login(mdo_officer)
    page = client.get(reverse("planning:phase_edit", args=[phase.pk]))
    assert page.status_code == 200 and "Modifier la phase « Travaux »" in page.content.decode()
    response = client.post(reverse("planning:phase_edit", args=[phase.pk]), _data(start=5, end=60))
    assert response.status_code == 302
    phase.refresh_from_db()
    assert (phase.planned_start, phase.planned_end) == (days(5), days(60))
    response = client.post(reverse("planning:phase_edit", args=[phase.pk]), _data(start=5, end=500))
    assert response.status_code == 400
    phase.refresh_from_db()
    assert phase.planned_end == days(60)


def test_deleting_a_phase_is_a_post(client, project, mdo_officer):
    phase = ProjectPhase.objects.create(
        project=project, kind=PhaseKind.objects.get(name="Travaux"), planned_start=days(1), planned_end=days(30)
    )
    client.force_login(mdo_officer)
    assert client.get(reverse("planning:phase_delete", args=[phase.pk])).status_code == 405
    assert client.post(reverse("planning:phase_delete", args=[phase.pk])).status_code == 302
    assert not ProjectPhase.objects.exists()


def test_project_page_lists_its_phases_with_the_late_ones_flagged(client, project, mdo_officer):
    Project.objects.filter(pk=project.pk).update(planned_start=days(-100))
    ProjectPhase.objects.create(
        project=project, kind=PhaseKind.objects.get(name="Études"), planned_start=days(-90), planned_end=days(-10)
    )
    ProjectPhase.objects.create(
        project=project, kind=PhaseKind.objects.get(name="Travaux"), planned_start=days(1), planned_end=days(30)
    )
    client.force_login(mdo_officer)
    html = client.get(project.get_absolute_url()).content.decode()
    assert "Phases prévues du projet (2)" in html
    assert html.count("En retard</span>") == 1
    assert html.index("Études") < html.index("En retard</span>") < html.index("Travaux")
    assert "Ajouter une phase" in html
