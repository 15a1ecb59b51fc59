"""Server-side SVG charts: they need no JavaScript, pass the CSP, and print in the PDF.

Each chart has a <title> and <desc>; the page shows the same figures in a table beside it. A withheld
cell draws no bar (a bar's length would reveal the number) and reads "<5".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.html import escape

from .suppression import Cell, Table

if TYPE_CHECKING:
    from datetime import date

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
BAR_WIDTH = 320
VALUE_WIDTH = 60


def bar_chart(table: Table, *, max_rows: int = 16) -> str:
    rows = table.rows[:max_rows]
    visible = [r.current.value for r in rows if not r.current.suppressed and r.current.value]
    top = max(visible, default=0) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    chart_id = f"chart-{escape(table.key)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(table.title)}</title>',
        f'<desc id="{chart_id}-d">'
        + escape("; ".join(f"{r.label}: {r.current.display}" for r in rows))
        + "</desc>",
    ]
    for i, row in enumerate(rows):
        y = GAP + i * (BAR_HEIGHT + GAP)
        label = row.label if len(row.label) <= 32 else row.label[:31] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" '
            f'font-size="13" fill="#1f2328">{escape(label)}</text>'
        )
        if not row.current.suppressed and row.current.value:
            length = max(2.0, BAR_WIDTH * float(row.current.value) / float(top))
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
                f'rx="3" fill="#1d5c63"/>'
            )
            value_x = LABEL_WIDTH + length + 6
        else:
            value_x = LABEL_WIDTH + 6
        parts.append(
            f'<text x="{value_x:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" font-size="13" '
            f'fill="#1f2328">{escape(row.current.display)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def trend_chart(title: str, points: list[tuple[date, Cell]]) -> str:
    """Columns for a series of months; a withheld month draws no column and reads its label."""
    numbers = [c.value for _m, c in points if not c.suppressed and c.value]
    top = max(numbers, default=0) or 1
    col, gap, plot_h = 34, 10, 160
    width = len(points) * (col + gap) + gap
    height = plot_h + 52
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (month, cell) in enumerate(points):
        x = gap + i * (col + gap)
        if not cell.suppressed and cell.value:
            h = max(2.0, plot_h * float(cell.value) / top)
            parts.append(
                f'<rect x="{x}" y="{plot_h - h + 12:.1f}" width="{col}" height="{h:.1f}" '
                f'fill="#1d5c63"/>'
            )
        # The month's short name in the reader's language; the year under each January and the
        # first column.
        parts.append(
            f'<text x="{x + col / 2}" y="{plot_h + 28}" font-size="11" text-anchor="middle">'
            f"{escape(formats.date_format(month, 'M'))}</text>"
        )
        if i == 0 or month.month == 1:
            parts.append(
                f'<text x="{x + col / 2}" y="{plot_h + 44}" font-size="11" '
                f'text-anchor="middle">{month.year}</text>'
            )
        parts.append(
            f'<text x="{x + col / 2}" y="10" font-size="11" text-anchor="middle">'
            f"{escape(cell.display)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def simple_bars(key: str, title: str, rows: list[tuple[str, int | float]]) -> str:
    """A bar chart of staff figures (no suppression: staff dashboards show their own hub in full)."""
    from .suppression import Cell, Row
    from .suppression import Table as _Table

    table = _Table(
        key=key,
        title=title,
        rows=[
            Row(label=str(label), current=Cell(value, counts_people=False), previous=Cell(None))
            for label, value in rows
        ],
        counts_people=False,
    )
    return bar_chart(table)
