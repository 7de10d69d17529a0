"""The kinds the first journey does not walk: a scale from 0 to 10, the district and the quartier pickers,
built through the builder's URL, printed on paper, exported for Decidim and imported."""

import io

import pytest
from django.urls import reverse

from consultations import decidim, imports, services
from consultations.models import Answer, Question
from tests.factories import NeighbourhoodFactory, town_hall

pytestmark = pytest.mark.django_db

HELP = "De 0 (très mauvaise) à 10 (excellente)."


@pytest.fixture
def pickers(client, mdo_officer, mdo_manager, green_directorate):
    """A consultation on Montchat and Sans-Souci whose questionnaire has the three kinds, added by URL."""
    montchat = NeighbourhoodFactory(name="Montchat", district=3)
    sans_souci = NeighbourhoodFactory(name="Sans-Souci", district=3)
    NeighbourhoodFactory(name="Vaise", district=9)
    consultation = services.consultation_create(
        by=mdo_officer,
        title="Place Guichard",
        public_question="Comment voulez-vous que la place évolue ?",
        districts=[3],
        neighbourhoods=[montchat, sans_souci],
    )
    for organisation in (town_hall(3), green_directorate):
        services.partner_add(consultation=consultation, organisation=organisation, by=mdo_officer)
    section = services.section_save(version=services.draft_of(consultation), title="Vous", by=mdo_officer)
    client.force_login(mdo_officer)
    add = reverse("consultations:question_add", args=[consultation.pk])
    for data in (
        {
            "kind": "scale10",
            "text": "Quelle note donnez-vous à la place ?",
            "help_text": HELP,
            "has_dont_know": "on",
            "required": "on",
        },
        {"kind": "district", "text": "Dans quel arrondissement habitez-vous ?"},
        {"kind": "neighbourhood", "text": "Dans quel quartier habitez-vous ?"},
    ):
        response = client.post(add, {"section": section.pk, **data})
        assert response.status_code == 302, response.content.decode()[-1500:]
    for name in ("submit_for_review", "validate", "open"):
        services.consultation_transition(consultation=consultation, name=name, by=mdo_manager)
    return consultation


def test_the_three_kinds_offer_their_answers_on_paper_and_for_decidim(client, pickers, mdo_officer):
    from pypdf import PdfReader

    version = pickers.versions.get()
    note, district, quartier = version.questions.order_by("position")
    assert (note.kind, district.kind, quartier.kind) == ("scale10", "district", "neighbourhood")
    assert note.choices() == [str(n) for n in range(11)] + ["Ne sait pas / sans opinion"]
    client.force_login(mdo_officer)
    pdf = client.get(reverse("consultations:version_pdf", args=[pickers.pk, version.number]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("Quelle note donnez-vous", HELP, "10", "Lyon 9e", "Montchat", "Sans-Souci"):
        assert expected in text, expected
    assert "Vaise" not in text  # the picker offers the consultation's quartiers only
    builder = client.get(reverse("consultations:builder", args=[pickers.pk])).content.decode()
    assert HELP in builder
    data = decidim.questionnaire_json(pickers, version)
    assert data["questions"][1]["description"] == {"fr": HELP}
    options = {q["body"]["fr"]: [o["body"]["fr"] for o in q["answer_options"]] for q in data["questions"][1:]}
    assert options["Quelle note donnez-vous à la place ?"][0] == "0"
    assert options["Quelle note donnez-vous à la place ?"][-2:] == ["10", "Ne sait pas / sans opinion"]
    assert len(options["Dans quel arrondissement habitez-vous ?"]) == 9
    assert options["Dans quel quartier habitez-vous ?"] == ["Montchat", "Sans-Souci"]


def test_answers_to_the_three_kinds_are_imported_and_wrong_ones_refused_with_their_line(pickers, mdo_officer):
    batch = imports.import_answers(
        consultation=pickers,
        data=b"Q1;Q2;Q3\n0;3;Montchat\n10;Lyon 5e;sans-souci\nnsp;;\n",
        filename="a.csv",
        by=mdo_officer,
    )
    assert batch.rows == 3
    note, district, quartier = Question.objects.filter(version__consultation=pickers).order_by("position")
    assert sorted(Answer.objects.filter(question=note).values_list("value", flat=True)) == [
        "0",
        "10",
        "Ne sait pas / sans opinion",
    ]
    assert sorted(Answer.objects.filter(question=district).values_list("value", flat=True)) == ["Lyon 3e", "Lyon 5e"]
    assert sorted(Answer.objects.filter(question=quartier).values_list("value", flat=True)) == [
        "Montchat",
        "Sans-Souci",
    ]
    with pytest.raises(imports.ImportFailed) as refused:
        imports.import_answers(consultation=pickers, data=b"Q1;Q2;Q3\n11;12;Vaise\n", filename="b.csv", by=mdo_officer)
    errors = refused.value.errors
    assert errors[0].startswith("Ligne 2, colonne Q1 : « 11 » n'est pas une réponse proposée")
    assert errors[1] == "Ligne 2, colonne Q2 : « 12 » n'est pas un arrondissement de 1 à 9."
    assert errors[2].startswith("Ligne 2, colonne Q3 : « Vaise » n'est pas une réponse proposée (Montchat, Sans-Souci")
    assert Answer.objects.filter(question__version__consultation=pickers).count() == 7
