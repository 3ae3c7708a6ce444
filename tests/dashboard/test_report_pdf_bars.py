"""The PDF report draws its charts as vector bars, with the numbers printed beside them."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader

from matchmaker.charts import PALETTE
from tests.dashboard.conftest import report_file

# A fill colour (`r g b rg`) stays in force until the next one; a filled rectangle is
# `x y w h re f`.
OPERATIONS = re.compile(r"([\d.]+) ([\d.]+) ([\d.]+) rg|([\d.\-]+) ([\d.\-]+) ([\d.\-]+) ([\d.\-]+) re\s+f")


def _rgb_operands(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))


def _filled_rects(page, colour: str) -> list[tuple[float, float]]:
    """(x, width) of every rectangle filled with the colour, in drawing order."""
    wanted = _rgb_operands(colour)
    stream = page.get_contents().get_data().decode("latin-1")
    # Text objects set their own colour inside q…Q; only drawing outside them matters here.
    stream = re.sub(r"\bBT\b.*?\bET\b", " ", stream, flags=re.S)
    rects, current = [], None
    for match in OPERATIONS.finditer(stream):
        if match.group(1) is not None:
            current = tuple(float(v) for v in match.groups()[:3])
        elif current and all(abs(a - b) < 0.002 for a, b in zip(current, wanted, strict=True)):
            rects.append((float(match.group(4)), float(match.group(6))))
    return rects


@pytest.mark.parametrize("lang", ["en", "es"])
def test_report_bars_are_rectangles_sized_by_the_figures(app, fair, login_as, lang):
    with app.test_request_context(), force_locale(lang):
        stages = [gettext(s) for s in ("Requested", "Accepted", "Held", "No-show")]
    client = login_as(fair.organiser)
    response = report_file(client, fair.event.slug, "pdf", lang)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert fair.event.name in text
    assert "█" not in text  # no block-character bars any more
    lines = {" ".join(line.split()) for line in text.splitlines()}
    # The event's meetings (see the fair fixture): 5 requested, 4 accepted, 2 held, 1 no-show.
    for stage, number in zip(stages, (5, 4, 2, 1), strict=True):
        assert f"{stage} {number}" in lines, stage
    # Scans per lot: lot A 3, lot B 1.
    assert f"{fair.lot_a.lot_code} 3" in lines and f"{fair.lot_b.lot_code} 1" in lines
    # Scans over time are stacked lot + booth per hour, with the parts beside the total.
    assert any(line.endswith("3 (1 + 2)") for line in lines)

    bars = _filled_rects(reader.pages[0], PALETTE[0])
    meetings = [width for _x, width in bars[:4]]
    assert all(width > 0 for width in meetings)
    assert {round(x, 1) for x, _w in bars[:4]} == {round(bars[0][0], 1)}  # one baseline
    assert meetings[0] / meetings[2] == pytest.approx(5 / 2, rel=0.01)
    assert meetings[1] / meetings[3] == pytest.approx(4 / 1, rel=0.01)
