"""The narrow drawing a phone loads: its text keeps a readable size, long labels stay inside it, and the
HTML legend names every series."""

import re
import xml.etree.ElementTree as ET

import pytest
from PIL import ImageFont

from mdo.charts import NARROW_MEDIA, NARROW_SHOWN_MIN, PALETTE, Chart

SVG = "{http://www.w3.org/2000/svg}"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEJAVU_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LONG_LABEL = "Direction de l'Écologie urbaine, des Espaces verts du Climat"  # 60 characters
assert len(LONG_LABEL) == 60


def charts() -> list[Chart]:
    labels = [LONG_LABEL, "Lyon 3e", "Paysages du Rhône et Maintenance Multitechnique Wxyz SAS"]
    return [
        Chart(
            key=f"{kind}-chart",
            title="Titre",
            kind=kind,
            labels=labels,
            unit="€",
            series=[("Approuvé", [1_250_000.5, 3, None]), ("Mandaté", [999_999, 0, 12])],
        )
        for kind in ("bar", "stacked", "hbar", "line")
    ] + [
        Chart(
            key="tiles",
            title="Participation",
            kind="tiles",
            labels=["Lyon 3e", "Lyon 5e"],
            districts=[3, 5],
            unit="%",
            series=[("Participation", [12.5, 2.5])],
        )
    ]


def parse(svg: str) -> tuple[ET.Element, float]:
    root = ET.fromstring(svg)
    _x, _y, width, _height = (float(n) for n in root.get("viewBox").split())
    return root, width


@pytest.mark.parametrize("chart", charts(), ids=lambda chart: chart.key)
def test_narrow_drawing_text_is_at_least_11_css_pixels_on_a_390_px_phone(chart):
    root, width = parse(chart.narrow_svg())
    # Shown at NARROW_SHOWN_MIN CSS pixels (the dashboard's card within a card at 390 px; the browser
    # test measures it), each drawing unit is NARROW_SHOWN_MIN / width CSS pixels.
    assert NARROW_SHOWN_MIN <= 390 - 2 * 12
    sizes = [float(node.get("font-size")) for node in root.iter() if node.get("font-size")]
    assert sizes and all(size * NARROW_SHOWN_MIN / width >= 11 for size in sizes), sizes


@pytest.mark.parametrize("chart", charts(), ids=lambda chart: chart.key)
def test_narrow_drawing_keeps_a_60_character_label_inside_its_width_with_the_full_label_in_a_title(chart):
    root, width = parse(chart.narrow_svg())
    inherited = {}
    for group in root.iter(f"{SVG}g"):
        for text in group.iter(f"{SVG}text"):
            inherited[text] = group.get("font-size")
    for text in root.iter(f"{SVG}text"):
        size = float(text.get("font-size") or inherited[text])
        font = ImageFont.truetype(DEJAVU_BOLD if text.get("font-weight") == "bold" else DEJAVU, size)
        drawn = font.getlength(text.text or "")
        x = float(text.get("x"))
        left = {"middle": x - drawn / 2, "end": x - drawn}.get(text.get("text-anchor"), x)
        assert left >= 0 and left + drawn <= width, (text.text, left, drawn, width)
    if chart.kind != "tiles":
        titles = [title.text for title in root.iter(f"{SVG}title")]
        assert LONG_LABEL in titles
        lines = [text.text for text in root.iter(f"{SVG}text")]
        # Wrapped at a space over two lines, every word of it there.
        assert lines[:2] == ["Direction de l'Écologie urbaine, des", "Espaces verts du Climat"]


def test_narrow_drawing_ends_a_label_too_long_for_two_lines_with_an_ellipsis():
    longer = f"{LONG_LABEL} et de la Transition écologique du territoire"
    chart = Chart(key="k", title="Titre", kind="hbar", labels=[longer], series=[("Projets", [3])])
    root, _width = parse(chart.narrow_svg())
    lines = [text.text for text in root.iter(f"{SVG}text")]
    assert lines[0] == "Direction de l'Écologie urbaine, des" and lines[1].endswith("…") and lines[2] == "3"
    assert longer in [title.text for title in root.iter(f"{SVG}title")]


def test_narrow_drawing_draws_every_value_and_says_when_there_is_none():
    chart = charts()[0]
    drawn = [text.text for text in parse(chart.narrow_svg())[0].iter(f"{SVG}text")]
    for value in ("1\u202f250\u202f000,5\u00a0€", "999\u202f999\u00a0€", "3\u00a0€", "0\u00a0€", "—", "12\u00a0€"):
        assert value in drawn
    empty = Chart(key="e", title="Vide", kind="hbar", labels=[], series=[("Projets", [])])
    assert "Aucune donnée pour ces filtres" in empty.narrow_svg()


def test_picture_loads_the_narrow_drawing_on_a_phone_and_keeps_the_wide_image_and_its_alt():
    chart = charts()[0]
    html = chart.picture()
    assert html.startswith(f'<picture><source media="{NARROW_MEDIA}" srcset="data:image/svg+xml;base64,')
    wide = re.search(
        r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)" class="img-fluid indicator-chart"', html
    )
    assert wide and wide.group(1).startswith("Titre.") and html.endswith('data-chart="bar-chart"></picture>')


def test_legend_html_lists_each_series_with_its_colour(rf):
    from django.template.loader import render_to_string

    chart = Chart(
        key="many",
        title="Approuvé par direction",
        kind="stacked",
        labels=["Lyon 1er"],
        series=[(f"Direction {n}", [n]) for n in range(len(PALETTE) + 2)],
    )
    html = render_to_string("indicators/_chart.html", {"chart": chart, "query": None})
    legend = re.search(r'<ul class="chart-legend[^>]*>(.*?)</ul>', html, re.S).group(1)
    items = re.findall(r'<li class="list-inline-item">(.*?)</li>', legend, re.S)
    assert [re.sub(r"<[^>]+>", "", item).strip() for item in items] == [name for name, _v in chart.series]
    # The colours of the legend are the drawings' (the palette again after its end).
    assert [re.search(r'fill="(#[0-9a-f]{6})"', item).group(1) for item in items] == chart.series_colours()
    assert chart.series_colours()[len(PALETTE)] == PALETTE[0]
    wide = chart.svg()
    for colour in set(chart.series_colours()):
        assert colour in wide and colour in chart.narrow_svg()


def test_tiles_legend_explains_the_shades_in_words():
    tiles = charts()[-1]
    ((swatches, text),) = tiles.legend()
    assert len(swatches) == 5 and text == "Participation : du plus clair (2,5\u00a0%) au plus foncé (12,5\u00a0%)"
