"""Flavour radar SVG: well-formed XML, accessible, escaped, small and deterministic."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from matchmaker.lotsheet.radar import radar_svg
from matchmaker.lotsheet.vocab import RADAR_AXES, SENSORY_BY_CODE

SVG = "{http://www.w3.org/2000/svg}"
PROFILE = [(SENSORY_BY_CODE[code].label, (i * 3) % 11) for i, code in enumerate(RADAR_AXES)]


def parse(svg):
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def test_full_profile_is_accessible_xml():
    root = parse(radar_svg(PROFILE, title="Flavour profile PE-MDD-AAI-25-001"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Flavour profile PE-MDD-AAI-25-001"
    assert root.get("viewBox") == "0 0 440 270"
    assert root.get("width") is None  # scales to its container on phones
    assert root.find(f"{SVG}title").text == "Flavour profile PE-MDD-AAI-25-001"
    desc = root.find(f"{SVG}desc").text
    assert desc.startswith("Cacao: 0; Total acidity: 3; Bitterness: 6; Astringency: 9;")
    assert desc.endswith("Off-flavours: 3")


def test_labels_are_drawn_in_order():
    root = parse(radar_svg(PROFILE, title="t"))
    labels = [t.text for t in root.iterfind(f".//{SVG}g[@class='radar-labels']/{SVG}text")]
    assert labels == [label for label, _ in PROFILE]


def test_grid_has_five_rings_and_profile_has_a_point_per_axis():
    root = parse(radar_svg(PROFILE, title="t"))
    rings = root.findall(f".//{SVG}g[@class='radar-grid']/{SVG}polygon")
    assert len(rings) == 5
    ticks = [t.text for t in root.iterfind(f".//{SVG}g[@class='radar-ticks']/{SVG}text")]
    assert ticks == ["2", "4", "6", "8", "10"]
    profile = root.find(f"{SVG}polygon[@class='radar-profile']")
    assert len(profile.get("points").split()) == len(PROFILE)


def test_scores_place_points_on_the_axes():
    root = parse(radar_svg([("a", 10), ("b", 0), ("c", 5), ("d", 0)], title="t"))
    points = root.find(f"{SVG}polygon[@class='radar-profile']").get("points").split()
    # Centre (220, 135), radius 100; axis a points up, c points down.
    assert points == ["220,35", "220,135", "220,185", "220,135"]


@pytest.mark.parametrize(
    "label", ["Caramel & <panela>", 'Fruta "fresca"', "Sabores atípicos", "it's", "a\x07b"]
)
def test_translated_labels_are_escaped(label):
    svg = radar_svg([(label, 5), ("b", 5), ("c", 5)], title=f"Perfil: {label}")
    root = parse(svg)
    clean = label.replace("\x07", "")
    assert root.find(f".//{SVG}g[@class='radar-labels']/{SVG}text").text == clean
    assert root.get("aria-label") == f"Perfil: {clean}"
    assert root.find(f"{SVG}desc").text.startswith(f"{clean}: 5")


def test_values_can_be_localised():
    svg = radar_svg(
        [("Cacao", Decimal("6.50")), ("Acidez", 3), ("Amargor", 2.5)],
        title="Perfil",
        format_value=lambda v: str(v).replace(".", ","),
    )
    assert parse(svg).find(f"{SVG}desc").text == "Cacao: 6,50; Acidez: 3; Amargor: 2,5"


def test_default_values_drop_trailing_zeros():
    svg = radar_svg([("a", Decimal("6.50")), ("b", 3.0), ("c", 10)], title="t")
    assert parse(svg).find(f"{SVG}desc").text == "a: 6.5; b: 3; c: 10"


def test_typical_chart_is_small_and_deterministic():
    first = radar_svg(PROFILE, title="Flavour profile")
    assert first == radar_svg(list(PROFILE), title="Flavour profile")
    assert len(first.encode()) < 4096


@pytest.mark.parametrize(
    "scores",
    [
        [("a", 1), ("b", 2)],
        [("a", 1), ("b", 2), ("c", 11)],
        [("a", -0.1), ("b", 2), ("c", 3)],
        [("a", float("nan")), ("b", 2), ("c", 3)],
    ],
)
def test_refuses_too_few_axes_or_scores_off_the_scale(scores):
    with pytest.raises(ValueError):
        radar_svg(scores, title="t")
