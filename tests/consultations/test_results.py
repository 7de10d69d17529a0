"""Cross-tabs, free-text answers with search and tags, the Decidim export and the paper questionnaire."""

import io
import json

import pytest
from django.urls import reverse

from consultations import imports
from consultations.models import Answer, Question
from tests.pdfua import house_pdf_failures

pytestmark = pytest.mark.django_db

FILE = (
    "repondant;arrondissement;Q1;Q2;Q5\n"
    "a;3;Oui;À pied;Plus d'ombre sur la place\n"
    "b;3;Non;À vélo;Des bancs à l'ombre\n"
    "c;5;Oui;À pied;Moins de bruit\n"
    "d;5;Oui;À vélo;\n"
).encode()


@pytest.fixture
def answered(open_one, mdo_officer):
    imports.import_answers(consultation=open_one, data=FILE, filename="a.csv", by=mdo_officer)
    return open_one


def test_cross_tab_by_district_and_by_another_answer(client, answered, mdo_officer):
    client.force_login(mdo_officer)
    yes_no = Question.objects.get(text="Fréquentez-vous la place ?", version__status="validated")
    how = Question.objects.get(text="Comment venez-vous ?", version__status="validated")
    url = reverse("consultations:results", args=[answered.pk])
    page = client.get(url, {"question": yes_no.pk, "par": "district"}).content.decode()
    assert '<th scope="col">Lyon 3e</th><th scope="col">Lyon 5e</th>' in page
    from consultations.selectors import cross_tab

    table = cross_tab(answered, yes_no, by="district")
    assert table["columns"] == ["Lyon 3e", "Lyon 5e"]
    rows = {row["label"]: [(c["count"], c["percent"]) for c in row["cells"]] for row in table["rows"]}
    assert rows == {"Oui": [(1, 50.0), (2, 100.0)], "Non": [(1, 50.0), (0, 0.0)]}
    by_answer = cross_tab(answered, yes_no, by=how)
    assert by_answer["columns"] == ["À pied", "À vélo"]
    rows = {row["label"]: [c["count"] for c in row["cells"]] for row in by_answer["rows"]}
    assert rows == {"Oui": [2, 1], "Non": [0, 1]}
    page = client.get(url, {"question": yes_no.pk, "par": how.pk}).content.decode()
    assert 'data-testid="cross-tab"' in page
    # Nonsense parameters show the page without a cross-tab, never an error.
    assert client.get(url, {"question": "x", "par": "<script>"}).status_code == 200


def test_free_text_is_searchable_and_tagged_by_the_analyst(client, answered, mdo_officer, town_hall_agent):
    client.force_login(mdo_officer)
    url = reverse("consultations:free_text", args=[answered.pk])
    page = client.get(url, {"q": "ombre"}).content.decode()
    assert "2 réponse(s)" in page and "Moins de bruit" not in page
    shade = Answer.objects.get(text="Plus d'ombre sur la place")
    client.post(
        reverse("consultations:answer_tags", args=[answered.pk, shade.pk]),
        {"tags": "ombre, végétalisation", "next": "?q=ombre"},
    )
    assert sorted(shade.tags.values_list("name", flat=True)) == ["ombre", "végétalisation"]
    tag = shade.tags.get(name="ombre")
    page = client.get(url, {"etiquette": tag.pk}).content.decode()
    assert "1 réponse(s)" in page and "Plus d&#x27;ombre sur la place" in page
    # A partner reads the answers but does not tag them.
    client.force_login(town_hall_agent)
    assert client.get(url).status_code == 200
    response = client.post(reverse("consultations:answer_tags", args=[answered.pk, shade.pk]), {"tags": "x"})
    assert response.status_code == 404


def test_decidim_export_has_the_shape_of_decidim_surveys(client, consultation, mdo_officer):
    client.force_login(mdo_officer)
    response = client.get(reverse("consultations:version_decidim", args=[consultation.pk, 1]))
    data = json.loads(response.content)
    assert data["title"] == {"fr": consultation.title}
    types = [q["question_type"] for q in data["questions"]]
    assert types == [
        "title_and_description",
        "single_option",
        "single_option",
        "multiple_option",
        "single_option",
        "long_answer",
        "short_answer",
        "sorting",
    ]
    how = data["questions"][2]
    assert how["body"] == {"fr": "Comment venez-vous ?"}
    assert [o["body"]["fr"] for o in how["answer_options"]] == ["À pied", "À vélo", "En voiture", "Autre"]
    assert [o["free_text"] for o in how["answer_options"]] == [False, False, False, True]
    assert data["questions"][1]["mandatory"] is True
    assert [q["position"] for q in data["questions"]] == list(range(8))


def test_decidim_export_carries_display_conditions(mdo_officer):
    from consultations import decidim, services
    from consultations.enums import QuestionKind
    from tests.consultations.conftest import build_consultation

    consultation = build_consultation(mdo_officer, questions=[(QuestionKind.YES_NO, "Avez-vous un vélo ?", [], {})])
    draft = services.draft_of(consultation)
    first = draft.questions.get()
    services.question_save(
        version=draft,
        section=first.section,
        kind=QuestionKind.SHORT_TEXT,
        text="Lequel ?",
        condition_question=first,
        condition_value="Oui",
        by=mdo_officer,
    )
    data = decidim.questionnaire_json(consultation, draft)
    yes = data["questions"][1]["answer_options"][0]
    assert yes["body"] == {"fr": "Oui"}
    assert data["questions"][2]["display_conditions"] == [
        {
            "condition_type": "equal",
            "condition_question": data["questions"][1]["id"],
            "answer_option": yes["id"],
            "mandatory": True,
        }
    ]


def test_paper_questionnaire_pdf_has_every_question_and_its_choices(client, consultation, mdo_officer):
    from pypdf import PdfReader

    client.force_login(mdo_officer)
    response = client.get(reverse("consultations:version_pdf", args=[consultation.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "Fréquentez-vous la place ?",
        "À vélo",
        "Ne sait pas / sans opinion",
        "plusieurs réponses",
        "numérotez de 1 à 3",
    ):
        assert expected in text, expected
    assert house_pdf_failures(response.content) == []  # tagged, PDF/A-3b, the shared footer
