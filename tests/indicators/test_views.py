"""The indicator pages, their downloads, the « Bilan annuel » PDF and the dashboard's charts."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from budgets.models import Commitment, Payment
from projects.enums import ProjectKind, ProjectStatus
from projects.models import Project
from tests.helpers import assert_constant_queries
from tests.indicators.conftest import consultation
from tests.pdfua import house_pdf_failures
from tests.vendors.factories import VendorFactory, approved_line, make_contract, make_order
from vendors.models import Invoice, Milestone

THEMES = ["participation", "livraison", "budget", "prestataires"]


def url(theme: str, **query) -> str:
    from urllib.parse import urlencode

    return reverse("indicators:theme", args=[theme]) + (f"?{urlencode(query)}" if query else "")


@pytest.mark.parametrize("theme", THEMES)
def test_each_page_shows_its_charts_with_text_alternative_and_data_table(client, city, mdo_manager, theme):
    client.force_login(mdo_manager)
    response = client.get(url(theme))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<img src="data:image/svg+xml;base64,') >= 2
    assert html.count("Tableau de données du graphique") == html.count("indicator-chart")
    assert 'alt=""' not in html
    for chart in response.context["charts"]:
        assert chart.alt.startswith(chart.title)
        for fmt in ("png", "svg", "csv"):
            assert f"chart={chart.key}&amp;format={fmt}" in html


def test_participation_page_shows_the_turnout_and_the_funnel(client, city, mdo_manager):
    client.force_login(mdo_manager)
    html = client.get(url("participation")).content.decode()
    assert "3,0 %" in html and "2,5 %" in html
    # The tile map says each district's figure in words as well as in colour.
    chart = next(c for c in client.get(url("participation")).context["charts"] if c.key == "turnout-map")
    assert "Lyon 3e : 3,0" in chart.alt and "Lyon 5e : 2,5" in chart.alt


def test_participation_page_lists_each_consultations_contributions_with_its_chart(client, city, mdo_manager):
    client.force_login(mdo_manager)
    response = client.get(url("participation"))
    table = response.content.decode().split('data-testid="contributions-table"')[1].split("</table>")[0]
    assert re.findall(r">([^<>]+)</a></th><td>[^<]*</td><td class=\"text-end\">(\d+)</td>", table) == [
        ("Place Guichard", "3"),
        ("Berges du Rhône", "1"),
        ("Parc de la Cerisaie", "0"),
    ]
    assert "30,0 %" in table
    chart = next(c for c in response.context["charts"] if c.key == "contributions")
    # The chart draws the consultations that received contributions.
    assert chart.labels == ["Place Guichard", "Berges du Rhône"] and chart.series == [("Contributions", [3, 1])]
    csv = client.get(url("participation", chart="contributions", format="csv")).content.decode()
    assert "Place Guichard;3" in csv


def test_contractors_page_shows_the_penalties_proposed_applied_and_waived(client, city, mdo_manager):
    client.force_login(mdo_manager)
    html = client.get(url("prestataires")).content.decode()
    table = html.split('data-testid="contractors-total"')[1].split("</table>")[0]
    assert "Pénalités proposées (notifiées)" in table
    cells = re.findall(r'<td class="text-end[^"]*">([^<]*)</td>', table)
    # pending, proposed (notified), applied, waived
    assert [cell.replace("\u00a0", " ").replace("\u202f", " ") for cell in cells[4:8]] == [
        "1",
        "1 (60,00 €)",
        "1 (50,00 €)",
        "0",
    ]


def test_chart_downloads_as_svg_and_csv_with_the_charts_numbers(client, city, mdo_manager):
    client.force_login(mdo_manager)
    response = client.get(url("budget", chart="envelopes", format="csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Catégorie;Enveloppe;Lauréats (coût estimé);Mandaté"
    assert "Lyon 3e;1000000.00;500000.00;43600.00" in lines
    svg = client.get(url("budget", chart="envelopes", format="svg"))
    assert svg["Content-Type"].startswith("image/svg+xml")
    # Offline intranet: the drawing loads nothing from elsewhere (no script or font from a CDN).
    assert svg.content.startswith(b"<svg") and b"src=" not in svg.content and b"http://kozea" not in svg.content
    tiles = client.get(url("participation", chart="turnout-map", format="svg")).content.decode()
    assert "Lyon 3e" in tiles and "3,0" in tiles


@pytest.mark.parametrize(("theme", "chart"), [("budget", "envelopes"), ("participation", "turnout-map")])
def test_chart_downloads_as_png_of_the_same_drawing(client, city, mdo_manager, theme, chart):
    from PIL import Image

    client.force_login(mdo_manager)
    response = client.get(url(theme, chart=chart, format="png"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith(f'attachment; filename="indicateur-{theme}-{chart}-')
    assert response["Content-Disposition"].endswith('.png"')
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.width == 1640
    # Something is drawn in the palette's dark blue (bars or the darkest tile), not a blank image.
    colours = {colour for _count, colour in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0x1D, 0x3F, 0x72) in colours


@pytest.mark.parametrize("query", [{"chart": "inconnu"}, {"chart": "envelopes", "format": "exe"}])
def test_unknown_chart_or_format_answers_404(client, city, mdo_manager, query):
    client.force_login(mdo_manager)
    assert client.get(url("budget", **query)).status_code == 404


def test_unknown_theme_answers_404(client, mdo_manager):
    client.force_login(mdo_manager)
    assert client.get("/indicateurs/inconnu/").status_code == 404


@pytest.mark.parametrize("query", [{"year": "abc"}, {"district": "42"}, {"edition": "999999"}])
def test_bad_filter_shows_a_message_at_the_field_and_no_500(client, city, mdo_manager, query):
    client.force_login(mdo_manager)
    response = client.get(url("participation", **query))
    assert response.status_code == 200
    field = next(iter(query))
    assert response.context["form"].errors[field]
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_edition_and_district_filters_narrow_the_figures(client, city, mdo_manager):
    client.force_login(mdo_manager)
    response = client.get(url("participation", district=5, edition=city["edition"].pk))
    assert response.context["data"].funnel_total.submitted == 2
    assert "Budget participatif test · Lyon 5e" in response.content.decode()


def test_town_hall_agent_gets_its_district_whatever_the_query(client, city, other_town_hall_agent):
    client.force_login(other_town_hall_agent)
    response = client.get(url("participation", district=3))
    assert response.status_code == 200
    data = response.context["data"]
    assert [row.label for row in data.funnel] == ["Lyon 5e"]
    assert "3,0 %" not in response.content.decode()  # district 3's turnout
    csv = client.get(url("budget", chart="envelopes", format="csv", district=3)).content.decode("utf-8-sig")
    assert "Lyon 3e" not in csv and "Lyon 5e" in csv


def test_outsider_sees_pages_without_any_figure_of_others(client, city, outsider):
    client.force_login(outsider)
    for theme in THEMES:
        response = client.get(url(theme))
        assert response.status_code == 200
    assert client.get(url("prestataires")).context["data"].total.milestones == 0
    assert "Paysages du Rhône" not in client.get(url("prestataires")).content.decode()
    csv = client.get(url("livraison", chart="winners-money", format="csv")).content.decode("utf-8-sig")
    assert csv.splitlines()[1:] == []


def test_pages_need_a_login(client, city):
    response = client.get(url("budget"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _grow(city, manager):
    """More of everything each page counts: projects, lines, payments, milestones, invoices."""

    def grow():
        today = timezone.localdate()
        vendor = VendorFactory()
        contract = make_contract(by=manager, vendor=vendor)
        for n in range(3):
            project = Project.objects.create(
                title=f"Lauréat en plus {n}",
                kind=ProjectKind.PARTICIPATORY_BUDGET,
                edition=city["edition"],
                edition_district=city["d3"],
                district=3 + n,
                status=ProjectStatus.WORKS,
                selected=True,
                planned_end=today - datetime.timedelta(days=5),
                estimated_cost=Decimal("1000.00"),
                lead_directorate=city["sports"] if n else city["green"],
            )
            line = approved_line(
                project=project, amount_ttc=Decimal("50000.00"), requester=manager, year=today.year - n
            )
            commitment = Commitment.objects.create(
                budget_line=line, amount=Decimal("100.00"), committed_on=today, created_by=manager
            )
            Payment.objects.create(
                commitment=commitment, amount=Decimal("50.00"), paid_on=today, reference=f"M-{n}", created_by=manager
            )
            order = make_order(contract=make_contract(by=manager) if n else contract, line=line, by=manager)
            Milestone.objects.create(
                contract=order.contract,
                order=order,
                label="Jalon",
                amount_ht=Decimal("100.00"),
                due_on=today - datetime.timedelta(days=3),
                delivered_on=today,
                created_by=manager,
            )
            Invoice.objects.create(
                number=f"G-{n}",
                order=order,
                received_on=today,
                amount_ht=Decimal("10.00"),
                amount_ttc=Decimal("12.00"),
                due_on=today - datetime.timedelta(days=2),
                paid_on=today,
                created_by=manager,
            )
            consultation(f"Consultation en plus {n}", districts=[3 + n], contributions=2, by=manager)

    return grow


@pytest.mark.parametrize("theme", THEMES)
def test_each_page_keeps_a_constant_number_of_queries(client, city, mdo_manager, theme, django_assert_max_num_queries):
    client.force_login(mdo_manager)
    count = assert_constant_queries(client, url(theme), _grow(city, mdo_manager))
    with django_assert_max_num_queries(count):
        client.get(url(theme))


def test_town_hall_page_keeps_a_constant_number_of_queries(client, city, town_hall_agent, mdo_manager):
    client.force_login(town_hall_agent)
    for theme in THEMES:
        assert_constant_queries(client, url(theme), _grow(city, mdo_manager))


def test_annual_report_pdf_assembles_the_four_themes_in_the_readers_scope(
    client, city, mdo_manager, other_town_hall_agent
):
    from pypdf import PdfReader

    client.force_login(mdo_manager)
    response = client.get(reverse("indicators:annual_report") + f"?edition={city['edition'].pk}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for title in (
        "Bilan annuel",
        "Participation",
        "Livraison du budget participatif",
        "Exécution budgétaire",
        "Prestataires",
        "Budget participatif test",
        "Paysages du Rhône",
        "Contributions reçues par consultation",
        "Place Guichard",
    ):
        assert title in text, title
    assert house_pdf_failures(response.content) == []  # tagged, PDF/A-3b, the charts' alt text, the shared footer
    client.force_login(other_town_hall_agent)
    text = " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(client.get(reverse("indicators:annual_report")).content)).pages
    )
    # District 3's turnout, its vendor and its envelope are nowhere; district 5's are there.
    assert "2,5" in text and "3,0 %" not in text and "1 000 000" not in text and "Paysages du Rhône" not in text
    assert "Place Guichard" not in text  # a consultation of the 3rd


def _panel_titles(client) -> list[str]:
    """The captions of the dashboard's charts, in their order."""
    return re.findall(r'<figcaption id="titre-[^"]+" class="h6">([^<]+)</figcaption>', client.get("/").content.decode())


def test_dashboard_charts_follow_the_role(
    client, city, mdo_manager, mdo_officer, town_hall_agent, directorate_agent, outsider
):
    client.force_login(mdo_manager)
    assert _panel_titles(client) == [
        "Exécution budgétaire par exercice",
        "Lauréats en retard de livraison, par arrondissement",
        "Lauréats livrés à temps ou non",
        "Jalons en retard (non livrés), par titulaire",
    ]
    client.force_login(mdo_officer)
    assert _panel_titles(client) == [
        "Mes projets par statut",
        "Lauréats en retard de livraison, par arrondissement",
        "Jalons en retard (non livrés), par titulaire",
    ]
    client.force_login(town_hall_agent)
    assert _panel_titles(client) == [
        "Projets de Lyon 3e par statut",
        "Enveloppe de Lyon 3e par édition",
        "Lauréats de Lyon 3e : livrés à temps ou non",
    ]
    client.force_login(directorate_agent)
    assert _panel_titles(client) == [
        "Projets de ma direction par phase",
        "Jalons en retard (non livrés), par titulaire",
        "Exécution budgétaire par exercice",
    ]
    assert "Paysages du Rhône" in client.get("/").content.decode()  # its late milestone's vendor
    client.force_login(outsider)
    assert "Paysages du Rhône" not in client.get("/").content.decode()


def test_each_dashboard_chart_has_its_table_and_downloads(client, city, mdo_manager):
    client.force_login(mdo_manager)
    html = client.get("/").content.decode()
    keys = re.findall(r'data-chart="([^"]+)"', html)
    assert keys == ["execution-years", "late-winners", "winners-punctuality", "late-milestones"]
    assert html.count("Tableau de données du graphique") == len(keys)
    for key in keys:
        for fmt in ("png", "svg", "csv"):
            assert f'href="/indicateurs/tableau-de-bord/?chart={key}&amp;format={fmt}"' in html
    png = client.get("/indicateurs/tableau-de-bord/?chart=late-milestones&format=png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    csv = client.get("/indicateurs/tableau-de-bord/?chart=late-milestones&format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "Catégorie;Jalons en retard" and "Paysages du Rhône;" in csv


def test_dashboard_chart_download_follows_the_readers_scope(client, city, town_hall_agent, outsider):
    client.force_login(town_hall_agent)
    assert client.get("/indicateurs/tableau-de-bord/?chart=execution-years&format=csv").status_code == 404
    assert client.get("/indicateurs/tableau-de-bord/?chart=envelope&format=exe").status_code == 404
    assert client.get("/indicateurs/tableau-de-bord/?chart=envelope&format=csv").status_code == 200
    client.force_login(outsider)
    csv = client.get("/indicateurs/tableau-de-bord/?chart=late-milestones&format=csv").content.decode("utf-8-sig")
    assert "Paysages du Rhône" not in csv
    client.logout()
    assert client.get("/indicateurs/tableau-de-bord/?chart=late-milestones&format=csv").status_code == 302


def test_dashboard_panel_keeps_a_constant_number_of_queries(client, city, mdo_manager, town_hall_agent):
    for user in (mdo_manager, town_hall_agent):
        client.force_login(user)
        assert_constant_queries(client, "/", _grow(city, mdo_manager))
