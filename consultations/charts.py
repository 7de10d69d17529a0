"""Bar charts as server-rendered SVG: the same markup serves the results page and the PDFs."""

from django.utils.html import escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 230
BAR_WIDTH = 320


def bar_chart(rows: list[dict], *, title: str) -> str:
    """Horizontal bars, one per answer: ``rows`` are dicts with ``label``, ``count`` and ``percent``."""
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 90
    top = max([row["percent"] for row in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="results-chart"><title>{escape(title)}</title>'
    ]
    for index, row in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * row["percent"] / top, 1) if top else 0
        label = row["label"] if len(row["label"]) <= 34 else row["label"][:33] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end" font-size="12" fill="#222">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="#1d3f72"></rect>'
            f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 15}" font-size="12" fill="#222">'
            f"{row['count']} ({str(row['percent']).replace('.', ',')} %)</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
