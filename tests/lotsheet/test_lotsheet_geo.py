"""EUDR geolocation: fixture files valid and broken, exact crossing checks, area, parsing, export."""

import json
import math
import random
from decimal import Decimal
from pathlib import Path

import pytest

from matchmaker.lotsheet.geo import (
    GeoValidationError,
    Plot,
    dumps_geojson,
    eudr_feature_collection,
    first_self_intersection,
    load_geojson,
    merge_collections,
    parse_lat_lon_lines,
    polygon_area_ha,
    ring_area_ha,
    validate_eudr_collection,
    validate_geojson,
)

FIXTURES = Path(__file__).parent / "fixtures"
LON0, LAT0 = Decimal("-69.190000"), Decimal("-12.590000")  # near Puerto Maldonado
STEP = Decimal("0.000010")  # about 1.1 m


def fixture_text(name):
    return (FIXTURES / f"{name}.geojson").read_text(encoding="utf-8")


def ring(*offsets):
    """A [lon, lat] ring near Puerto Maldonado from (east, north) steps of ~1 m, closed."""
    points = [[LON0 + east * STEP, LAT0 + north * STEP] for east, north in offsets]
    return points + [points[0]]


def polygon(*offsets):
    return {"type": "Polygon", "coordinates": [ring(*offsets)]}


def codes(problems):
    return [p.code for p in problems]


def unpadded(problems):
    """The problems besides the padding warning that rings built from LON0/LAT0 raise."""
    return [p for p in problems if p.code != "zero_padded"]


def error_codes(problems):
    return [p.code for p in problems if p.is_error]


@pytest.mark.parametrize("name", ["plot_square_1ha", "plot_point_2ha"])
def test_valid_fixtures_pass(name):
    assert validate_geojson(fixture_text(name)) == []


def test_valid_square_fixture_is_a_valid_eudr_file():
    assert validate_eudr_collection(fixture_text("plot_square_1ha")) == []


def fixture_plot_id(name):
    doc = json.loads(fixture_text(name))
    return doc["features"][0]["id"] if doc["type"] == "FeatureCollection" else doc["id"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("broken_unclosed_ring", "ring_not_closed"),
        ("broken_bowtie", "self_intersection"),
        ("broken_hole", "holes_not_allowed"),
        ("broken_multipolygon", "multipolygon_not_allowed"),
        ("broken_outside_peru", "outside_peru"),
        ("broken_swapped", "lat_lon_swapped"),
        ("broken_too_few_decimals", "too_few_decimals"),
        ("broken_point_over_4ha", "polygon_required"),
    ],
)
def test_broken_fixtures_report_their_code(name, code):
    problems = validate_geojson(fixture_text(name))
    assert code in error_codes(problems)
    problem = next(p for p in problems if p.code == code)
    assert problem.feature == fixture_plot_id(name)
    assert problem.params["feature"] == problem.feature
    assert "%(" not in problem.message


def test_problems_name_the_plot_by_id():
    [problem] = validate_geojson(fixture_text("broken_bowtie"))
    assert problem.feature == "bowtie"
    assert problem.message == "Plot bowtie: polygon edges 1 and 3 cross."


def test_swapped_order_is_not_also_reported_as_outside_peru():
    assert error_codes(validate_geojson(fixture_text("broken_swapped"))) == ["lat_lon_swapped"]


def test_unnamed_features_are_numbered_from_one():
    doc = load_geojson(fixture_text("broken_bowtie"))
    del doc["features"][0]["id"]
    doc["features"].insert(0, load_geojson(fixture_text("plot_point_2ha")))
    [problem] = validate_geojson(dumps_geojson(doc))
    assert (problem.code, problem.feature) == ("self_intersection", 2)


@pytest.mark.parametrize(
    ("offsets", "edges"),
    [
        (((0, 0), (10, 0), (10, 10), (0, 10)), None),  # square
        (((0, 0), (10, 0), (5, 8)), None),  # triangle
        (((0, 0), (10, 0), (10, 4), (4, 4), (4, 10), (0, 10)), None),  # concave L
        (((0, 0), (5, 0), (10, 0), (10, 10), (0, 10)), None),  # collinear vertex, same way
        (((0, 0), (10, 10), (10, 0), (0, 10)), (1, 3)),  # bow-tie
        (((0, 0), (10, 0), (5, 0), (5, 5)), (1, 2)),  # spike folding back along edge 1
        (((5, 0), (10, 0), (10, 10), (0, 10), (0, 0), (8, 0)), (1, 5)),  # collinear overlap
        (((0, 0), (5, 0), (5, 5), (10, 0)), (1, 4)),  # closing edge folds back over edge 1
        (((0, 0), (10, 0), (5, 5), (10, 10), (0, 10), (5, 5)), (2, 5)),  # vertex visited twice
        (((0, 0), (10, 0), (10, 10), (5, 0), (0, 10)), (1, 3)),  # vertex touches an edge
        (((0, 0), (10, 0), (10, 5), (2, 0), (0, 5)), (1, 3)),  # touches edge 1 mid-way
    ],
)
def test_self_intersection_is_exact(offsets, edges):
    assert first_self_intersection([tuple(p) for p in ring(*offsets)]) == edges


@pytest.mark.parametrize("seed", range(20))
def test_random_star_shaped_rings_are_simple_until_two_vertices_swap(seed):
    # Vertices at increasing angles around a centre always make a simple ring;
    # swapping two non-neighbouring vertices of a convex one always makes it cross.
    rng = random.Random(seed)
    count = rng.randint(5, 40)
    angles = sorted(rng.sample(range(3600), count))
    radius = [rng.randint(200, 1000) for _ in angles]
    star = [
        (round(r * math.cos(math.radians(a / 10))), round(r * math.sin(math.radians(a / 10))))
        for a, r in zip(angles, radius, strict=True)
    ]
    assert first_self_intersection([tuple(p) for p in ring(*star)]) is None
    convex = [
        (round(1000 * math.cos(math.radians(a / 10))), round(1000 * math.sin(math.radians(a / 10))))
        for a in angles
    ]
    i = rng.randrange(count - 2)
    convex[i], convex[i + 2] = convex[i + 2], convex[i]
    assert first_self_intersection([tuple(p) for p in ring(*convex)]) is not None


def test_crossing_one_millionth_apart_is_still_seen():
    # Edge 3 dips 0.000001° below edge 1's line only between its ends: a real crossing.
    points = [
        ("-69.190000", "-12.590000"),
        ("-69.189000", "-12.590000"),
        ("-69.189000", "-12.589000"),
        ("-69.189500", "-12.590001"),
        ("-69.190000", "-12.589000"),
        ("-69.190000", "-12.590000"),
    ]
    assert first_self_intersection([(Decimal(x), Decimal(y)) for x, y in points]) == (1, 3)


@pytest.mark.parametrize(
    ("geometry", "area", "code"),
    [
        ({"type": "Polygon", "coordinates": [ring((0, 0), (10, 0))]}, None, "too_few_positions"),
        ({"type": "LineString", "coordinates": []}, None, "unsupported_geometry"),
        ({"type": "Point", "coordinates": ["x", 1]}, 1, "invalid_coordinates"),
        ({"type": "Polygon", "coordinates": [[[1, 2], [3]]]}, None, "invalid_coordinates"),
        ({"type": "Point", "coordinates": [LON0, LAT0]}, None, "area_missing"),
        ({"type": "Point", "coordinates": [LON0, LAT0]}, 0, "area_not_positive"),
        ({"type": "Point", "coordinates": [LON0, LAT0]}, "4.01", "polygon_required"),
    ],
)
def test_geometry_rule_codes(geometry, area, code):
    assert code in error_codes(validate_geojson(geometry, area_ha=area))


def test_point_of_exactly_four_hectares_is_allowed():
    assert unpadded(validate_geojson({"type": "Point", "coordinates": [LON0, LAT0]},
                                     area_ha=4)) == []


def test_polygon_over_four_hectares_is_fine():
    big = polygon((0, 0), (270, 0), (270, 270), (0, 270))  # ~300 m square, ~8.8 ha
    assert unpadded(validate_geojson(big, area_ha=9)) == []


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("{not json", "invalid_json"),
        ('{"type": "Point", "coordinates": [NaN, 1]}', "invalid_json"),
        ('{"type": "FeatureCollection", "features": []}', "empty_collection"),
        ('{"type": "Topology"}', "invalid_geojson"),
        ("[1, 2]", "invalid_geojson"),
        ('{"type": "Feature", "properties": {}, "geometry": null}', "missing_geometry"),
    ],
)
def test_file_level_codes(source, code):
    assert codes(validate_geojson(source)) == [code]


def test_trailing_zeros_in_text_count_as_decimals():
    text = '{"type": "Point", "coordinates": [-69.190000, -12.590000]}'
    # Six decimals, so no error; but every one ends in 00, so a warning about padding.
    [problem] = validate_geojson(text, area_ha=1)
    assert (problem.code, problem.severity) == ("zero_padded", "warning")


def test_floats_lose_trailing_zeros_so_they_fail_the_decimal_rule():
    floats = {"type": "Point", "coordinates": [-69.190000, -12.590000]}
    [problem] = validate_geojson(floats, area_ha=1)
    assert (problem.code, problem.params["decimals"]) == ("too_few_decimals", 2)


def test_integer_coordinates_have_no_decimals():
    problems = validate_geojson({"type": "Point", "coordinates": [-70, -12]}, area_ha=1)
    assert codes(problems) == ["too_few_decimals"]


def test_repeated_position_is_a_warning_and_ignored():
    doubled = ring((0, 0), (10, 0), (10, 0), (10, 10), (0, 10))
    [problem] = unpadded(validate_geojson({"type": "Polygon", "coordinates": [doubled]}))
    assert (problem.code, problem.severity, problem.params["position"]) == (
        "repeated_position",
        "warning",
        3,
    )


def expected_square_ha(side_lon_deg, side_lat_deg, lat_deg):
    """Area of a small lon/lat box from the WGS84 radii of curvature (independent formula)."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    phi = math.radians(lat_deg)
    w = 1 - e2 * math.sin(phi) ** 2
    meridian, prime_vertical = a * (1 - e2) / w**1.5, a / math.sqrt(w)
    width = prime_vertical * math.cos(phi) * math.radians(side_lon_deg)
    height = meridian * math.radians(side_lat_deg)
    return width * height / 10_000


def test_area_of_one_hectare_square_near_puerto_maldonado():
    area = polygon_area_ha(json.loads(fixture_text("plot_square_1ha"))["features"][0]["geometry"])
    expected = expected_square_ha(0.00092, 0.000904, -12.589548)
    assert area == pytest.approx(expected, rel=1e-4)
    assert area == pytest.approx(1.0, rel=1e-3)


@pytest.mark.parametrize("lat", [-0.5, -12.59, -18.0])
def test_area_matches_local_radii_across_peru(lat):
    side = 0.002  # ~220 m
    square = [(-70.0, lat), (-70.0 + side, lat), (-70.0 + side, lat + side), (-70.0, lat + side)]
    assert ring_area_ha(square) == pytest.approx(
        expected_square_ha(side, side, lat + side / 2), rel=1e-4
    )


def test_area_ignores_winding_order():
    counter_clockwise = ring((0, 0), (100, 0), (100, 50), (0, 50))
    assert ring_area_ha(counter_clockwise) == pytest.approx(ring_area_ha(counter_clockwise[::-1]))


def test_polygon_area_refuses_points():
    with pytest.raises(ValueError):
        polygon_area_ha({"type": "Point", "coordinates": [LON0, LAT0]})


@pytest.mark.parametrize(
    ("declared", "warned"), [("1", False), ("1.19", False), ("1.3", True), ("0.8", True)]
)
def test_declared_area_cross_check(declared, warned):
    problems = validate_geojson(
        fixture_text("plot_square_1ha").replace('"Area": 1', '"Area": ' + declared)
    )
    assert codes(problems) == (["area_mismatch"] if warned else [])
    assert not any(p.is_error for p in problems)


@pytest.mark.parametrize(
    "text",
    [
        "-12.590000, -69.190000",
        "-12.590000,-69.190000",
        "-12.590000 -69.190000",
        "-12.590000;-69.190000",
        "-12.590000\t-69.190000",
        "-12,590000 -69,190000",
        "-12,590000; -69,190000",
        "-12,590000, -69,190000",
        "S 12.590000, W 69.190000",
        "12.590000S, 69.190000O",
        "W 69.190000, S 12.590000",  # hemisphere letters reveal longitude first
        "\u221212.590000, \u221269.190000",  # typographic minus from a word processor
    ],
)
def test_parse_typed_point_formats(text):
    geometry, problems = parse_lat_lon_lines(text)
    assert problems == []
    assert geometry == {"type": "Point", "coordinates": [LON0, LAT0]}
    assert [str(v) for v in geometry["coordinates"]] == ["-69.190000", "-12.590000"]


def test_parse_lines_into_closed_polygon_keeping_precision():
    text = """
        # walked with the GPS, 2024-06-01
        -12.590000, -69.190000
        -12.590000, -69.189080

        -12.589096, -69.189080
        -12.589096, -69.190000
    """
    geometry, problems = parse_lat_lon_lines(text)
    assert problems == []
    assert geometry["type"] == "Polygon"
    [positions] = geometry["coordinates"]
    assert len(positions) == 5 and positions[0] == positions[-1]
    assert dumps_geojson(positions[1]) == "[-69.189080,-12.590000]"
    assert validate_geojson(geometry, area_ha=1) == []


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("", "no_coordinates", None),
        ("# only a comment", "no_coordinates", None),
        ("-12.59, -69.19\nhello", "unparseable_line", 2),
        ("-12.59", "unparseable_line", 1),
        ("-12.59, -69.19, 200", "unparseable_line", 1),
        ("S 12.59 S, W 69.19", "unparseable_line", 1),
    ],
)
def test_parse_reports_bad_lines(text, code, line):
    geometry, problems = parse_lat_lon_lines(text)
    assert geometry is None
    assert codes(problems) == [code]
    assert problems[0].params.get("line") == line


def plots():
    square = load_geojson(fixture_text("plot_square_1ha"))["features"][0]["geometry"]
    return [
        Plot("PE-MDD-P001", "Asociación Agroforestal CN Infierno", "CN Infierno", "1", square),
        Plot(
            "PE-MDD-P002",
            "Asociación Agroforestal CN Infierno",
            "CN Infierno",
            Decimal("2.5"),
            '{"type": "Point", "coordinates": [-69.185120, -12.587450]}',
        ),
    ]


def test_export_has_eu_properties_and_revalidates():
    collection = eudr_feature_collection(plots())
    first = collection["features"][0]
    assert collection["type"] == "FeatureCollection"
    assert first["properties"] == {
        "ProducerName": "Asociación Agroforestal CN Infierno",
        "ProducerCountry": "PE",
        "ProductionPlace": "CN Infierno",
        "Area": Decimal(1),
    }
    text = dumps_geojson(collection)
    assert "-69.185120" in text  # trailing zero kept, nothing went through float
    assert json.loads(text)["features"][1]["properties"]["Area"] == 2.5
    assert validate_eudr_collection(text) == []
    assert validate_eudr_collection(collection) == []
    assert validate_geojson(text) == []


def test_export_refuses_invalid_plots():
    bad = Plot(
        "P9", "Coop", "Place", 6, '{"type": "Point", "coordinates": [-69.185120, -12.587450]}'
    )
    with pytest.raises(GeoValidationError) as caught:
        eudr_feature_collection([*plots(), bad])
    assert [(p.code, p.feature) for p in caught.value.problems] == [("polygon_required", "P9")]


def test_export_without_check_lets_validation_find_it():
    bad = Plot("P9", "Coop", "", 6, '{"type": "Point", "coordinates": [-69.185120, -12.587450]}')
    collection = eudr_feature_collection([bad], check=False)
    assert codes(validate_eudr_collection(collection)) == ["missing_property", "polygon_required"]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        (lambda props: props.pop("ProducerName"), "missing_property", "ProducerName"),
        (lambda props: props.update(ProducerCountry="BO"), "wrong_country", "ProducerCountry"),
        (lambda props: props.update(Area=None), "missing_property", "Area"),
    ],
)
def test_revalidation_checks_eu_properties(change, code, field):
    collection = load_geojson(dumps_geojson(eudr_feature_collection(plots())))
    change(collection["features"][0]["properties"])
    problems = validate_eudr_collection(collection)
    assert [(p.code, p.field, p.feature) for p in problems] == [(code, field, "PE-MDD-P001")]


def test_revalidation_requires_a_feature_collection():
    assert codes(validate_eudr_collection(fixture_text("plot_point_2ha"))) == [
        "not_feature_collection"
    ]


def test_merge_deduplicates_shared_plots_and_revalidates():
    first, second = plots()
    lot_a = eudr_feature_collection([first, second])
    lot_b = dumps_geojson(eudr_feature_collection([second]))
    merged = merge_collections(lot_a, lot_b)
    assert [f["id"] for f in merged["features"]] == ["PE-MDD-P001", "PE-MDD-P002"]
    assert validate_eudr_collection(dumps_geojson(merged)) == []


def test_merge_refuses_non_collections():
    with pytest.raises(ValueError):
        merge_collections(fixture_text("plot_point_2ha"))


def test_dumps_refuses_nan():
    with pytest.raises(ValueError):
        dumps_geojson({"x": Decimal("NaN")})
