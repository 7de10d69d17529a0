"""Charts of the indicators, drawn by pygal as SVG on the server: the page, the PDF and the
download show the same drawing. Each chart carries its data, so that its text alternative, its
data table and its CSV come from the very numbers it draws."""

import base64
import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

#: Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by the legend's order too.
PALETTE = ("#1d3f72", "#2f7d4a", "#8a4b08", "#b3261e", "#5b3d8c", "#00677f", "#6b6b6b", "#a4476b")
#: The accessible danger colour (the site's red): late things.
DANGER = "#b3261e"


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

    def png(self) -> bytes:
        """The same drawing as a PNG (for slides and mails), rasterised by cairosvg on Debian's cairo."""
        import cairosvg

        return bytes(cairosvg.svg2png(bytestring=self.svg().encode(), output_width=1640))

    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg().encode()).decode()

    def img(self) -> str:
        """The chart as an image with its text alternative, for pages and PDFs alike."""
        from django.utils.html import escape

        return mark_safe(
            f'<img src="{self.data_uri()}" alt="{escape(self.alt)}" class="img-fluid indicator-chart" '
            f'data-chart="{escape(self.key)}">'
        )


def _pygal_svg(chart: Chart) -> str:
    import pygal
    from pygal.style import Style

    style = Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#222222",
        foreground_strong="#111111",
        foreground_subtle="#555555",
        colors=chart.colours,
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
    classes = {"bar": pygal.Bar, "stacked": pygal.StackedBar, "hbar": pygal.HorizontalBar, "line": pygal.Line}
    graph = classes[chart.kind](
        style=style,
        js=[],
        disable_xml_declaration=True,
        width=820,
        height=420,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(chart.series), 4),
        truncate_label=28,
        truncate_legend=40,
        x_label_rotation=0 if len(chart.labels) <= 6 else 30,
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


def _tiles_svg(chart: Chart) -> str:
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
        tiles.append(
            {
                "x": 20 + col * 150,
                "y": 50 + row * 110,
                "fill": fill,
                "ink": ink,
                "name": "1er" if district == 1 else f"{district}e",
                "value": format_value(value, chart.unit),
            }
        )
    return render_to_string(
        "indicators/tiles.svg",
        {
            "chart": chart,
            "tiles": tiles,
            "low": format_value(low, chart.unit) if known else "—",
            "high": format_value(high, chart.unit) if known else "—",
            "scale": SCALE,
        },
    )
