"""Import of the answers through the real URL: 500 respondents with the right counts; a bad file refused
with its line numbers and nothing written."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations.models import Answer, Response

pytestmark = pytest.mark.django_db

HEADER = ["repondant", "arrondissement", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]


def _csv(rows, header=HEADER) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile("reponses.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def _five_hundred():
    """500 rows whose counts are known: every 5th says "Non", every 4th goes by bike, …"""
    rows = []
    for n in range(500):
        rows.append(
            [
                f"R{n}",
                3 if n % 2 else 5,
                "Non" if n % 5 == 0 else "Oui",
                "À vélo" if n % 4 == 0 else ("Trottinette" if n == 7 else "À pied"),
                "Des arbres;Des bancs" if n % 10 == 0 else "Des arbres",
                "Ne sait pas / sans opinion" if n % 25 == 0 else str(1 + n % 5),
                "Plus d'ombre" if n % 50 == 0 else "",
                str(n % 3),
                "Calme;Ombre;Propreté",
            ]
        )
    return rows


def test_five_hundred_answers_give_the_right_counts(client, open_one, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(reverse("consultations:import", args=[open_one.pk]), {"file": _csv(_five_hundred())})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Response.objects.filter(consultation=open_one).count() == 500
    page = client.get(reverse("consultations:results", args=[open_one.pk])).content.decode()
    assert "<strong>500</strong> répondant·e(s)" in page
    from consultations.selectors import answer_version, question_results

    results = {r["question"].number: r for r in question_results(open_one, answer_version(open_one))}
    yes_no = {row["label"]: (row["count"], row["percent"]) for row in results[1]["rows"]}
    assert yes_no == {"Oui": (400, 80.0), "Non": (100, 20.0)}
    how = {row["label"]: row["count"] for row in results[2]["rows"]}
    assert how == {"À pied": 374, "À vélo": 125, "En voiture": 0, "Autre": 1}
    assert Answer.objects.get(value="Autre").text == "Trottinette"
    wishes = {row["label"]: (row["count"], row["percent"]) for row in results[3]["rows"]}
    assert wishes["Des arbres"] == (500, 100.0) and wishes["Des bancs"] == (50, 10.0)
    scale = {row["label"]: row["count"] for row in results[4]["rows"]}
    assert scale["Ne sait pas / sans opinion"] == 20 and sum(scale.values()) == 500
    assert results[5]["answered"] == 10
    ranking = {row["label"]: row["mean_rank"] for row in results[7]["rows"]}
    assert ranking == {"Calme": 1.0, "Ombre": 2.0, "Propreté": 3.0}
    # The counts table and the chart, drawn by the indicators' chart library with its text alternative.
    assert 'data-testid="counts-1"' in page and 'class="img-fluid indicator-chart" data-chart="q1"' in page
    assert "Réponses à la question Q1. Oui : 80,0\u00a0% ; Non : 20,0\u00a0%." in page


def test_a_bad_file_is_refused_with_its_line_numbers_and_nothing_is_written(client, open_one, mdo_officer):
    client.force_login(mdo_officer)
    rows = _five_hundred()[:6]
    rows[1][2] = "Peut-être"  # line 3: not an option of a yes/no
    rows[3][2] = ""  # line 5: required answer missing
    rows[4][7] = "beaucoup"  # line 6: not a number
    rows[5][1] = "12"  # line 7: no 12th district
    response = client.post(reverse("consultations:import", args=[open_one.pk]), {"file": _csv(rows)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ligne 3, colonne Q1 : « Peut-être » n&#x27;est pas une réponse proposée (Oui, Non)" in page
    assert "Ligne 5, colonne Q1 : réponse obligatoire manquante." in page
    assert "Ligne 6, colonne Q6 : « beaucoup » n&#x27;est pas un nombre." in page
    assert "Ligne 7, colonne arrondissement" in page
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_an_unknown_column_and_a_missing_required_column_are_refused(client, open_one, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:import", args=[open_one.pk]), {"file": _csv([["x", "Oui"]], header=["repondant", "Q99"])}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Ligne 1 : la colonne « Q99 » n&#x27;est pas reconnue" in page
    assert "Ligne 1 : la colonne Q1 manque (question obligatoire)." in page
    assert Response.objects.count() == 0


def test_a_file_that_is_not_csv_or_xlsx_is_refused_at_the_field(client, open_one, mdo_officer):
    client.force_login(mdo_officer)
    upload = SimpleUploadedFile("reponses.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client.post(reverse("consultations:import", args=[open_one.pk]), {"file": upload})
    assert response.status_code == 400 and "Le fichier doit être un CSV ou un XLSX." in response.content.decode()
    broken = SimpleUploadedFile("reponses.xlsx", b"not a workbook")
    response = client.post(reverse("consultations:import", args=[open_one.pk]), {"file": broken})
    assert response.status_code == 400 and "classeur XLSX lisible" in response.content.decode()


def test_an_xlsx_file_is_imported(client, open_one, mdo_officer):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["repondant", "arrondissement", "1. Fréquentez-vous la place ?", "Q6 - Enfants"])
    sheet.append(["A", "Lyon 3e", "Oui", 2])
    sheet.append(["B", 5, "non", 0])
    data = io.BytesIO()
    workbook.save(data)
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:import", args=[open_one.pk]),
        {"file": SimpleUploadedFile("reponses.xlsx", data.getvalue())},
    )
    assert response.status_code == 302
    assert sorted(Response.objects.values_list("district", flat=True)) == [3, 5]
    assert sorted(Answer.objects.filter(question__kind="yes_no").values_list("value", flat=True)) == ["Non", "Oui"]


def test_a_conditional_required_question_is_only_required_when_shown(mdo_officer, mdo_manager, green_directorate):
    from consultations import imports, services
    from consultations.enums import QuestionKind
    from tests.consultations.conftest import build_consultation

    consultation = build_consultation(
        mdo_officer,
        partners=[green_directorate],
        questions=[
            (QuestionKind.YES_NO, "Avez-vous des enfants ?", [], {"required": True}),
        ],
    )
    draft = services.draft_of(consultation)
    first = draft.questions.get()
    services.question_save(
        version=draft,
        section=first.section,
        kind=QuestionKind.NUMBER,
        text="Combien ?",
        required=True,
        condition_question=first,
        condition_value="Oui",
        by=mdo_officer,
    )
    for name in ("submit_for_review", "validate", "open"):
        services.consultation_transition(consultation=consultation, name=name, by=mdo_manager)
    batch = imports.import_answers(
        consultation=consultation, data=b"Q1;Q2\nNon;\nOui;2\n", filename="a.csv", by=mdo_officer
    )
    assert batch.rows == 2
    with pytest.raises(imports.ImportFailed) as refused:
        imports.import_answers(consultation=consultation, data=b"Q1;Q2\nOui;\n", filename="a.csv", by=mdo_officer)
    assert refused.value.errors == ["Ligne 2, colonne Q2 : réponse obligatoire manquante."]
