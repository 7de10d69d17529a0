"""Server-rendered SVG bar chart: the same markup on the summary page and in the PDF report."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from budgets.templatetags.budgets_tags import euros

#: (attribute, legend, fill, pattern) — bars differ by pattern as well as colour (not colour alone).
SERIES = [
    ("approved", "Approuvé", "#1d3f72", ""),
    ("committed", "Engagé", "#2f7d4a", "url(#hachures)"),
    ("paid", "Mandaté", "#8a4b08", "url(#points)"),
]


def summary_bar_chart(rows, *, title: str) -> str:
    """Grouped horizontal bars (approved, committed, paid) for each row of a summary."""
    rows = list(rows)
    label_width, bar_area, bar_height, gap = 190, 430, 12, 14
    group_height = bar_height * len(SERIES) + gap
    height = 60 + max(len(rows), 1) * group_height
    width = label_width + bar_area + 110
    peak = max([getattr(row, attr) for row in rows for attr, *_ in SERIES] + [Decimal("1")])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title chart-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" class="mdo-chart" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<desc id="chart-desc">Pour chaque ligne du tableau, trois barres : montant approuvé, engagé et mandaté. '
        "Les valeurs exactes figurent dans le tableau.</desc>",
        "<defs>"
        '<pattern id="hachures" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#2f7d4a"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>'
        '<pattern id="points" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<rect width="5" height="5" fill="#8a4b08"/><circle cx="2.5" cy="2.5" r="1.2" fill="#ffffff"/></pattern>'
        "</defs>",
    ]
    x = label_width
    for index, (_attr, legend, fill, pattern) in enumerate(SERIES):
        lx = label_width + index * 130
        parts.append(f'<rect x="{lx}" y="8" width="14" height="14" fill="{pattern or fill}" stroke="#222"/>')
        parts.append(f'<text x="{lx + 20}" y="19" fill="#222">{legend}</text>')
    y = 40
    for row in rows:
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 2}" text-anchor="end" fill="#222">{escape(row.label[:32])}</text>'
        )
        for index, (attr, _legend, fill, pattern) in enumerate(SERIES):
            value = getattr(row, attr)
            bar = int(bar_area * (value / peak)) if value > 0 else 0
            by = y + index * bar_height
            parts.append(
                f'<rect x="{x}" y="{by}" width="{max(bar, 1)}" height="{bar_height - 2}" fill="{pattern or fill}"/>'
            )
            parts.append(
                f'<text x="{x + bar + 4}" y="{by + bar_height - 3}" fill="#222" font-size="9">{escape(euros(value))}</text>'
            )
        y += group_height
    parts.append(f'<line x1="{x}" y1="34" x2="{x}" y2="{height - 10}" stroke="#555"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
