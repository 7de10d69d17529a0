"""The wording checks flag each kind of problem on an example written for it, and stay quiet on a good question."""

import pytest
from django.urls import reverse

from consultations import checks, services
from consultations.enums import Channel, ConsultationStatus, QuestionKind
from consultations.models import GlossaryTerm, Question
from tests.consultations.conftest import build_consultation
from tests.factories import town_hall

pytestmark = pytest.mark.django_db


def _kinds(question, glossary=()):
    return {advice.kind for advice in checks.check_question(question, glossary=list(glossary))}


def q(kind=QuestionKind.SINGLE, text="", options=(), **fields):
    return Question(kind=kind, text=text, options=list(options), **fields)


def test_double_barrelled_question_is_flagged():
    assert "double" in _kinds(q(QuestionKind.YES_NO, "Souhaitez-vous plus d'arbres et moins de voitures ?"))
    assert "double" in _kinds(q(QuestionKind.SCALE5, "La place est-elle propre ou sûre ?", has_dont_know=True))


def test_a_choice_between_options_is_not_double_barrelled():
    assert "double" not in _kinds(
        q(QuestionKind.SINGLE, "Préférez-vous des arbres ou des bancs ?", ["Des arbres", "Des bancs"])
    )


def test_leading_wording_is_flagged():
    assert "leading" in _kinds(q(QuestionKind.YES_NO, "Ne pensez-vous pas que la place mérite mieux ?"))
    assert "leading" in _kinds(q(QuestionKind.YES_NO, "Soutenez-vous ce formidable projet ?"))


def test_opinion_scale_without_dont_know_is_flagged():
    assert "dont_know" in _kinds(q(QuestionKind.SCALE5, "Êtes-vous satisfait·e de la place ?"))
    assert "dont_know" in _kinds(
        q(
            QuestionKind.SINGLE,
            "Quel est votre avis sur le projet ?",
            ["Tout à fait d'accord", "Plutôt d'accord", "Pas d'accord"],
        )
    )
    assert "dont_know" not in _kinds(q(QuestionKind.SCALE5, "Êtes-vous satisfait·e de la place ?", has_dont_know=True))
    assert "dont_know" not in _kinds(
        q(QuestionKind.SINGLE, "Quel est votre avis ?", ["D'accord", "Pas d'accord", "Sans opinion"])
    )


def test_jargon_from_the_glossary_is_flagged_with_its_plain_wording():
    term = GlossaryTerm.objects.create(term="mobilités douces", suggestion="la marche et le vélo")
    advice = checks.check_question(q(QuestionKind.YES_NO, "Faut-il développer les mobilités douces ?"), glossary=[term])
    assert [a.kind for a in advice] == ["jargon"]
    assert "la marche et le vélo" in advice[0].message
    # A word that merely contains the term is not flagged.
    GlossaryTerm.objects.create(term="PLU")
    assert "jargon" not in _kinds(q(QuestionKind.YES_NO, "Aimez-vous les PLUmes ?"), GlossaryTerm.objects.all())


def test_long_question_is_flagged():
    long_text = (
        "Dans le cadre du projet de réaménagement de la place que la Ville prépare depuis plusieurs années "
        "avec les habitant·e·s du quartier, quelle serait votre priorité ?"
    )
    assert "long" in _kinds(q(QuestionKind.SHORT_TEXT, long_text))


def test_too_many_questions_for_the_channel_is_flagged():
    advice = checks.check_length(9, [Channel.STREET_STAND, Channel.PLATFORM])
    assert [a.kind for a in advice] == ["too_many"]
    assert "Stands de rue" in advice[0].message
    assert checks.check_length(8, [Channel.STREET_STAND]) == []


def test_a_well_worded_question_gets_no_advice():
    GlossaryTerm.objects.create(term="PLU-H")
    assert (
        _kinds(
            q(QuestionKind.SCALE5, "Êtes-vous satisfait·e de la place ?", has_dont_know=True),
            GlossaryTerm.objects.all(),
        )
        == set()
    )


def test_the_builder_shows_the_advice_and_never_blocks(client, mdo_officer):
    GlossaryTerm.objects.create(term="espace public", suggestion="la rue, la place")
    consultation = build_consultation(
        mdo_officer,
        questions=[
            (QuestionKind.YES_NO, "Ne pensez-vous pas que l'espace public est sale et bruyant ?", [], {}),
            (QuestionKind.SCALE5, "Êtes-vous satisfait·e de la place ?", [], {}),
            (
                QuestionKind.SHORT_TEXT,
                "Dans le cadre du projet de réaménagement de la place que la Ville prépare depuis plusieurs "
                "années avec les habitant·e·s du quartier, quelle serait votre priorité ?",
                [],
                {},
            ),
        ],
    )
    consultation.channels = [Channel.STREET_STAND]
    consultation.save()
    draft = services.draft_of(consultation)
    for n in range(6):
        services.question_save(
            version=draft,
            section=draft.sections.get(),
            kind=QuestionKind.SHORT_TEXT,
            text=f"Question courte numéro {n} ?",
            by=mdo_officer,
        )
    client.force_login(mdo_officer)
    page = client.get(reverse("consultations:builder", args=[consultation.pk])).content.decode()
    for kind in ("double", "leading", "dont_know", "jargon", "long", "too_many"):
        assert f'data-advice="{kind}"' in page, kind
    # Advice never blocks: every question was saved, and the questionnaire still goes to review.
    assert draft.questions.count() == 9
    services.partner_add(consultation=consultation, organisation=town_hall(3), by=mdo_officer)
    response = client.post(reverse("consultations:transition", args=[consultation.pk, "submit_for_review"]))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.REVIEW
