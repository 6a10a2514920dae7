"""Charts as inline SVG, drawn on the server: no JavaScript, no library fetched.

Each chart has an accessible name (``role="img"`` with ``aria-labelledby`` pointing at its
``<title>`` and ``<desc>``), writes every label and number as text, and fills its bars with a
pattern as well as a colour, so nothing is said by colour alone. The page follows each chart
with a table of the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
ROW = 44  # each row: its label on one line, the bar and its number on the next
BAR = 16
LABEL_MAX = 70  # characters of a label drawn in the chart (the table has the whole label)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the number as the reader should see it (formatted, with units)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[: LABEL_MAX - 1] + "…"


def bar_chart(*, chart_id: str, title: str, desc: str, bars: list[Bar]) -> SafeString:
    """A horizontal bar chart; the longest bar takes the width left after its number."""
    top = max((b.value for b in bars), default=0) or 1
    room = WIDTH - 150
    height = max(ROW * len(bars), ROW) + 8
    rows = []
    for i, bar in enumerate(bars):
        y = i * ROW
        length = round(room * bar.value / top) if bar.value > 0 else 0
        rows.append(
            (
                y + 16,
                _short(bar.label),
                y + 22,
                max(length, 2 if bar.value > 0 else 0),
                BAR,
                y + 22 + BAR - 3,
                max(length, 2) + 8,
                bar.text,
            )
        )
    body = format_html_join(
        "\n",
        '<g class="chart-row"><text x="0" y="{}" class="chart-label">{}</text>'
        '<rect x="0" y="{}" width="{}" height="{}" class="chart-bar"'
        ' fill="url(#{}-pattern)" stroke="currentColor"/>'
        '<text x="{}" y="{}" class="chart-value">{}</text></g>',
        (
            (label_y, label, bar_y, length, bar_h, chart_id, value_x, value_y, text)
            for label_y, label, bar_y, length, bar_h, value_y, value_x, text in rows
        ),
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet"'
        ' xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<defs><pattern id="{id}-pattern" width="8" height="8" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="8" height="8" class="chart-fill"/>'
        '<line x1="0" y1="0" x2="0" y2="8" class="chart-hatch"/></pattern></defs>'
        "{body}</svg>",
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=desc,
        body=body,
    )


@dataclass(frozen=True)
class Group:
    label: str
    bars: list[Bar]  # one per series, in the order of the chart's ``series``


def grouped_bar_chart(
    *, chart_id: str, title: str, desc: str, series: list[str], groups: list[Group]
) -> SafeString:
    """Horizontal bars in groups (e.g. per year: published, then awarded). Each series has its
    own fill pattern, and each bar's number is written with its series' name, so the chart
    says which bar is which in text, never by colour or pattern alone."""
    top = max((b.value for g in groups for b in g.bars), default=0) or 1
    room = WIDTH - 300
    per_group = 22 + len(series) * (BAR + 8) + 6
    height = max(per_group * len(groups), per_group) + 8
    patterns = format_html_join(
        "",
        '<pattern id="{}-pattern-{}" width="8" height="8" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate({})"><rect width="8" height="8" class="chart-fill-{}"/>'
        '<line x1="0" y1="0" x2="0" y2="8" class="chart-hatch"/></pattern>',
        ((chart_id, i, 45 if i % 2 == 0 else -45, i % 2) for i in range(len(series))),
    )
    rows = []
    for g, group in enumerate(groups):
        y = g * per_group
        bars = []
        for i, bar in enumerate(group.bars):
            bar_y = y + 22 + i * (BAR + 8)
            length = round(room * bar.value / top) if bar.value > 0 else 0
            length = max(length, 2 if bar.value > 0 else 0)
            bars.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" class="chart-bar"'
                    ' fill="url(#{}-pattern-{})" stroke="currentColor"/>'
                    '<text x="{}" y="{}" class="chart-value">{}: {}</text>',
                    bar_y,
                    length,
                    BAR,
                    chart_id,
                    i,
                    max(length, 2) + 8,
                    bar_y + BAR - 3,
                    series[i],
                    bar.text,
                )
            )
        rows.append(
            format_html(
                '<g class="chart-row"><text x="0" y="{}" class="chart-label">{}</text>{}</g>',
                y + 16,
                _short(group.label),
                format_html_join("", "{}", ((b,) for b in bars)),
            )
        )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc"'
        ' viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet"'
        ' xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "<defs>{patterns}</defs>{body}</svg>",
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=desc,
        patterns=patterns,
        body=format_html_join("\n", "{}", ((r,) for r in rows)),
    )
