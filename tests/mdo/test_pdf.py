"""Every kind of PDF is tagged and archival, wears the city's identity and footer, and splits no table row."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mdo.models import CityIdentity
from meetings import services as meeting_services
from meetings.models import Attendee
from tests.budgets.factories import approved_line
from tests.meetings.factories import make_meeting
from tests.pdfua import house_pdf_failures, pdf_ua_failures
from tests.projects.factories import ProjectFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils (make system-deps)"),
]


def pdfinfo(content: bytes, tmp_path, *args) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", *args, str(path)], capture_output=True, text=True, check=True).stdout


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def meeting(mdo_officer, town_hall_agent):
    return make_meeting(mdo_officer, users=[town_hall_agent], agenda=["Point budgétaire"])


@pytest.fixture
def pdfs(client, mdo_officer, mdo_manager, meeting):
    """One PDF of each kind, as their readers download them."""
    project = ProjectFactory(title="Jardin Montchat", officer=mdo_officer)
    approved_line(mdo_officer, mdo_manager, holder_district=3, amount_ht="777")
    meeting_services.minutes_save(meeting=meeting, by=mdo_officer, summary="Synthèse", notes={})
    meeting_services.minutes_transition(meeting=meeting, by=mdo_officer, name="submit")
    meeting_services.minutes_transition(meeting=meeting, by=mdo_manager, name="approve")
    client.force_login(mdo_manager)
    urls = {
        "fiche projet": reverse("projects:sheet", args=[project.pk]),
        "compte rendu": reverse("meetings:minutes_pdf", args=[meeting.pk]),
        "émargement": reverse("meetings:attendance_pdf", args=[meeting.pk]),
        "rapport budgétaire": reverse("budgets:report_pdf") + "?year=2026&by=district",
    }
    files = {}
    for kind, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", kind
        files[kind] = response.content
    return files


def test_every_pdf_is_tagged_and_declares_pdf_a_3b_and_pdf_ua(pdfs, tmp_path):
    for kind, content in pdfs.items():
        info = pdfinfo(content, tmp_path)
        assert re.search(r"^Tagged:\s+yes$", info, re.M), kind
        meta = pdfinfo(content, tmp_path, "-meta")
        assert re.search(r"pdfaid:part=['\"]3['\"]", meta) and re.search(r"pdfaid:conformance=['\"]B['\"]", meta), kind
        assert re.search(r"pdfuaid:part=['\"]1['\"]", meta), kind


def test_every_pdf_meets_the_clauses_of_pdf_ua_1_a_program_can_check(pdfs):
    for kind, content in pdfs.items():
        assert house_pdf_failures(content) == [], kind


def test_the_running_head_and_footer_are_pagination_artifacts_not_content_outside_the_tree(pdfs):
    content = pdfs["fiche projet"]
    page = PdfReader(io.BytesIO(content)).pages[0]
    stream = page.get_contents().get_data()
    # The city's name, the footer and "1 / 1": three margin boxes, each an artifact of the pagination.
    assert len(re.findall(rb"/Artifact\s*<</Type /Pagination>>\s*BDC", stream)) >= 3
    assert "1 / 1" in page.extract_text() and "Ville de Lyon — MDO Pilotage" in page.extract_text()


def _weasyprint(html: str, **options) -> bytes:
    from weasyprint import HTML

    from mdo.pdf import _untreed_content_as_artifacts

    return HTML(string=html).write_pdf(finisher=_untreed_content_as_artifacts, **options)


def test_the_pdf_ua_check_finds_what_breaks_each_clause():
    untagged = _weasyprint("<html><body><p>Sans balises</p></body></html>")
    failures = " | ".join(pdf_ua_failures(untagged))
    assert "7.1 : pas d'arbre de structure" in failures and "7.2 : pas de langue" in failures
    assert "/MarkInfo /Marked" in failures and "pas de métadonnées XMP" in failures
    assert "page 1, 1 opérations de dessin ni balisées ni marquées comme artefact" in failures

    broken = _weasyprint(
        '<html lang="fr"><head><title>T</title><style>@page { @bottom-right { content: counter(page) } }</style>'
        "</head><body><h1>Titre</h1><h3>Sous-sous-titre</h3>"
        '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==">'
        "<table><tr><td>a</td><td>b</td></tr></table>"
        "<table><tr><th>Nom</th><td>x</td></tr></table></body></html>",
        pdf_variant="pdf/a-3b",
        pdf_tags=True,
    )
    failures = " | ".join(pdf_ua_failures(broken))
    assert "7.3 : une figure sans texte de remplacement" in failures
    assert "7.4 : un titre H3 suit un H1" in failures
    assert "7.5 : un tableau sans cellule d'en-tête" in failures
    assert "7.5 : des cellules sans en-têtes" in failures  # the row header lacks scope="row"
    assert "hors de l'arbre" not in failures and "ni balisées" not in failures  # the page number is an artifact


def test_the_pdf_ua_check_finds_an_unembedded_font_and_untagged_text():
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    text = DecodedStreamObject()
    text.set_data(b"BT /F1 12 Tf 20 100 Td (Bonjour) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(text)
    output = io.BytesIO()
    writer.write(output)
    failures = " | ".join(pdf_ua_failures(output.getvalue()))
    assert "police /Helvetica non incorporée" in failures
    assert "7.1 : pas d'arbre de structure" in failures


def test_every_pdf_carries_the_city_identity_page_numbers_and_the_same_footer(client, pdfs):
    for kind, content in pdfs.items():
        texts = pages(content)
        for number, text in enumerate(texts, start=1):
            assert f"{number} / {len(texts)}" in text, kind
            assert "Ville de Lyon — MDO Pilotage — édité le" in text, kind


def test_identity_set_by_the_administrator_heads_the_pdfs(client, mdo_officer, tmp_path, settings):
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), (29, 63, 114)).save(logo)
    identity = CityIdentity.current()
    identity.name = "Ville de Villeurbanne"
    identity.logo.save("logo.png", io.BytesIO(logo.read_bytes()))
    project = ProjectFactory(officer=mdo_officer)
    client.force_login(mdo_officer)
    content = client.get(reverse("projects:sheet", args=[project.pk])).content
    assert "Ville de Villeurbanne" in pages(content)[0]
    assert any(
        "/Image" in str(xobject.get_object().get("/Subtype"))
        for xobject in (PdfReader(io.BytesIO(content)).pages[0]["/Resources"].get("/XObject") or {}).values()
    )


def test_attendance_rows_never_split_and_the_header_repeats(client, mdo_officer, meeting):
    long_name = "Direction de la participation citoyenne et de la vie associative des quartiers"
    Attendee.objects.bulk_create(
        [
            Attendee(meeting=meeting, name=f"Invité {n:02d} {long_name} fin-{n:02d}", email=f"guest{n}@example.org")
            for n in range(70)
        ]
    )
    client.force_login(mdo_officer)
    content = client.get(reverse("meetings:attendance_pdf", args=[meeting.pk])).content
    texts = pages(content)
    assert len(texts) >= 3
    assert house_pdf_failures(content) == []  # the margins of every page are artifacts, each page's table tagged
    for text in texts:
        assert "Signature" in text  # the header row on every page
    for n in range(70):
        start = [i for i, text in enumerate(texts) if f"Invité {n:02d}" in text]
        end = [i for i, text in enumerate(texts) if f"fin-{n:02d}" in text]
        assert start == end and len(start) == 1, n  # the whole row on one page


def test_budget_report_columns_stay_inside_the_page(client, mdo_officer, mdo_manager):
    for district in range(1, 10):
        approved_line(mdo_officer, mdo_manager, holder_district=district, amount_ht="123456789.99")
    client.force_login(mdo_manager)
    content = client.get(reverse("budgets:report_pdf"), {"year": 2026, "by": "district"}).content
    page = PdfReader(io.BytesIO(content)).pages[0]
    width = float(page.mediabox.width)
    positions = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            positions.append((text, tm[4] * cm[0] + cm[4]))

    text = page.extract_text(visitor_text=visit)
    assert "Taux d'exécution" in text.replace("\n", " ") or "Taux d'" in text
    assert positions and all(0 <= x < width for _text, x in positions)
