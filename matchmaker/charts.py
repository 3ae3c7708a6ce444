"""Server-side SVG charts: bar, stacked bar, line over time and donut, on plain data.

Each chart is a standalone <svg role="img"> with a <title> and <desc> (screen readers read
them; the page also offers the numbers as a table), sized by its viewBox so it scales to a
phone's width. Colours are presentation attributes, not style=, so a strict CSP allows them
inline, and the palette keeps 3:1 contrast against white. No Flask imports: callers pass
already translated labels.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import count
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

# XML 1.0 cannot hold these at all, escaped or not: one in a name would break the chart.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    return _xml_escape(_XML_ILLEGAL.sub("", str(text)))


def quoteattr(text: str) -> str:
    return _xml_quoteattr(_XML_ILLEGAL.sub("", str(text)))

# Dark enough for 3:1 against white, distinguishable for the common colour blindnesses.
PALETTE = ("#1f5f8b", "#b35806", "#2d7d46", "#7b3294", "#8c510a", "#4d4d4d", "#c51b7d",
           "#01665e")
# About a column's width on a laptop (two charts side by side) and 1:1 text there; a phone
# scales it down less than a wider canvas would.
WIDTH = 560
CHAR = 7  # average width of a 13 px character, for fitting labels
FONT = 'font-family="system-ui, sans-serif" font-size="13"'
_ids = count(1)


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(title: str, desc: str, height: int, kind: str) -> tuple[list[str], str]:
    uid = f"chart{next(_ids)}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{uid}-t {uid}-d" {FONT}>',
        f'<title id="{uid}-t">{escape(title)}</title>',
        f'<desc id="{uid}-d">{escape(desc)}</desc>',
    ]
    return parts, uid


def _empty(parts: list[str], message: str, height: int) -> str:
    parts.append(f'<text x="{WIDTH // 2}" y="{height // 2}" text-anchor="middle" '
                 f'fill="#4d4d4d">{escape(message)}</text></svg>')
    return "".join(parts)


def _truncate(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _label_layout(labels: Sequence[str]) -> tuple[int, int, list[list[str]]]:
    """(label column width, row height, lines per label): the column grows with the longest
    label up to 45 % of the chart; a longer label wraps onto a second line at a word."""
    longest = max((len(str(label)) for label in labels), default=0)
    width = max(90, min(int(WIDTH * 0.45), longest * CHAR + 16))
    per_line = max(8, (width - 12) // CHAR)
    lines = [_wrap(str(label), per_line) for label in labels]
    return width, (40 if any(len(ls) > 1 for ls in lines) else 28), lines


def _wrap(label: str, per_line: int) -> list[str]:
    if len(label) <= per_line:
        return [label]
    cut = label.rfind(" ", 0, per_line + 1)
    cut = cut if cut > per_line // 3 else per_line
    return [label[:cut].rstrip(), _truncate(label[cut:].strip(), per_line)]


def _label_text(lines: list[str], x: float, y: float) -> str:
    """A right-aligned label of one or two lines, centred on the bar at `y`."""
    if len(lines) == 1:
        return (f'<text x="{x}" y="{y + 17}" text-anchor="end" fill="#1a1a1a">'
                f'{escape(lines[0])}</text>')
    return (f'<text x="{x}" y="{y + 11}" text-anchor="end" fill="#1a1a1a">'
            f'<tspan x="{x}">{escape(lines[0])}</tspan>'
            f'<tspan x="{x}" dy="15">{escape(lines[1])}</tspan></text>')


def bar_chart(title: str, desc: str, items: Sequence[tuple[str, float]], *,
              empty: str = "—") -> str:
    """Horizontal bars, one per (label, value), longest scale at the largest value.

    Horizontal, because long labels (lot names, countries) stay readable on a phone; labels
    wrap rather than being cut, and each row's <title> holds the full label.
    """
    label_width, row, lines = _label_layout([label for label, _value in items])
    height = max(60, 20 + row * len(items))
    parts, _uid = _open(title, desc, height, "bar")
    if not items:
        return _empty(parts, empty, height)
    right = 50
    top = max((value for _label, value in items), default=0) or 1
    span = WIDTH - label_width - right
    bar_y = (row - 20) // 2
    for index, (label, value) in enumerate(items):
        y = 10 + index * row
        length = span * value / top
        parts.append(
            f'<g class="bar-row"><title>{escape(label)}: {_number(value)}</title>'
            f'{_label_text(lines[index], label_width - 8, y + bar_y - 4)}'
            f'<rect class="bar" x="{label_width}" y="{y + bar_y}" width="{length:.1f}" height="20" '
            f'fill="{PALETTE[0]}" data-label={quoteattr(label)} data-value="{_number(value)}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_y + 14}" fill="#1a1a1a">'
            f'{_number(value)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(title: str, desc: str, categories: Sequence[str],
                      series: Sequence[tuple[str, Sequence[float]]], *, empty: str = "—") -> str:
    """Horizontal stacked bars: one bar per category, one coloured segment per series, a legend."""
    label_width, row, lines = _label_layout(categories)
    legend_rows = math.ceil(len(series) / 3) if series else 0
    height = max(60, 20 + row * len(categories) + 22 * legend_rows + 10)
    parts, _uid = _open(title, desc, height, "stacked")
    totals = [sum(values[i] for _name, values in series) for i in range(len(categories))]
    if not categories or not any(totals):
        return _empty(parts, empty, height)
    right = 50
    top = max(totals) or 1
    span = WIDTH - label_width - right
    bar_y = (row - 20) // 2
    for index, category in enumerate(categories):
        y = 10 + index * row
        x = float(label_width)
        parts.append(f'<g class="bar-row"><title>{escape(category)}</title>'
                     f'{_label_text(lines[index], label_width - 8, y + bar_y - 4)}')
        for colour_index, (name, values) in enumerate(series):
            value = values[index]
            if not value:
                continue
            length = span * value / top
            parts.append(
                f'<rect class="segment" x="{x:.1f}" y="{y + bar_y}" width="{length:.1f}" '
                f'height="20" fill="{PALETTE[colour_index % len(PALETTE)]}" '
                f'data-series={quoteattr(name)} data-value="{_number(value)}"/>'
            )
            x += length
        parts.append(f'<text x="{x + 6:.1f}" y="{y + bar_y + 14}" fill="#1a1a1a">'
                     f'{_number(totals[index])}</text></g>')
    _legend(parts, [name for name, _values in series], 20 + row * len(categories))
    parts.append("</svg>")
    return "".join(parts)


def _legend(parts: list[str], names: Sequence[str], top: float) -> None:
    parts.append('<g class="legend">')
    for index, name in enumerate(names):
        x = 10 + (index % 3) * (WIDTH // 3)
        y = top + (index // 3) * 22
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" '
                     f'fill="{PALETTE[index % len(PALETTE)]}"/>'
                     f'<text x="{x + 18}" y="{y + 11}" fill="#1a1a1a">{escape(_truncate(name, (WIDTH // 3 - 24) // CHAR))}</text>')
    parts.append("</g>")


def line_chart(title: str, desc: str, labels: Sequence[str],
               series: Sequence[tuple[str, Sequence[float]]], *, empty: str = "—") -> str:
    """Values over time: labels along the x axis (hours, days), one polyline per series."""
    height = 260
    legend_rows = math.ceil(len(series) / 3) if series else 0
    height += 22 * legend_rows
    parts, _uid = _open(title, desc, height, "line")
    values = [v for _name, points in series for v in points]
    if not labels or not any(values):
        return _empty(parts, empty, height)
    left, right, top, bottom = 44, 16, 14, 200
    top_value = max(values) or 1
    step = (WIDTH - left - right) / max(1, len(labels) - 1)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / top_value

    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - right}" y2="{bottom}" '
                 f'stroke="#4d4d4d"/>')
    parts.append(f'<text x="{left - 6}" y="{top + 5}" text-anchor="end" fill="#1a1a1a">'
                 f'{_number(top_value)}</text><text x="{left - 6}" y="{bottom}" '
                 f'text-anchor="end" fill="#1a1a1a">0</text>')
    every = max(1, math.ceil(len(labels) / 8))  # at most ~8 axis labels fit on a phone
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(f'<text x="{left + index * step:.1f}" y="{bottom + 18}" '
                         f'text-anchor="middle" fill="#1a1a1a">{escape(label)}</text>')
    for colour_index, (name, points) in enumerate(series):
        colour = PALETTE[colour_index % len(PALETTE)]
        coordinates = " ".join(f"{left + i * step:.1f},{y_of(v):.1f}" for i, v in enumerate(points))
        parts.append(f'<polyline class="line" fill="none" stroke="{colour}" stroke-width="2.5" '
                     f'points="{coordinates}" data-series={quoteattr(name)}/>')
        for i, value in enumerate(points):
            parts.append(f'<circle class="point" cx="{left + i * step:.1f}" cy="{y_of(value):.1f}" '
                         f'r="3" fill="{colour}" data-label={quoteattr(labels[i])} '
                         f'data-value="{_number(value)}"/>')
    _legend(parts, [name for name, _points in series], bottom + 34)
    parts.append("</svg>")
    return "".join(parts)


def donut_chart(title: str, desc: str, items: Sequence[tuple[str, float]], *,
                empty: str = "—") -> str:
    """Shares of a whole as a ring with a legend giving each label, count and percentage."""
    height = max(220, 30 + 24 * len(items))
    parts, _uid = _open(title, desc, height, "donut")
    total = sum(value for _label, value in items)
    if not total:
        return _empty(parts, empty, height)
    cx, cy, radius, hole = 110, 110, 90, 52
    angle = -math.pi / 2
    for index, (label, value) in enumerate(items):
        colour = PALETTE[index % len(PALETTE)]
        share = value / total
        if share >= 0.9999:
            parts.append(f'<circle class="slice" cx="{cx}" cy="{cy}" r="{radius}" fill="{colour}" '
                         f'data-label={quoteattr(label)} data-value="{_number(value)}"/>')
            break
        if not value:
            continue
        end = angle + 2 * math.pi * share
        large = 1 if share > 0.5 else 0
        x1, y1 = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        x2, y2 = cx + radius * math.cos(end), cy + radius * math.sin(end)
        parts.append(f'<path class="slice" d="M{cx},{cy} L{x1:.2f},{y1:.2f} '
                     f'A{radius},{radius} 0 {large} 1 {x2:.2f},{y2:.2f} Z" fill="{colour}" '
                     f'stroke="#ffffff" stroke-width="1" data-label={quoteattr(label)} '
                     f'data-value="{_number(value)}"/>')
        angle = end
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="{hole}" fill="#ffffff"/>'
                 f'<text x="{cx}" y="{cy + 6}" text-anchor="middle" font-size="20" '
                 f'fill="#1a1a1a">{_number(total)}</text>')
    for index, (label, value) in enumerate(items):
        y = 24 + index * 24
        percent = round(100 * value / total)
        parts.append(f'<rect x="240" y="{y - 11}" width="12" height="12" '
                     f'fill="{PALETTE[index % len(PALETTE)]}"/>'
                     f'<text x="258" y="{y}" fill="#1a1a1a">{escape(_truncate(label, 28))}: '
                     f'{_number(value)} ({percent} %)</text>')
    parts.append("</svg>")
    return "".join(parts)
