"""Server-rendered SVG flavour radar (spider) chart for a lot's sensory profile; no JavaScript."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

Score = int | float | Decimal

SCALE_MAX = 10
RINGS = (2, 4, 6, 8, 10)  # the 0 ring is the centre point
_RADIUS = 100
_CX, _CY = 220, 135
_WIDTH, _HEIGHT = 440, 270  # room on both sides for labels such as "Sabores atípicos"
_LABEL_GAP = 10
# Characters XML 1.0 forbids; a stray one in a translated label would break the page.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_XML_ILLEGAL.sub("", value), {'"': "&quot;"})


def _num(value: float) -> str:
    """Coordinates to one decimal, without "-0.0", so output is small and deterministic."""
    rounded = round(value, 1)
    return f"{rounded + 0.0:g}" if rounded != 0 else "0"


def _point(axis: int, axes: int, score: float) -> tuple[float, float]:
    # Axis 0 points straight up; the rest follow clockwise.
    angle = 2 * math.pi * axis / axes
    r = _RADIUS * score / SCALE_MAX
    return _CX + r * math.sin(angle), _CY - r * math.cos(angle)


def _polygon_points(axes: int, scores: Sequence[float]) -> str:
    return " ".join(
        f"{_num(x)},{_num(y)}" for x, y in (_point(i, axes, s) for i, s in enumerate(scores))
    )


def default_value_format(value: Score) -> str:
    """A score as plain text: 6 → "6", Decimal("6.50") → "6.5"."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return f"{value:g}"


def radar_svg(
    scores: Sequence[tuple[str, Score]],
    *,
    title: str,
    format_value: Callable[[Score], str] = default_value_format,
) -> str:
    """An accessible SVG radar of (translated label, 0–10 score) pairs, drawn clockwise.

    `title` names the chart for screen readers; `<desc>` lists every score as text.
    `format_value` lets the caller localise numbers (e.g. a decimal comma).
    Raises: ValueError for fewer than 3 axes or a score outside 0–10.
    """
    if len(scores) < 3:
        raise ValueError("a radar needs at least 3 attributes")
    values = []
    for label, score in scores:
        if not 0 <= score <= SCALE_MAX:
            raise ValueError(f"score for {label!r} is outside 0–{SCALE_MAX}: {score}")
        values.append(float(score))
    axes = len(scores)

    rings = "".join(f'<polygon points="{_polygon_points(axes, [ring] * axes)}"/>' for ring in RINGS)
    spokes = "".join(
        f"M{_CX} {_CY}L{_num(x)} {_num(y)}"
        for x, y in (_point(i, axes, SCALE_MAX) for i in range(axes))
    )
    ticks = "".join(
        f'<text x="{_CX + 3}" y="{_num(_CY - _RADIUS * ring / SCALE_MAX)}">{ring}</text>'
        for ring in RINGS
    )
    labels = []
    for i, (label, _score) in enumerate(scores):
        x, y = _point(i, axes, SCALE_MAX + _LABEL_GAP * SCALE_MAX / _RADIUS)
        dx = x - _CX
        anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
        # Nudge labels at the top and bottom so they don't sit on the ring.
        dy = 4 if abs(dx) >= 1 else (0 if y < _CY else 8)
        labels.append(
            f'<text x="{_num(x)}" y="{_num(y + dy)}" text-anchor="{anchor}">{_text(label)}</text>'
        )
    description = "; ".join(f"{label}: {format_value(score)}" for label, score in scores)

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'role="img" aria-label="{_text(title)}" class="flavour-radar">'
        f"<title>{_text(title)}</title>"
        f"<desc>{_text(description)}</desc>"
        f'<g class="radar-grid" fill="none" stroke="#c8c0b8" stroke-width="0.6">{rings}'
        f'<path d="{spokes}"/></g>'
        f'<g class="radar-ticks" font-family="sans-serif" font-size="8" fill="#8a8078">{ticks}</g>'
        f'<polygon class="radar-profile" points="{_polygon_points(axes, values)}" '
        f'fill="#7b3f00" fill-opacity="0.35" stroke="#5a2e00" stroke-width="1.5"/>'
        f'<g class="radar-labels" font-family="sans-serif" font-size="11" fill="#333">'
        f"{''.join(labels)}</g>"
        "</svg>"
    )
