"""A consultation built by the MDO, reviewed by a town hall and a directorate, revised, compared and
validated — through the real URLs, as the people would."""

import pytest
from django.urls import reverse

from consultations.enums import ConsultationStatus, VersionStatus
from consultations.models import Consultation, Question, QuestionComment, ReviewRequest
from tests.factories import town_hall

pytestmark = pytest.mark.django_db


def _post(client, url, data=None, **kwargs):
    response = client.post(url, data or {}, **kwargs)
    assert response.status_code in (200, 302), (url, response.status_code)
    return response


def test_mdo_builds_partners_review_mdo_revises_and_validates(
    client, mdo_officer, mdo_manager, town_hall_agent, directorate_agent, green_directorate
):
    # The MDO builds the file.
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:create"),
        {
            "title": "Avenir de la place Guichard",
            "public_question": "Comment voulez-vous que la place évolue ?",
            "districts": ["3"],
            "channels": ["platform", "street_stand"],
            "start_on": "",
            "end_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation = Consultation.objects.get(title="Avenir de la place Guichard")
    assert consultation.status == ConsultationStatus.PREPARATION
    detail = reverse("consultations:detail", args=[consultation.pk])
    _post(
        client,
        reverse("consultations:partner_add", args=[consultation.pk]),
        {"organisation": town_hall(3).pk, "contact": town_hall_agent.pk, "role": "Co-pilote"},
    )
    _post(
        client,
        reverse("consultations:partner_add", args=[consultation.pk]),
        {"organisation": green_directorate.pk, "contact": directorate_agent.pk},
    )
    _post(client, reverse("consultations:objective_add", args=[consultation.pk]), {"text": "Connaître les usages"})
    _post(client, reverse("consultations:section_add", args=[consultation.pk]), {"title": "Vos usages"})
    section = consultation.versions.get().sections.get()
    add = reverse("consultations:question_add", args=[consultation.pk])
    for data in (
        {"kind": "yes_no", "text": "Fréquentez-vous la place ?", "required": "on"},
        {"kind": "single", "text": "À quelle fréquence ?", "options": "Chaque jour\nChaque semaine\nPlus rarement"},
        {"kind": "long_text", "text": "Vos idées ?"},
    ):
        _post(client, add, {"section": section.pk, **data})
    frequency = Question.objects.get(text="À quelle fréquence ?")
    first = Question.objects.get(text="Fréquentez-vous la place ?")
    # A condition on an earlier question: refused with a wrong value, at the field.
    edit = reverse("consultations:question_edit", args=[consultation.pk, frequency.pk])
    base = {
        "section": section.pk,
        "kind": "single",
        "text": "À quelle fréquence ?",
        "options": "Chaque jour\nChaque semaine\nPlus rarement",
        "condition_question": first.pk,
    }
    refused = client.post(edit, {**base, "condition_value": "Peut-être"})
    assert refused.status_code == 200 and "Choisissez une des réponses proposées" in refused.content.decode()
    _post(client, edit, {**base, "condition_value": "Oui"})
    frequency.refresh_from_db()
    assert frequency.condition_question == first and frequency.condition_value == "Oui"
    # Reorder with the keyboard buttons, then with the drag and drop endpoint.
    ideas = Question.objects.get(text="Vos idées ?")
    _post(client, reverse("consultations:question_move", args=[consultation.pk, ideas.pk, "up"]))
    assert [q.text for q in section.questions.order_by("position")] == [
        "Fréquentez-vous la place ?",
        "Vos idées ?",
        "À quelle fréquence ?",
    ]
    order = ",".join(f"{section.pk}:{pk}" for pk in (first.pk, frequency.pk, ideas.pk))
    response = client.post(
        reverse("consultations:questions_reorder", args=[consultation.pk]),
        {"order": order},
        HTTP_ACCEPT="application/json",
    )
    assert response.json() == {"ok": True}
    assert list(section.questions.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        frequency.pk,
        ideas.pk,
    ]
    # Submitted: version 1 frozen, a review task for each partner.
    _post(client, reverse("consultations:transition", args=[consultation.pk, "submit_for_review"]), {"due_on": ""})
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.REVIEW
    v1 = consultation.versions.get(number=1)
    assert v1.status == VersionStatus.IN_REVIEW
    assert client.get(edit).status_code == 404  # frozen: no draft to edit

    # The town hall finds the task in « Mes tâches », comments on a question, gives its opinion.
    client.force_login(town_hall_agent)
    tasks = client.get(reverse("tasks")).content.decode()
    version_url = reverse("consultations:version", args=[consultation.pk, 1])
    assert "Relire le questionnaire" in tasks and version_url in tasks
    _post(
        client,
        reverse("consultations:comment_add", args=[consultation.pk, 1, frequency.pk]),
        {"text": "Ajoutez « Jamais » aux fréquences."},
    )
    review_url = reverse("consultations:review_answer", args=[consultation.pk, 1])
    refused = client.post(review_url, {"opinion": "reserved", "comment": ""})
    assert refused.status_code == 400 and "le commentaire est obligatoire" in refused.content.decode()
    assert ReviewRequest.objects.get(version=v1, organisation=town_hall(3)).opinion == ""
    nothing_chosen = client.post(review_url, {"comment": "?"})
    assert nothing_chosen.status_code == 400 and "Choisissez votre avis" in nothing_chosen.content.decode()
    _post(client, review_url, {"opinion": "reserved", "comment": "Compléter les fréquences."})
    assert "Relire le questionnaire" not in client.get(reverse("tasks")).content.decode()

    # The directorate: favourable, no comment needed.
    client.force_login(directorate_agent)
    assert version_url in client.get(reverse("tasks")).content.decode()
    _post(client, review_url, {"opinion": "favourable", "comment": ""})
    page = client.get(version_url).content.decode()
    assert "Favorable avec réserves" in page and "Ajoutez « Jamais »" in page

    # The MDO may not validate while a comment waits for its answer; nothing changes.
    client.force_login(mdo_manager)
    client.post(reverse("consultations:transition", args=[consultation.pk, "validate"]))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.REVIEW
    comment = QuestionComment.objects.get()
    _post(
        client,
        reverse("consultations:comment_reply", args=[consultation.pk, comment.pk]),
        {"reply": "Ajouté dans la version 2."},
    )
    # A new version, the question changed and one added.
    _post(
        client,
        reverse("consultations:transition", args=[consultation.pk, "new_version"]),
        {"note": "Fréquences complétées"},
    )
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PREPARATION
    v2 = consultation.versions.get(number=2)
    assert v2.status == VersionStatus.DRAFT and consultation.versions.get(number=1).status == VersionStatus.SUPERSEDED
    frequency_v2 = v2.questions.get(ref=frequency.ref)
    assert frequency_v2.condition_question.ref == first.ref  # the condition follows into the new version
    client.force_login(mdo_officer)
    _post(
        client,
        reverse("consultations:question_edit", args=[consultation.pk, frequency_v2.pk]),
        {
            **base,
            "section": v2.sections.get().pk,
            "condition_question": frequency_v2.condition_question.pk,
            "condition_value": "Oui",
            "options": "Chaque jour\nChaque semaine\nPlus rarement\nJamais",
            "text": "À quelle fréquence venez-vous ?",
        },
    )
    _post(
        client,
        add,
        {
            "section": v2.sections.get().pk,
            "kind": "scale5",
            "text": "Comment jugez-vous la propreté ?",
            "has_dont_know": "on",
        },
    )
    _post(client, reverse("consultations:transition", args=[consultation.pk, "submit_for_review"]))
    diff = client.get(reverse("consultations:diff", args=[consultation.pk]) + "?de=1&a=2").content.decode()
    assert "1 ajoutée(s), 0 supprimée(s), 1 modifiée(s)" in diff
    assert "Comment jugez-vous la propreté ?" in diff
    assert "fréquence <ins>venez-vous</ins> ?" in diff and "Jamais" in diff
    # Partners review version 2; the MDO validates: the questionnaire is frozen for good.
    for agent in (town_hall_agent, directorate_agent):
        client.force_login(agent)
        _post(client, reverse("consultations:review_answer", args=[consultation.pk, 2]), {"opinion": "favourable"})
    client.force_login(mdo_manager)
    _post(client, reverse("consultations:transition", args=[consultation.pk, "validate"]))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.VALIDATED
    assert consultation.versions.get(number=2).status == VersionStatus.VALIDATED
    assert client.get(add).status_code == 404
    timeline = client.get(detail).content.decode()
    assert "Questionnaire en relecture → Questionnaire validé" in timeline
    assert "Avis de Mairie du 3e sur la version 1 : Favorable avec réserves" in timeline


def test_a_transition_refused_to_a_partner_leaves_the_consultation_as_it_was(client, consultation, town_hall_agent):
    client.force_login(town_hall_agent)
    client.post(reverse("consultations:transition", args=[consultation.pk, "submit_for_review"]))
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PREPARATION
    assert consultation.versions.get().status == VersionStatus.DRAFT


def test_submitting_without_partners_is_refused_with_the_reason(client, mdo_officer):
    from tests.consultations.conftest import build_consultation

    consultation = build_consultation(mdo_officer)
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:transition", args=[consultation.pk, "submit_for_review"]), follow=True
    )
    assert "Ajoutez au moins une mairie ou une direction partenaire" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PREPARATION


def test_only_the_manager_closes(client, mdo_officer, mdo_manager):
    from consultations.lifecycle import ConsultationLifecycle

    consultation = Consultation(status=ConsultationStatus.REPORT_PUBLISHED)
    lifecycle = ConsultationLifecycle(consultation)
    assert not lifecycle.close.has_perm(mdo_officer)
    assert lifecycle.close.has_perm(mdo_manager)


def test_post_views_refuse_get(client, consultation, mdo_officer):
    client.force_login(mdo_officer)
    for name, args in [
        ("transition", [consultation.pk, "submit_for_review"]),
        ("partner_add", [consultation.pk]),
        ("section_add", [consultation.pk]),
        ("questions_reorder", [consultation.pk]),
    ]:
        assert client.get(reverse(f"consultations:{name}", args=args)).status_code == 405


def test_reorder_with_a_stale_order_is_refused_and_changes_nothing(client, consultation, mdo_officer):
    client.force_login(mdo_officer)
    draft = consultation.versions.get()
    before = list(draft.questions.order_by("position").values_list("pk", flat=True))
    section = draft.sections.get()
    response = client.post(
        reverse("consultations:questions_reorder", args=[consultation.pk]),
        {"order": f"{section.pk}:{before[0]}"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400 and "rechargez la page" in response.json()["error"]
    assert list(draft.questions.order_by("position").values_list("pk", flat=True)) == before
    garbage = client.post(reverse("consultations:questions_reorder", args=[consultation.pk]), {"order": "a:b"})
    assert garbage.status_code == 302


def test_editing_the_file_with_a_closing_date_before_the_opening_is_refused_at_the_field(
    client, consultation, mdo_officer
):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:edit", args=[consultation.pk]),
        {
            "title": "Nouveau titre",
            "public_question": "?",
            "districts": ["3"],
            "start_on": "2030-05-10",
            "end_on": "2030-05-01",
        },
    )
    assert (
        response.status_code == 200 and "La clôture ne peut pas précéder l&#x27;ouverture." in response.content.decode()
    )
    consultation.refresh_from_db()
    assert consultation.title == "Place Guichard"
    response = client.post(
        reverse("consultations:edit", args=[consultation.pk]),
        {"title": "Nouveau titre", "public_question": "?", "participation_target": "400"},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title == "Nouveau titre" and consultation.districts == []
    assert consultation.participation_target == 400


def test_each_step_is_written_on_the_linked_projects_timeline(client, consultation, mdo_officer):
    from consultations import services
    from projects.models import TimelineEntry
    from tests.projects.factories import ProjectFactory

    project = ProjectFactory(title="Place Guichard végétalisée", district=3, kind="consultation")
    services.consultation_update(consultation=consultation, projects=[project], by=mdo_officer)
    services.consultation_transition(consultation=consultation, name="submit_for_review", by=mdo_officer)
    entry = TimelineEntry.objects.get(project=project)
    assert entry.text == "Consultation « Place Guichard » : En préparation → Questionnaire en relecture"
    assert entry.author == mdo_officer


def test_nonsense_parameters_never_answer_a_server_error(client, consultation, mdo_officer):
    client.force_login(mdo_officer)
    pk = consultation.pk
    assert client.get(reverse("consultations:question_add", args=[pk]), {"section": "abc"}).status_code == 200
    assert client.get(reverse("consultations:diff", args=[pk]), {"de": "x"}).status_code == 404
    assert client.get(reverse("consultations:version", args=[pk, 99])).status_code == 404
    assert client.post(reverse("consultations:transition", args=[pk, "explode"])).status_code == 302
    response = client.post(
        reverse("consultations:transition", args=[pk, "submit_for_review"]), {"due_on": "31/02/2026"}, follow=True
    )
    assert "La date d&#x27;échéance n&#x27;est pas valide." in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.status == "preparation"
