"""The app's charts (indicators, dashboards, consultations' results), drawn by pygal as SVG on the
server: the page, the PDF and the download show the same drawing. Each chart carries its data, so
that its text alternative, its data table and its CSV come from the very numbers it draws."""

import base64
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

#: Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by the legend's order too.
PALETTE = ("#1d3f72", "#2f7d4a", "#8a4b08", "#b3261e", "#5b3d8c", "#00677f", "#6b6b6b", "#a4476b")
#: The accessible danger colour (the site's red): late things.
DANGER = "#b3261e"
FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"

#: The wide drawing (pages from a tablet up, the PDF, the downloads).
WIDE_WIDTH = 820
WIDE_LABEL_CHARS = 28
#: A phone gets the narrow drawing: its width in drawing units is about the width it is shown at, so
#: its text keeps its size instead of shrinking with a 820-unit drawing.
NARROW_MEDIA = "(max-width: 600px)"
NARROW_WIDTH = 360
#: The narrowest the narrow drawing is shown on a 390 px phone: the dashboard's card within a card.
NARROW_SHOWN_MIN = 296
NARROW_LABEL_FONT = 15
NARROW_VALUE_FONT = 14
NARROW_LABEL_LINES = 2

#: Advance widths of DejaVu Sans in em (the drawings' first font, wider than Arial, the phones' usual
#: fallback), so that a label measured here fits whichever of the two draws it.
_NARROW_CHARS = dict.fromkeys("iljfI!|.,;:'’ \u00a0\u202f()[]/·-", 0.4)
_WIDE_CHARS = {"m": 0.98, "w": 0.82, "M": 0.87, "W": 0.99, "%": 0.95, "—": 1.0, "…": 1.0}


def text_width(text: str, size: float) -> float:
    """The width of a line of text in drawing units, slightly over DejaVu Sans's own."""
    total = 0.0
    for char in text:
        if char in _WIDE_CHARS:
            total += _WIDE_CHARS[char]
        elif char in _NARROW_CHARS:
            total += _NARROW_CHARS[char]
        elif char.isupper():
            total += 0.8
        else:
            total += 0.65
    return total * size


def fit_lines(text: str, width: float, size: float, lines: int) -> list[str]:
    """``text`` wrapped at spaces into at most ``lines`` lines of ``width``; the last one ends with « … »
    when the text goes on (a word too long for a line is cut too)."""
    words = text.split()
    result: list[str] = []
    current = ""
    while words and len(result) < lines:
        word = words[0]
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
            words.pop(0)
        elif current:
            result.append(current)
            current = ""
        else:  # one word wider than the line: cut it
            cut = len(word)
            while cut > 1 and text_width(word[:cut], size) > width:
                cut -= 1
            result.append(word[:cut])
            words[0] = word[cut:]
    if current and len(result) < lines:
        result.append(current)
        current = ""
    if words or current:
        last = result[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        result[-1] = last.rstrip() + "…"
    return result or [""]


def format_value(value, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer() or isinstance(value, Decimal) and unit == "%":
        text = f"{value:,.1f}"
    else:
        text = f"{value:,.0f}"
    text = text.replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0{unit}" if unit else text


@dataclass
class Chart:
    """A chart: ``kind`` is ``bar``, ``stacked``, ``hbar``, ``line`` or ``tiles`` (the nine arrondissements)."""

    key: str
    title: str
    kind: str
    labels: list[str]
    series: list[tuple[str, list]]
    unit: str = ""
    colours: tuple[str, ...] = PALETTE
    note: str = ""
    #: For tiles: the district number of each label.
    districts: list[int] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return any(value for _name, values in self.series for value in values if value)

    @property
    def alt(self) -> str:
        """The text alternative: what is drawn, in words, with the figures when they are few."""
        names = ", ".join(name for name, _values in self.series)
        text = f"{self.title}. " + (f"Séries : {names}. " if len(self.series) > 1 else "")
        if not self.has_data:
            return text + "Aucune donnée pour ces filtres."
        if len(self.labels) <= 12:
            parts = []
            for index, label in enumerate(self.labels):
                values = [
                    f"{name} {format_value(values[index], self.unit)}"
                    if len(self.series) > 1
                    else format_value(values[index], self.unit)
                    for name, values in self.series
                ]
                parts.append(f"{label} : " + ", ".join(values))
            text += " ; ".join(parts) + "."
        else:
            text += f"{len(self.labels)} catégories ; le tableau de données donne chaque valeur."
        return text

    def table(self) -> list[tuple[str, list[str]]]:
        return [
            (label, [format_value(values[i], self.unit) for _name, values in self.series])
            for i, label in enumerate(self.labels)
        ]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Catégorie"] + [name for name, _values in self.series])
        for index, label in enumerate(self.labels):
            writer.writerow(
                [label] + ["" if values[index] is None else str(values[index]) for _n, values in self.series]
            )
        return out.getvalue()

    def svg(self) -> str:
        if self.kind == "tiles":
            return _tiles_svg(self)
        return _pygal_svg(self)

    def narrow_svg(self) -> str:
        """The same data for a phone: drawn at the width it is shown, bars across, labels wrapped."""
        if self.kind == "tiles":
            return _tiles_svg(self, narrow=True)
        return _narrow_bars_svg(self)

    def series_colours(self) -> list[str]:
        """One colour per series, the palette's order again after its end: the drawings and the legend agree."""
        return [self.colours[index % len(self.colours)] for index in range(len(self.series))]

    def legend(self) -> list[tuple[list[str], str]]:
        """The colours in words, for the HTML legend beside the drawing: (swatches, text) per entry."""
        if self.kind == "tiles":
            low, high = _tiles_range(self)
            name = self.series[0][0] if self.series else ""
            return [([fill for fill, _ink in SCALE], f"{name} : du plus clair ({low}) au plus foncé ({high})")]
        return [([colour], name) for colour, (name, _values) in zip(self.series_colours(), self.series, strict=True)]

    def png(self) -> bytes:
        """The same drawing as a PNG (for slides and mails), rasterised by cairosvg on Debian's cairo."""
        import cairosvg

        return bytes(cairosvg.svg2png(bytestring=self.svg().encode(), output_width=1640))

    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg().encode()).decode()

    def img(self) -> str:
        """The chart as an image with its text alternative, for pages and PDFs alike."""
        return mark_safe(
            f'<img src="{self.data_uri()}" alt="{escape(self.alt)}" class="img-fluid indicator-chart" '
            f'data-chart="{escape(self.key)}">'
        )

    def picture(self) -> str:
        """The image of the pages: a phone loads the narrow drawing, a wider screen the wide one (same alt)."""
        narrow = "data:image/svg+xml;base64," + base64.b64encode(self.narrow_svg().encode()).decode()
        return mark_safe(f'<picture><source media="{NARROW_MEDIA}" srcset="{narrow}">{self.img()}</picture>')


def _pygal_svg(chart: Chart) -> str:
    import pygal
    from pygal.style import Style

    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#222222",
        foreground_strong="#111111",
        foreground_subtle="#555555",
        colors=tuple(chart.series_colours()) or chart.colours,
        font_family="DejaVu Sans, Arial, sans-serif",
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        title_font_size=15,
        value_font_size=11,
        tooltip_font_size=12,
        opacity="1",
        opacity_hover="1",
    )
    # Column labels turn when one of them is wider than its column: directorates' names would run into each other.
    slot = (WIDE_WIDTH - 120) / max(len(chart.labels), 1)
    upright = len(chart.labels) <= 6 and all(
        text_width(label[:WIDE_LABEL_CHARS], 12) <= slot - 8 for label in chart.labels
    )
    # The drawing's own legend (kept for the downloads) cuts a name at its column's width, full in its <title>.
    columns = max(min(len(chart.series), 4), 1)
    legend_chars = max(12, int(((WIDE_WIDTH - 32) / columns - 24) / (13 * 0.65)))
    classes = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "hbar": pygal.HorizontalBar, "line": pygal.Line}
    graph = classes[chart.kind](
        style=style,
        js=[],
        disable_xml_declaration=True,
        width=WIDE_WIDTH,
        height=420,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=columns,
        truncate_label=WIDE_LABEL_CHARS,
        truncate_legend=legend_chars,
        x_label_rotation=0 if upright or chart.kind == "hbar" else 30,
        show_legend=len(chart.series) > 1,
        value_formatter=lambda value: format_value(value, chart.unit),
        title=chart.title,
        margin=16,
        print_values=False,
        dots_size=4,
        no_data_text="Aucune donnée pour ces filtres",
        show_minor_x_labels=True,
        include_x_axis=True,
    )
    graph.x_labels = chart.labels
    for name, values in chart.series:
        graph.add(name, [None if value is None else float(value) for value in values])
    return graph.render(is_unicode=True)


#: Where each arrondissement sits in the schematic (column, row): Lyon from north-west to south-east.
TILES = {9: (0, 0), 4: (1, 0), 6: (2, 0), 5: (0, 1), 1: (1, 1), 3: (2, 1), 2: (1, 2), 7: (2, 2), 8: (3, 2)}
#: Five steps from light to dark; the text colour keeps 4.5:1 on each.
SCALE = (
    ("#e8eef7", "#111111"),
    ("#b9cbe6", "#111111"),
    ("#7f9fcf", "#111111"),
    ("#3d6aa8", "#ffffff"),
    ("#1d3f72", "#ffffff"),
)


def _tiles_range(chart: Chart) -> tuple[str, str]:
    known = [value for value in (chart.series[0][1] if chart.series else []) if value is not None]
    if not known:
        return "—", "—"
    return format_value(min(known), chart.unit), format_value(max(known), chart.unit)


#: The tiles' layout, wide and narrow: tile size, step between tiles, font sizes, where the scale sits.
TILE_LAYOUTS = {
    False: {"w": 140, "h": 100, "step_x": 150, "step_y": 110, "left": 20, "top": 50, "name": 18, "value": 16},
    True: {"w": 82, "h": 70, "step_x": 88, "step_y": 78, "left": 4, "top": 8, "name": 14, "value": 14},
}


def _tiles_svg(chart: Chart, *, narrow: bool = False) -> str:
    layout = TILE_LAYOUTS[narrow]
    values = dict(zip(chart.districts, chart.series[0][1] if chart.series else [], strict=False))
    known = [value for value in values.values() if value is not None]
    low, high = (min(known), max(known)) if known else (0, 0)
    tiles = []
    for district, (col, row) in TILES.items():
        value = values.get(district)
        if value is None:
            fill, ink = "#f4f4f4", "#111111"
        else:
            step = (
                0 if high == low else int((float(value) - float(low)) / (float(high) - float(low)) * (len(SCALE) - 1))
            )
            fill, ink = SCALE[step]
        x, y = layout["left"] + col * layout["step_x"], layout["top"] + row * layout["step_y"]
        tiles.append(
            {
                "x": x,
                "y": y,
                "cx": x + layout["w"] // 2,
                "name_y": y + layout["h"] * 2 // 5,
                "value_y": y + layout["h"] * 18 // 25,
                "fill": fill,
                "ink": ink,
                "name": "1er" if district == 1 else f"{district}e",
                "value": format_value(value, chart.unit),
            }
        )
    low_text, high_text = _tiles_range(chart)
    note = "Schéma des neuf arrondissements (non à l'échelle)"
    context = {"chart": chart, "tiles": tiles, "layout": layout, "low": low_text, "high": high_text, "scale": SCALE}
    if narrow:
        scale_y = layout["top"] + 3 * layout["step_y"] + 6
        low_width = text_width(low_text, NARROW_VALUE_FONT)
        context.update(
            {
                "width": NARROW_WIDTH,
                "height": scale_y + 24 + 2 * 18 + 6,
                "scale_y": scale_y,
                "scale_cells": [(int(low_width) + 12 + 24 * index, fill) for index, (fill, _ink) in enumerate(SCALE)],
                "high_x": int(low_width) + 12 + 24 * len(SCALE) + 8,
                "note_lines": [
                    (scale_y + 24 + 18 * (index + 1), line)
                    for index, line in enumerate(fit_lines(note, NARROW_WIDTH - 8, NARROW_VALUE_FONT, 2))
                ],
            }
        )
        return render_to_string("mdo/charts/tiles_narrow.svg", context)
    return render_to_string("mdo/charts/tiles.svg", context)


def _narrow_bars_svg(chart: Chart) -> str:
    """Bars across the width, one block per category: its label (wrapped, full in <title>) over its bars
    (one per series, or one stacked bar), each value written at its bar's end."""
    pad, label_font, value_font = 4, NARROW_LABEL_FONT, NARROW_VALUE_FONT
    line_height, bar, bar_gap, block_gap = label_font + 4, 16, 4, 14
    stacked = chart.kind == "stacked"
    colours = chart.series_colours()
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" font-family="{FONT_FAMILY}" viewBox="0 0 {NARROW_WIDTH} {{height}}">',
        f"<title>{escape(chart.title)}</title>",
        f'<rect width="{NARROW_WIDTH}" height="{{height}}" fill="#ffffff"/>',
    ]
    if not chart.has_data:
        parts.append(
            f'<text x="{NARROW_WIDTH // 2}" y="40" text-anchor="middle" font-size="{label_font}" fill="#222222">'
            "Aucune donnée pour ces filtres</text>"
        )
        parts.append("</svg>")
        return "\n".join(parts).replace("{height}", "64")

    def number(value) -> float:
        return max(float(value), 0.0) if value is not None else 0.0

    rows = list(range(len(chart.labels)))
    totals = [sum(number(values[i]) for _n, values in chart.series) for i in rows]
    texts = [
        [format_value(values[i], chart.unit) for _n, values in chart.series] for i in rows
    ]  # per category, per series
    shown = [format_value(total, chart.unit) for total in totals] if stacked else [t for row in texts for t in row]
    widest = max(text_width(text, value_font) for text in shown)
    room = NARROW_WIDTH - 2 * pad - widest - 6
    top = max(totals) if stacked else max(number(v) for _n, values in chart.series for v in values)
    scale = room / top if top else 0.0
    y = 8
    for i, label in enumerate(chart.labels):
        parts.append(f"<g><title>{escape(label)}</title>")
        for line in fit_lines(label, NARROW_WIDTH - 2 * pad, label_font, NARROW_LABEL_LINES):
            y += line_height
            parts.append(
                f'<text x="{pad}" y="{y - 4}" font-size="{label_font}" font-weight="bold" fill="#111111">'
                f"{escape(line)}</text>"
            )
        y += 4
        bars = (
            [(None, totals[i], format_value(totals[i], chart.unit))]
            if stacked
            else [(index, number(values[i]), texts[i][index]) for index, (_n, values) in enumerate(chart.series)]
        )
        for index, value, text in bars:
            if stacked:
                x = float(pad)
                for serie, (name, values) in enumerate(chart.series):
                    length = number(values[i]) * scale
                    if length:
                        parts.append(
                            f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colours[serie]}" '
                            f'stroke="#ffffff" stroke-width="1"><title>{escape(name)} : '
                            f"{escape(texts[i][serie])}</title></rect>"
                        )
                    x += length
            else:
                length = value * scale
                parts.append(
                    f'<rect x="{pad}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colours[index]}">'
                    f"<title>{escape(chart.series[index][0])} : {escape(text)}</title></rect>"
                )
            parts.append(
                f'<text x="{pad + value * scale + 4:.1f}" y="{y + bar - 3}" font-size="{value_font}" '
                f'fill="#222222">{escape(text)}</text>'
            )
            y += bar + bar_gap
        parts.append("</g>")
        y += block_gap - bar_gap
    parts.append(f'<line x1="{pad}" y1="4" x2="{pad}" y2="{y - block_gap}" stroke="#555555" stroke-width="1"/>')
    parts.append("</svg>")
    return "\n".join(parts).replace("{height}", str(y))
