"""Bar charts drawn on the server as SVG, the same markup in the PDFs and on the pages.

Each chart carries its text alternative (the SVG <title>, which WeasyPrint writes as the figure's /Alt)
and the rows of the figures table shown beside it, so nothing is said by colour or shape alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from loti.money import whole_pounds_display

# Dark enough against white for text and bars (WCAG 1.4.11), told apart by the legend and the printed values.
COLOURS = ["#1d4f91", "#b35900", "#2f6b2f", "#6a1b9a"]
WIDTH = 380
LABEL_WIDTH = 130
VALUE_WIDTH = 70
BAR_HEIGHT = 16
GAP = 10
LINE_HEIGHT = 13
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


def pounds(value: Decimal) -> str:
    return whole_pounds_display(value)  # charts are read beside a board paper's tables: whole pounds


# Money, or a count (boroughs, answers).
Figure = Decimal | int


def _plain(value: Figure, unit: str) -> str:
    return pounds(Decimal(value)) if unit == "£" else f"{value:,} {unit}".strip()


@dataclass(frozen=True)
class Chart:
    title: str
    series: list[str]
    categories: list[str]
    values: Sequence[Sequence[Figure | None]]  # values[category][series]
    unit: str = "£"

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The figures table: one row per category, one cell per series."""
        return [
            (category, ["–" if value is None else _plain(value, self.unit) for value in values])
            for category, values in zip(self.categories, self.values, strict=True)
        ]

    @property
    def text_alternative(self) -> str:
        parts = []
        for category, cells in self.rows:
            if len(self.series) == 1:
                parts.append(f"{category} {cells[0]}")
            else:
                parts.append(f"{category}: " + ", ".join(f"{name} {cell}" for name, cell in zip(self.series, cells, strict=True)))
        body = "; ".join(parts) if parts else "no figures yet"
        return f"Bar chart, {self.title}. {body}."

    @property
    def svg(self) -> SafeString:
        return mark_safe(_draw(self))


def bar_chart(*, title: str, rows: Sequence[tuple[str, Figure | None]], series: str = "Amount", unit: str = "£") -> Chart:
    return Chart(title=title, series=[series], categories=[r[0] for r in rows], values=[[r[1]] for r in rows], unit=unit)


def grouped_bar_chart(*, title: str, series: list[str], rows: Sequence[tuple[str, Sequence[Figure | None]]], unit: str = "£") -> Chart:
    return Chart(title=title, series=series, categories=[r[0] for r in rows], values=[r[1] for r in rows], unit=unit)


def _wrap(label: str, width: int = 19) -> list[str]:
    """Split a category label into lines of at most `width` characters at spaces: every word shown, never cut
    off (a single word longer than a line is broken at the width, with a hyphen)."""
    lines: list[str] = []
    current = ""
    for word in label.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1 :]
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current or not lines:
        lines.append(current)
    return lines


def _legend(series: list[str]) -> list[tuple[int, int, str]]:
    """(x, baseline y, name) for each key, wrapping onto a new line when the width runs out."""
    placed, x, y = [], 0, 14
    for name in series:
        width = 15 + 7 * len(name) + 14
        if x and x + width > WIDTH:
            x, y = 0, y + 16
        placed.append((x, y, name))
        x += width
    return placed


def _draw(chart: Chart) -> str:
    series_count = len(chart.series)
    legend = _legend(chart.series) if series_count > 1 else []
    legend_height = (max(y for _, y, _ in legend) + 10) if legend else 0
    group_height = series_count * BAR_HEIGHT + (series_count - 1) * 2
    labels = [_wrap(category) for category in chart.categories]
    # Each row is as tall as its bars or its label, whichever is taller: a long label wraps, it is never clipped.
    heights = [max(group_height, 28, LINE_HEIGHT * len(lines) + 4) + GAP for lines in labels]
    tops = [legend_height + sum(heights[:row]) for row in range(len(heights))]
    numbers = [value for values in chart.values for value in values if value is not None]
    largest = max(numbers, default=Decimal(0)) or Decimal(1)
    plot_width = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10
    height = legend_height + (sum(heights) if heights else 28 + GAP) + 6

    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}" class="chart" font-family="{FONT}">'
        ),
        f"<title>{escape(chart.text_alternative)}</title>",
    ]
    for index, (x, legend_y, name) in enumerate(legend):
        out.append(f'<rect x="{x}" y="{legend_y - 10}" width="11" height="11" fill="{COLOURS[index % len(COLOURS)]}"/>')
        out.append(f'<text x="{x + 15}" y="{legend_y}" font-size="11" fill="#0b0c0c">{escape(name)}</text>')
    if not chart.categories:
        out.append(f'<text x="0" y="{legend_height + 20}" font-size="12" fill="#0b0c0c">No figures yet</text>')
    for row, values in enumerate(chart.values):
        top, lines = tops[row], labels[row]
        middle = top + heights[row] / 2 - 2
        for line_number, line in enumerate(lines):
            y = middle + 4 + (line_number - (len(lines) - 1) / 2) * LINE_HEIGHT
            out.append(f'<text x="0" y="{y:.1f}" font-size="11" fill="#0b0c0c">{escape(line)}</text>')
        bar_top = middle - group_height / 2
        for index, value in enumerate(values):
            y = bar_top + index * (BAR_HEIGHT + 2)
            if value is None:
                out.append(f'<text x="{LABEL_WIDTH + 4}" y="{y + 12:.1f}" font-size="10" fill="#505a5f">not yet known</text>')
                continue
            length = float(value / largest) * plot_width if value > 0 else 0
            out.append(
                f'<rect x="{LABEL_WIDTH}" y="{y:.1f}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{COLOURS[index % len(COLOURS)]}"/>'
            )
            out.append(
                f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{y + 12:.1f}" font-size="10" fill="#0b0c0c">'
                f"{escape(_plain(value, chart.unit))}</text>"
            )
    if chart.categories:
        out.append(f'<line x1="{LABEL_WIDTH}" y1="{legend_height}" x2="{LABEL_WIDTH}" y2="{height - 4}" stroke="#505a5f"/>')
    out.append("</svg>")
    return "".join(out)
