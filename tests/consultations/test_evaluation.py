"""The evaluation grid: MDO-defined criteria, scored with comments, compared across consultations."""

import pytest
from django.urls import reverse

from consultations import imports, services
from consultations.models import Consultation, EvaluationCriterion, EvaluationScore
from tests.consultations.conftest import open_consultation

pytestmark = pytest.mark.django_db


def _published(officer, manager, title, partners):
    consultation = open_consultation(officer, manager, title=title, partners=partners)
    imports.import_answers(consultation=consultation, data=b"Q1\nOui\n", filename="a.csv", by=officer)
    services.consultation_transition(consultation=consultation, name="start_analysis", by=officer)
    services.bilan_save(consultation=consultation, heard="Entendu", city_response="", outcomes={}, by=officer)
    return services.consultation_transition(consultation=consultation, name="publish_bilan", by=officer)


def test_criteria_scored_and_compared(
    client, mdo_officer, mdo_manager, green_directorate, town_hall_agent, other_town_hall_agent
):
    client.force_login(mdo_manager)
    for name in ("Diversité des publics", "Qualité du retour"):
        client.post(reverse("consultations:criteria"), {"name": name})
    assert client.post(reverse("consultations:criteria"), {"name": "diversité des publics"}).status_code == 400
    diversity, feedback = EvaluationCriterion.objects.order_by("position")
    first = _published(mdo_officer, mdo_manager, "Place Guichard", [green_directorate])
    second = _published(mdo_officer, mdo_manager, "Parc du 3e", [green_directorate])
    url = reverse("consultations:evaluation", args=[first.pk])
    refused = client.post(url, {f"score_{diversity.pk}": "9"})
    assert refused.status_code == 400 and not EvaluationScore.objects.exists()
    client.post(
        url,
        {
            f"score_{diversity.pk}": "4",
            f"comment_{diversity.pk}": "Jeunes peu présents",
            f"score_{feedback.pk}": "2",
            "summary": "À refaire avec les écoles",
        },
    )
    client.post(
        reverse("consultations:evaluation", args=[second.pk]),
        {f"score_{diversity.pk}": "2", f"score_{feedback.pk}": "4"},
    )
    assert (
        EvaluationScore.objects.get(criterion=diversity, evaluation__consultation=first).comment
        == "Jeunes peu présents"
    )
    page = client.get(reverse("consultations:evaluations")).content.decode()
    assert "Place Guichard" in page and "Parc du 3e" in page
    assert "<td>3.0</td><td>3.0</td>" in page or "<td>3,0</td><td>3,0</td>" in page  # the network's means
    # A town hall outside the district does not see these evaluations; a partner reads them without the form.
    client.force_login(other_town_hall_agent)
    assert "Place Guichard" not in client.get(reverse("consultations:evaluations")).content.decode()
    client.force_login(town_hall_agent)
    page = client.get(url).content.decode()
    assert "Jeunes peu présents" in page and "<form" not in page.split("<main")[1]
    assert client.post(url, {f"score_{diversity.pk}": "0"}).status_code == 404


def test_a_consultation_is_evaluated_only_once_its_bilan_is_published(client, open_one, mdo_manager):
    criterion = EvaluationCriterion.objects.create(name="Coût")
    client.force_login(mdo_manager)
    response = client.post(reverse("consultations:evaluation", args=[open_one.pk]), {f"score_{criterion.pk}": "3"})
    assert response.status_code == 400 and "bilan publié" in response.content.decode()
    assert Consultation.objects.get(pk=open_one.pk).status == "open"


def test_a_delivered_project_is_evaluated_and_compared(client, mdo_manager, other_town_hall_agent):
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(title="Jardin partagé Montchat", district=3, status="delivered")
    criterion = EvaluationCriterion.objects.create(name="Coût")
    client.force_login(mdo_manager)
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("consultations:project_evaluation", args=[project.pk]) in page
    client.post(
        reverse("consultations:project_evaluation", args=[project.pk]),
        {f"score_{criterion.pk}": "5", f"comment_{criterion.pk}": "Sous le budget"},
    )
    assert EvaluationScore.objects.get(evaluation__project=project).score == 5
    assert "Jardin partagé Montchat" in client.get(reverse("consultations:evaluations")).content.decode()
    client.force_login(other_town_hall_agent)
    assert client.get(reverse("consultations:project_evaluation", args=[project.pk])).status_code == 404
