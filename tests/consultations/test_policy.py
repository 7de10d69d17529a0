"""Who may act on a consultation is read from mdo/policy.py: a partner who sees the file, or a director who
sees every file, is refused every MDO action (404, nothing written); the lifecycle's buttons follow the table."""

import pytest
from django.urls import reverse

from consultations import imports, services
from consultations.lifecycle import available_transitions
from consultations.models import Answer, Consultation, EvaluationCriterion, GlossaryTerm, Partner
from mdo import policy

pytestmark = pytest.mark.django_db


def _snapshot(consultation):
    consultation = Consultation.objects.get(pk=consultation.pk)
    version = consultation.versions.order_by("-number").first()
    return (
        consultation.title,
        consultation.status,
        consultation.partners.count(),
        consultation.objectives.count(),
        version.sections.count(),
        list(version.questions.order_by("pk").values_list("pk", "position", "text")),
        GlossaryTerm.objects.count(),
        EvaluationCriterion.objects.count(),
    )


@pytest.mark.parametrize("who", ["town_hall_agent", "director"])
def test_who_sees_the_file_but_is_not_the_mdo_is_refused_each_mdo_action(
    client, request, consultation, mdo_officer, who
):
    """The 3rd's town hall (a partner) and a director both see the file; neither may change it."""
    user = request.getfixturevalue(who)
    pk = consultation.pk
    draft = services.draft_of(consultation)
    section = draft.sections.get()
    question = draft.questions.first()
    partner = consultation.partners.first()
    objective = services.objective_add(consultation=consultation, text="Plus d'ombre", by=mdo_officer)
    term = GlossaryTerm.objects.create(term="AMO", suggestion="assistance à maîtrise d'ouvrage")
    before = _snapshot(consultation)
    client.force_login(user)
    assert client.get(consultation.get_absolute_url()).status_code == 200
    gets = [
        reverse("consultations:create"),
        reverse("consultations:edit", args=[pk]),
        reverse("consultations:question_add", args=[pk]),
        reverse("consultations:question_edit", args=[pk, question.pk]),
        reverse("consultations:import", args=[pk]),
        reverse("consultations:bilan_edit", args=[pk]),
        reverse("consultations:criteria"),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (reverse("consultations:create"), {"title": "Autre", "public_question": "?"}),
        (reverse("consultations:edit", args=[pk]), {"title": "Changé"}),
        (reverse("consultations:partner_add", args=[pk]), {"organisation": partner.organisation_id}),
        (reverse("consultations:partner_remove", args=[pk, partner.pk]), {}),
        (reverse("consultations:objective_add", args=[pk]), {"text": "Un autre"}),
        (reverse("consultations:objective_remove", args=[pk, objective.pk]), {}),
        (reverse("consultations:section_add", args=[pk]), {"title": "Nouvelle"}),
        (reverse("consultations:section_delete", args=[pk, section.pk]), {}),
        (reverse("consultations:question_add", args=[pk]), {"text": "Q?", "kind": "yes_no", "section": section.pk}),
        (reverse("consultations:question_delete", args=[pk, question.pk]), {}),
        (reverse("consultations:question_move", args=[pk, question.pk, "down"]), {}),
        (reverse("consultations:questions_reorder", args=[pk]), {"order": f"{section.pk}:{question.pk}"}),
        (reverse("consultations:import", args=[pk]), {}),
        (reverse("consultations:bilan_edit", args=[pk]), {"heard": "x"}),
        (reverse("consultations:criteria"), {"name": "Diversité"}),
        (reverse("consultations:glossary"), {"term": "PLU"}),
        (reverse("consultations:glossary_delete", args=[term.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # The transition answers with the refusal's reason on the file, as for a condition not met.
    response = client.post(reverse("consultations:transition", args=[pk, "submit_for_review"]), follow=True)
    assert "pas le droit" in response.content.decode()
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert reverse("consultations:edit", args=[pk]) not in page
    assert reverse("consultations:transition", args=[pk, "submit_for_review"]) not in page
    assert _snapshot(consultation) == before
    assert client.get(reverse("consultations:glossary")).status_code == 200


def test_comment_reply_and_answer_tags_are_refused_to_a_partner(client, open_one, mdo_officer, town_hall_agent):
    imports.import_answers(
        consultation=open_one, data=b"repondant;Q1;Q5\na;Oui;Plus d'arbres\n", filename="a.csv", by=mdo_officer
    )
    answer = Answer.objects.get(text="Plus d'arbres")
    client.force_login(town_hall_agent)
    url = reverse("consultations:answer_tags", args=[open_one.pk, answer.pk])
    assert client.post(url, {"tags": "ombre"}).status_code == 404
    assert not answer.tags.exists()
    page = client.get(reverse("consultations:free_text", args=[open_one.pk])).content.decode()
    assert url not in page


def test_the_lifecycle_reads_the_table(mdo_officer, mdo_manager, consultation):
    assert policy.allows(mdo_officer, "transition:submit_for_review", consultation)
    assert not policy.allows(mdo_officer, "transition:close", consultation)
    assert policy.allows(mdo_manager, "transition:close", consultation)
    names = [row["name"] for row in available_transitions(consultation, mdo_officer)]
    assert names == ["submit_for_review"]
    consultation.status = "report_published"
    assert available_transitions(consultation, mdo_officer) == []
    assert [row["name"] for row in available_transitions(consultation, mdo_manager)] == ["close"]


def test_a_resource_is_changed_by_its_author_and_the_mdo_not_by_another_agent(
    client, town_hall_agent, other_town_hall_agent, mdo_officer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    resource = services.resource_create(
        title="Fiche balade urbaine",
        kind="fiche",
        summary="Comment organiser une balade.",
        file=SimpleUploadedFile("fiche.pdf", b"%PDF-1.4 fiche", content_type="application/pdf"),
        by=town_hall_agent,
    )
    url = reverse("consultations:resource_edit", args=[resource.pk])
    client.force_login(other_town_hall_agent)
    assert client.get(resource.get_absolute_url()).status_code == 200
    assert client.get(url).status_code == 404
    for user in (town_hall_agent, mdo_officer):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_a_partner_without_a_review_role_gets_no_review_task(client, consultation, mdo_officer, director):
    services.consultation_transition(consultation=consultation, name="submit_for_review", by=mdo_officer)
    assert Partner.objects.filter(consultation=consultation).count() == 2
    assert not policy.allows(director, "review", consultation)
    client.force_login(director)
    assert "Relire le questionnaire" not in client.get(reverse("tasks")).content.decode()
