"""The bilan: per objective retenu / non retenu and why, the PDF, the publication in the open data."""

import io

import pytest
from django.urls import reverse

from consultations import imports, services
from consultations.enums import ConsultationStatus
from consultations.models import Bilan
from tests.pdfua import house_pdf_failures

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(open_one, mdo_officer):
    services.objective_add(consultation=open_one, text="Planter des arbres", by=mdo_officer)
    services.objective_add(consultation=open_one, text="Fermer la place aux voitures", by=mdo_officer)
    imports.import_answers(consultation=open_one, data=b"Q1\nOui\nOui\nNon\n", filename="a.csv", by=mdo_officer)
    return services.consultation_transition(consultation=open_one, name="start_analysis", by=mdo_officer)


def test_bilan_written_then_published_then_in_the_pdf_and_the_open_data(client, analysed, mdo_officer):
    client.force_login(mdo_officer)
    trees, cars = analysed.objectives.order_by("position")
    url = reverse("consultations:bilan_edit", args=[analysed.pk])
    # Publishing before the bilan is written is refused with the reason.
    response = client.post(reverse("consultations:transition", args=[analysed.pk, "publish_bilan"]), follow=True)
    assert "Rédigez le bilan" in response.content.decode()
    # "Non retenu" without a reason: refused at its field, nothing saved.
    response = client.post(
        url,
        {
            "heard": "Des arbres, oui.",
            f"outcome_{trees.pk}": "retained",
            f"outcome_{cars.pk}": "not_retained",
            f"reason_{cars.pk}": "",
        },
    )
    assert response.status_code == 400 and "Expliquez pourquoi" in response.content.decode()
    assert not Bilan.objects.exists()
    trees.refresh_from_db()
    assert trees.outcome == ""
    response = client.post(
        url,
        {
            "heard": "Des arbres, oui ; les voitures, partagé.",
            "city_response": "On plante.",
            f"outcome_{trees.pk}": "retained",
            f"reason_{trees.pk}": "Large accord",
            f"outcome_{cars.pk}": "not_retained",
            f"reason_{cars.pk}": "Les livraisons doivent passer.",
        },
    )
    assert response.status_code == 302
    client.post(reverse("consultations:transition", args=[analysed.pk, "publish_bilan"]))
    analysed.refresh_from_db()
    assert analysed.status == ConsultationStatus.REPORT_PUBLISHED
    from pypdf import PdfReader

    pdf = client.get(reverse("consultations:bilan_pdf", args=[analysed.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in (
        "Bilan de la consultation",
        "Des arbres, oui",
        "Planter des arbres",
        "Retenu",
        "Non retenu",
        "Les livraisons doivent passer.",
        "3 répondant",
        "Territoire : Lyon 3e",
        "Réponses à la question Q1",
        "66,7 %",  # the counts table under Q1's chart: 2 of 3 said yes
    ):
        assert expected in text, expected
    assert house_pdf_failures(pdf.content) == []  # tagged, PDF/A-3b, the chart's alt text, the shared footer
    client.logout()
    # Published with the projects' open data: their public page links the bilans' file.
    open_data = client.get(reverse("projects:open_data")).content.decode()
    companions = open_data.split('data-testid="open-data-companions"')[1].split("</ul>")[0]
    assert f'href="http://testserver{reverse("consultations:open_data_bilans")}"' in companions
    feed = client.get(reverse("consultations:open_data_bilans")).json()["consultations"]
    assert [row["title"] for row in feed] == [analysed.title]
    assert feed[0]["respondents"] == 3
    assert feed[0]["territory"] == "Lyon 3e" and feed[0]["districts"] == [3]
    assert {o["outcome"] for o in feed[0]["objectives"]} == {"Retenu", "Non retenu"}


def test_unpublished_bilan_is_not_in_the_open_data(client, analysed, mdo_officer):
    services.bilan_save(consultation=analysed, heard="Brouillon", city_response="", outcomes={}, by=mdo_officer)
    assert client.get(reverse("consultations:open_data_bilans")).json() == {"consultations": []}


def test_bilan_pdf_out_of_scope_is_404(client, analysed, mdo_officer, other_town_hall_agent):
    services.bilan_save(consultation=analysed, heard="Entendu", city_response="", outcomes={}, by=mdo_officer)
    client.force_login(other_town_hall_agent)
    assert client.get(reverse("consultations:bilan_pdf", args=[analysed.pk])).status_code == 404
