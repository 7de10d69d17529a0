"""The paper questionnaire draws an answer box for every choice: one per option (« Autre » and « Ne sait
pas » included), a box to number per item of a ranking, writing lines for a text, a frame for a number."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ContentStream

from consultations.enums import QuestionKind
from tests.consultations.conftest import build_consultation

pytestmark = pytest.mark.django_db


def _drawn_shapes(content: bytes) -> int:
    """The drawings of the PDF marked as artifacts (boxes, lines, frames): decoration, not text."""
    reader = PdfReader(io.BytesIO(content))
    return sum(
        1
        for page in reader.pages
        for operands, operator in ContentStream(page.get_contents(), reader).operations
        if operator == b"BMC" and operands == ["/Artifact"]
    )


def _paper(client, officer, kind, options=(), **extra) -> int:
    consultation = build_consultation(
        officer, title=f"Papier {kind}", questions=[(kind, "Votre avis ?", list(options), extra)]
    )
    response = client.get(reverse("consultations:version_pdf", args=[consultation.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    return _drawn_shapes(response.content)


@pytest.mark.parametrize(
    ("kind", "options", "extra", "boxes"),
    [
        (QuestionKind.SINGLE, ["À pied", "À vélo"], {"has_other": True}, 3),
        (QuestionKind.MULTIPLE, ["Arbres", "Bancs", "Jeux", "Fontaine", "Ombre"], {}, 5),
        (QuestionKind.SCALE5, [], {"has_dont_know": True}, 6),
        (QuestionKind.YES_NO, [], {}, 2),
        (QuestionKind.RANKING, ["Ombre", "Calme", "Propreté"], {}, 3),
        (QuestionKind.LONG_TEXT, [], {}, 6),
        (QuestionKind.SHORT_TEXT, [], {}, 1),
    ],
)
def test_each_answer_has_its_box_on_paper(client, mdo_officer, kind, options, extra, boxes):
    client.force_login(mdo_officer)
    # A number's single frame gives the baseline: what the page draws besides the answers.
    baseline = _paper(client, mdo_officer, QuestionKind.NUMBER) - 1
    assert baseline >= 0
    assert _paper(client, mdo_officer, kind, options, **extra) - baseline == boxes
