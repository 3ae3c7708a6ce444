"""The pure SVG charts, parsed back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from matchmaker import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    labelled = root.get("aria-labelledby").split()
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    assert set(labelled) <= ids
    return root


def test_bar_chart_bars_scale_to_the_largest_value():
    root = parse(charts.bar_chart("Escaneos <por> lote", "Desc & más", [("INF-1", 8), ("Ñandú", 2)]))
    assert root.find(f"{SVG}title").text == "Escaneos <por> lote"
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert [(b.get("data-label"), b.get("data-value")) for b in bars] == [("INF-1", "8"), ("Ñandú", "2")]
    assert float(bars[0].get("width")) == 4 * float(bars[1].get("width"))


def test_stacked_bar_segments_add_up():
    root = parse(charts.stacked_bar_chart("t", "d", ["A", "B"], [("x", [1, 0]), ("y", [3, 2])]))
    segments = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "segment"]
    assert [(s.get("data-series"), s.get("data-value")) for s in segments] == [
        ("x", "1"), ("y", "3"), ("y", "2")]
    assert "4" in [t.text for t in root.iter(f"{SVG}text")]


def test_line_chart_has_one_point_per_label_and_series():
    root = parse(charts.line_chart("t", "d", ["10h", "11h", "12h"], [("lots", [1, 4, 0]), ("booths", [2, 0, 0])]))
    lines = list(root.iter(f"{SVG}polyline"))
    assert [line.get("data-series") for line in lines] == ["lots", "booths"]
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    assert [p.get("data-value") for p in points] == ["1", "4", "0", "2", "0", "0"]
    # The highest value sits at the top of the plot, zero on the axis.
    ys = [float(p.get("cy")) for p in points[:3]]
    assert ys[1] < ys[0] < ys[2]


def test_donut_legend_gives_counts_and_percentages():
    root = parse(charts.donut_chart("t", "d", [("Hot", 1), ("Cold", 3)]))
    slices = [s for s in root.iter() if s.get("class") == "slice"]
    assert [s.get("data-value") for s in slices] == ["1", "3"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Hot: 1 (25 %)" in texts and "Cold: 3 (75 %)" in texts


def test_single_share_donut_and_empty_charts():
    root = parse(charts.donut_chart("t", "d", [("Only", 5)]))
    assert [c.get("data-value") for c in root.iter(f"{SVG}circle") if c.get("class") == "slice"] == ["5"]
    for svg in (charts.bar_chart("t", "d", [], empty="Sin datos"),
                charts.donut_chart("t", "d", [], empty="Sin datos"),
                charts.line_chart("t", "d", [], [], empty="Sin datos"),
                charts.stacked_bar_chart("t", "d", [], [], empty="Sin datos")):
        assert "Sin datos" in [t.text for t in parse(svg).iter(f"{SVG}text")]
