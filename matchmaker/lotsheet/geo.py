"""EUDR plot geolocation: validate GeoJSON, measure area, parse typed GPS points, export.

Coordinates travel as Decimal so precision survives: text is parsed with
`parse_float=Decimal` and trailing zeros ("-69.190000") count as supplied decimals. A dict
of Python floats only shows what `repr` shows (-69.19), so keep plot geometry as the text
received (or as Decimal/Numeric), never as floats, or valid plots will fail the six-decimal
rule. Nothing here rounds a coordinate.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from matchmaker.lotsheet import Problem, boundary, errors_only
from matchmaker.lotsheet.vocab import N_

MIN_DECIMALS = 6
POINT_MAX_HA = Decimal(4)
AREA_TOLERANCE = Decimal("0.20")
COUNTRY = "PE"
EU_PROPERTIES = ("ProducerName", "ProducerCountry", "ProductionPlace", "Area")

# WGS84 ellipsoid.
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
_E = math.sqrt(_E2)

Position = tuple[Decimal, Decimal]  # (lon, lat)

TEMPLATES: dict[str, str] = {
    "invalid_json": N_("The file is not valid GeoJSON text."),
    "invalid_geojson": N_("Expected a GeoJSON Feature, FeatureCollection, Point or Polygon."),
    "not_feature_collection": N_("An EUDR file must be a GeoJSON FeatureCollection."),
    "empty_collection": N_("The file holds no plots."),
    "missing_geometry": N_("Plot %(feature)s has no geometry."),
    "unsupported_geometry": N_("Plot %(feature)s is a %(type)s; use a Point or a single Polygon."),
    "multipolygon_not_allowed": N_(
        "Plot %(feature)s is a MultiPolygon; give each plot its own Polygon."
    ),
    "invalid_coordinates": N_("Plot %(feature)s has malformed coordinates."),
    "holes_not_allowed": N_("Plot %(feature)s has holes; a plot must be one outer ring."),
    "ring_not_closed": N_("Plot %(feature)s: the last position must repeat the first."),
    "too_few_positions": N_(
        "Plot %(feature)s: a polygon needs at least 4 positions "
        "(3 corners and the closing one); it has %(count)s."
    ),
    "repeated_position": N_(
        "Plot %(feature)s repeats position %(position)s; the repeat was ignored."
    ),
    "self_intersection": N_("Plot %(feature)s: polygon edges %(edge_a)s and %(edge_b)s cross."),
    "too_few_decimals": N_(
        "Plot %(feature)s: coordinates need at least %(required)s decimals; "
        "position %(position)s has %(decimals)s."
    ),
    "outside_peru": N_(
        "Plot %(feature)s: position %(position)s (latitude %(lat)s, longitude %(lon)s) "
        "is outside Peru."
    ),
    "lat_lon_swapped": N_(
        "Plot %(feature)s seems to list latitude first; GeoJSON needs longitude, latitude."
    ),
    "lat_lon_swapped_typed": N_(
        "Plot %(feature)s: the numbers seem to be typed longitude first; type the latitude "
        "first, then the longitude, e.g. -12.593300, -69.189100."
    ),
    "near_border": N_(
        "Plot %(feature)s: position %(position)s (latitude %(lat)s, longitude %(lon)s) is "
        "within %(band_km)s km of Peru's border, too close for the simplified outline to "
        "confirm it; check that it is on the Peruvian side."
    ),
    "outside_department": N_(
        "Plot %(feature)s lies outside %(department)s, the region the lot declares; check "
        "the coordinates or the lot's origin."
    ),
    "zero_padded": N_(
        "Every coordinate ends in 00: they may have been padded to 6 decimals, so their real "
        "precision may be lower (4 decimals place a point to about 11 m). Check them in the "
        "GPS or mapping tool they came from."
    ),
    "area_missing": N_("Plot %(feature)s is a Point without an area."),
    "area_not_positive": N_("Plot %(feature)s: the area must be above zero."),
    "polygon_required": N_(
        "Plot %(feature)s has %(area_ha)s ha; plots over 4 ha need a polygon, not a point."
    ),
    "area_mismatch": N_(
        "Plot %(feature)s: the declared area is %(declared_ha)s ha "
        "but the polygon measures %(computed_ha)s ha."
    ),
    "missing_property": N_("Plot %(feature)s lacks the property %(property)s."),
    "wrong_country": N_("Plot %(feature)s: ProducerCountry must be PE."),
    "no_coordinates": N_("Enter at least one latitude, longitude pair."),
    "unparseable_line": N_("Line %(line)s is not a latitude, longitude pair: %(text)s"),
}
WARNINGS = frozenset({"repeated_position", "area_mismatch", "near_border",
                      "outside_department", "zero_padded"})


def _problem(
    code: str, feature: int | str | None = None, field: str | None = None, **params: Any
) -> Problem:
    if feature is not None:
        params["feature"] = feature
    return Problem(
        code,
        TEMPLATES[code],
        field=field,
        feature=feature,
        params=params,
        severity="warning" if code in WARNINGS else "error",
    )


@dataclass(frozen=True)
class Plot:
    """A production plot as the EUDR export needs it; geometry is GeoJSON text or a dict.

    `area_ha` is the area exported as "Area" (measured, for a polygon); `declared_area_ha`
    is what the producer stated, exported as "DeclaredArea" when it is known and differs.
    """

    plot_id: str
    producer_name: str
    production_place: str
    area_ha: Decimal | int | str
    geometry: Mapping[str, Any] | str
    declared_area_ha: Decimal | int | str | None = None


class GeoValidationError(ValueError):
    """Raised when an export would contain invalid plots; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems


class _BadJson(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _BadJson(name)


def _decimalise(value: Any) -> Any:
    """A deep copy with floats turned into Decimal via repr, the most they can tell us."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {k: _decimalise(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_decimalise(v) for v in value]
    return value


def load_geojson(source: str | bytes | Mapping[str, Any]) -> Any:
    """GeoJSON text or dict as plain data with Decimal numbers. Raises: ValueError if not JSON."""
    if isinstance(source, str | bytes):
        try:
            return json.loads(source, parse_float=Decimal, parse_constant=_reject_constant)
        except (ValueError, RecursionError) as exc:
            raise ValueError("not valid JSON") from exc
    return _decimalise(source)


def _position(value: Any) -> Position | None:
    """(lon, lat) from a GeoJSON position, or None; an altitude is allowed and ignored."""
    if not isinstance(value, list) or len(value) not in (2, 3):
        return None
    if not all(isinstance(v, Decimal | int) and not isinstance(v, bool) for v in value):
        return None
    lon, lat = (Decimal(v) for v in value[:2])
    if not (lon.is_finite() and lat.is_finite()):
        return None
    return lon, lat


def decimals(value: Decimal) -> int:
    """How many decimals `value` was written with; trailing zeros count."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def in_peru(lon: Decimal, lat: Decimal) -> bool:
    """True unless the point is clearly outside Peru's outline (see lotsheet.boundary)."""
    return boundary.locate(lon, lat) != boundary.Place.OUTSIDE


def is_zero_padded(positions: Iterable[Position]) -> bool:
    """True when every coordinate has 6+ decimals and the last two are zeros, which real
    six-decimal readings almost never all do (1 in 100 each)."""
    values = [v for position in positions for v in position]
    if not values:
        return False
    for value in values:
        places = decimals(value)
        if places < MIN_DECIMALS:
            return False
        if value.scaleb(places).to_integral_value() % 100 != 0:
            return False
    return True


def _scaled(value: Decimal, places: int) -> int:
    """`value` × 10**places as an exact integer (places ≥ its decimals)."""
    sign, digits, exponent = value.as_tuple()
    magnitude = int("".join(map(str, digits)) or "0") * 10 ** (int(exponent) + places)
    return -magnitude if sign else magnitude


def _orient(a: tuple[int, int], b: tuple[int, int], c: tuple[int, int]) -> int:
    cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    return (cross > 0) - (cross < 0)


def _within_box(a: tuple[int, int], b: tuple[int, int], p: tuple[int, int]) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def _segments_meet(
    a: tuple[int, int], b: tuple[int, int], c: tuple[int, int], d: tuple[int, int]
) -> bool:
    """True if closed segments ab and cd share any point (crossing, touching or overlapping)."""
    d1, d2 = _orient(c, d, a), _orient(c, d, b)
    d3, d4 = _orient(a, b, c), _orient(a, b, d)
    if d1 * d2 < 0 and d3 * d4 < 0:
        return True
    return (
        (d1 == 0 and _within_box(c, d, a))
        or (d2 == 0 and _within_box(c, d, b))
        or (d3 == 0 and _within_box(a, b, c))
        or (d4 == 0 and _within_box(a, b, d))
    )


def _folds_back(a: tuple[int, int], b: tuple[int, int], c: tuple[int, int]) -> bool:
    """True if edges ab and bc, which share b, overlap: collinear and turning back."""
    dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1])
    return _orient(a, b, c) == 0 and dot < 0


def first_self_intersection(ring: list[Position]) -> tuple[int, int] | None:
    """1-based numbers of the first two edges of a closed ring that meet, or None.

    Exact: coordinates become integers at their own precision. Edges sharing a vertex
    may meet only at that vertex; any other contact, touching included, is an error.
    O(n²) edge pairs with a bounding-box shortcut, plenty for plots of a few hundred points.
    """
    places = max(decimals(v) for position in ring for v in position)
    points = [(_scaled(lon, places), _scaled(lat, places)) for lon, lat in ring]
    edges = list(zip(points, points[1:], strict=False))
    boxes = [(min(p[0], q[0]), max(p[0], q[0]), min(p[1], q[1]), max(p[1], q[1])) for p, q in edges]
    last = len(edges) - 1
    for i, (a, b) in enumerate(edges):
        for j in range(i + 1, len(edges)):
            c, d = edges[j]
            if j == i + 1:
                if _folds_back(a, b, d):
                    return i + 1, j + 1
            elif i == 0 and j == last:
                if _folds_back(c, a, b):
                    return i + 1, j + 1
            elif (
                boxes[i][0] <= boxes[j][1]
                and boxes[j][0] <= boxes[i][1]
                and boxes[i][2] <= boxes[j][3]
                and boxes[j][2] <= boxes[i][3]
                and _segments_meet(a, b, c, d)
            ):
                return i + 1, j + 1
    return None


def _authalic_y(lat_deg: float) -> float:
    """Northing on the WGS84 cylindrical equal-area projection, in metres."""
    s = math.sin(math.radians(lat_deg))
    q = (1 - _E2) * (s / (1 - _E2 * s * s) - math.log((1 - _E * s) / (1 + _E * s)) / (2 * _E))
    return _A * q / 2


def ring_area_ha(ring: Iterable[tuple[Any, Any]]) -> float:
    """Area of a [lon, lat] ring in hectares, on the WGS84 ellipsoid.

    Projects to the ellipsoidal cylindrical equal-area projection, which preserves area
    exactly, then applies the shoelace formula. Edges become straight in the projection
    rather than geodesics; for plots a few km across that differs by far less than 0.01 %,
    well inside what the 20 % area cross-check needs.
    """
    projected = [(_A * math.radians(float(lon)), _authalic_y(float(lat))) for lon, lat in ring]
    if len(projected) < 3:
        return 0.0
    # Shift to the first vertex so the products stay small and float error negligible.
    x0, y0 = projected[0]
    shifted = [(x - x0, y - y0) for x, y in projected]
    twice_area = sum(
        x1 * y2 - x2 * y1
        for (x1, y1), (x2, y2) in zip(shifted, shifted[1:] + shifted[:1], strict=True)
    )
    return abs(twice_area) / 2 / 10_000


def polygon_area_ha(geometry: Mapping[str, Any] | str) -> float:
    """Area in hectares of a GeoJSON Polygon's outer ring. Raises: ValueError if not one."""
    loaded = load_geojson(geometry)
    if not isinstance(loaded, Mapping) or loaded.get("type") != "Polygon":
        raise ValueError("not a Polygon")
    try:
        ring = [(p[0], p[1]) for p in loaded["coordinates"][0]]
    except (KeyError, IndexError, TypeError) as exc:
        raise ValueError("malformed Polygon") from exc
    return ring_area_ha(ring)


def _check_positions(positions: list[Position], ref: int | str, *, typed: bool = False,
                     department: str = "") -> list[Problem]:
    """Precision, Peru and department checks shared by Points and Polygons."""
    problems = []
    for number, (lon, lat) in enumerate(positions, start=1):
        fewest = min(decimals(lon), decimals(lat))
        if fewest < MIN_DECIMALS:
            problems.append(
                _problem(
                    "too_few_decimals",
                    ref,
                    "geometry",
                    position=number,
                    decimals=fewest,
                    required=MIN_DECIMALS,
                )
            )
            break
    places = [boundary.locate(*p) for p in positions]
    outside = [(n, p) for n, (p, place) in enumerate(zip(positions, places, strict=True), start=1)
               if place == boundary.Place.OUTSIDE]
    near = [(n, p) for n, (p, place) in enumerate(zip(positions, places, strict=True), start=1)
            if place == boundary.Place.NEAR_BORDER]
    if outside:
        if all(in_peru(lat, lon) for lon, lat in positions):
            problems.append(_problem("lat_lon_swapped_typed" if typed else "lat_lon_swapped",
                                     ref, "geometry"))
        else:
            number, (lon, lat) = outside[0]
            problems.append(
                _problem(
                    "outside_peru",
                    ref,
                    "geometry",
                    position=number,
                    lon=str(lon),
                    lat=str(lat),
                    count=len(outside),
                )
            )
        return problems
    if near:
        number, (lon, lat) = near[0]
        problems.append(_problem("near_border", ref, "geometry", position=number, lon=str(lon),
                                 lat=str(lat), band_km=f"{boundary.BORDER_BAND_KM:g}"))
    if department and any(boundary.outside_department(lon, lat, department)
                          for lon, lat in positions):
        problems.append(_problem("outside_department", ref, "geometry", department=department))
    return problems


def _check_ring(raw: list[Position], ref: int | str) -> tuple[list[Problem], list[Position]]:
    """Closure, length and repeat checks; returns problems and the de-duplicated ring."""
    problems = []
    if raw[0] != raw[-1]:
        problems.append(_problem("ring_not_closed", ref, "geometry"))
    ring = raw[:1]
    for number, position in enumerate(raw[1:], start=2):
        if position == ring[-1]:
            problems.append(_problem("repeated_position", ref, "geometry", position=number))
        else:
            ring.append(position)
    if len(ring) < 4:
        problems.append(_problem("too_few_positions", ref, "geometry", count=len(raw)))
    return problems, ring


def validate_geometry(
    geometry: Any, *, area_ha: Any = None, feature: int | str = 1, typed: bool = False,
    department: str = "",
) -> list[Problem]:
    """Every EUDR rule for one plot's geometry (already loaded), given its declared area.

    `typed`: the positions came from "latitude, longitude" lines, so a swap is explained in
    that order. `department`: the lot's declared region, checked roughly (a warning).
    """
    if not isinstance(geometry, Mapping) or "type" not in geometry:
        return [_problem("missing_geometry", feature, "geometry")]
    kind = geometry["type"]
    if kind == "MultiPolygon":
        return [_problem("multipolygon_not_allowed", feature, "geometry")]
    if kind not in ("Point", "Polygon"):
        return [_problem("unsupported_geometry", feature, "geometry", type=str(kind))]

    declared = _declared_area(area_ha)
    area_problems: list[Problem] = []
    if declared is not None and declared <= 0:
        area_problems.append(_problem("area_not_positive", feature, "area_ha"))
        declared = None
    elif area_ha is None and kind == "Point":
        area_problems.append(_problem("area_missing", feature, "area_ha"))
    elif declared is not None and declared > POINT_MAX_HA and kind == "Point":
        area_problems.append(
            _problem("polygon_required", feature, "geometry", area_ha=str(declared))
        )
    return _check_shape(kind, geometry.get("coordinates"), declared, feature, typed=typed,
                        department=department) + area_problems


def _check_shape(
    kind: str, coordinates: Any, declared: Decimal | None, feature: int | str, *,
    typed: bool = False, department: str = "",
) -> list[Problem]:
    """Structure, precision, location, ring and area-agreement checks for one geometry."""
    if kind == "Point":
        position = _position(coordinates)
        if position is None:
            return [_problem("invalid_coordinates", feature, "geometry")]
        return _check_positions([position], feature, typed=typed, department=department)

    if not isinstance(coordinates, list) or not coordinates or not isinstance(coordinates[0], list):
        return [_problem("invalid_coordinates", feature, "geometry")]
    problems = []
    if len(coordinates) > 1:
        problems.append(_problem("holes_not_allowed", feature, "geometry"))
    raw = [_position(p) for p in coordinates[0]]
    if not raw or any(p is None for p in raw):
        return [*problems, _problem("invalid_coordinates", feature, "geometry")]
    ring_positions: list[Position] = [p for p in raw if p is not None]
    problems += _check_positions(ring_positions, feature, typed=typed, department=department)
    ring_problems, ring = _check_ring(ring_positions, feature)
    problems += ring_problems
    if errors_only(problems):
        # Crossing and area checks on a broken or misplaced ring only add noise.
        return problems
    crossing = first_self_intersection(ring)
    if crossing is not None:
        problems.append(
            _problem(
                "self_intersection", feature, "geometry", edge_a=crossing[0], edge_b=crossing[1]
            )
        )
    elif declared is not None:
        measured = Decimal(repr(ring_area_ha(ring)))
        if abs(measured - declared) > declared * AREA_TOLERANCE:
            problems.append(
                _problem(
                    "area_mismatch",
                    feature,
                    "area_ha",
                    declared_ha=str(declared),
                    computed_ha=str(measured.quantize(Decimal("0.01"))),
                )
            )
    return problems


def _declared_area(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        area = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return Decimal(0)  # reported as not positive
    return area if area.is_finite() else Decimal(0)


def _feature_ref(feature: Mapping[str, Any], index: int) -> int | str:
    """A plot's id or name when it has one, else its 1-based position in the file."""
    properties = feature.get("properties") or {}
    for candidate in (feature.get("id"), properties.get("plot_id"), properties.get("name")):
        if isinstance(candidate, str | int) and not isinstance(candidate, bool) and candidate != "":
            return candidate
    return index + 1


def _features(doc: Any) -> tuple[list[tuple[int | str, Any, Mapping[str, Any]]], list[Problem]]:
    """(ref, geometry, properties) per plot in any accepted GeoJSON shape."""
    if not isinstance(doc, Mapping):
        return [], [_problem("invalid_geojson")]
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            return [], [_problem("invalid_geojson")]
        if not features:
            return [], [_problem("empty_collection")]
    elif kind == "Feature":
        features = [doc]
    elif kind in (
        "Point",
        "Polygon",
        "MultiPolygon",
        "LineString",
        "MultiPoint",
        "MultiLineString",
        "GeometryCollection",
    ):
        return [(1, doc, {})], []
    else:
        return [], [_problem("invalid_geojson")]
    result = []
    for index, feature in enumerate(features):
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            return [], [_problem("invalid_geojson")]
        properties = feature.get("properties")
        properties = properties if isinstance(properties, Mapping) else {}
        result.append((_feature_ref(feature, index), feature.get("geometry"), properties))
    return result, []


def all_positions(geometry: Any) -> list[Position]:
    """Every (lon, lat) of a Point or Polygon; [] for anything malformed."""
    if not isinstance(geometry, Mapping):
        return []
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Point":
        position = _position(coordinates)
        return [position] if position else []
    if geometry.get("type") == "Polygon" and isinstance(coordinates, list):
        found = [_position(p) for ring in coordinates if isinstance(ring, list) for p in ring]
        return [p for p in found if p is not None]
    return []


def padding_problems(geometries: Iterable[Any]) -> list[Problem]:
    """A warning when a whole dataset's coordinates all end in 00 (padded to 6 decimals)."""
    positions = [p for geometry in geometries for p in all_positions(geometry)]
    return [_problem("zero_padded", None, "geometry")] if is_zero_padded(positions) else []


def validate_geojson(
    source: str | bytes | Mapping[str, Any], *, area_ha: Any = None, department: str = ""
) -> list[Problem]:
    """All problems in an uploaded plot file; a feature's "Area" property beats `area_ha`.

    A ProducerCountry other than PE is an error: these are plots of Peruvian lots.
    """
    try:
        doc = load_geojson(source)
    except ValueError:
        return [_problem("invalid_json")]
    features, problems = _features(doc)
    for ref, geometry, properties in features:
        area = properties.get("Area", area_ha)
        if properties.get("ProducerCountry") not in (None, "", COUNTRY):
            problems.append(_problem("wrong_country", ref, "ProducerCountry"))
        problems += validate_geometry(geometry, area_ha=area, feature=ref, department=department)
    problems += padding_problems(geometry for _ref, geometry, _properties in features)
    return problems


def validate_eudr_collection(source: str | bytes | Mapping[str, Any]) -> list[Problem]:
    """Problems in an EUDR export: geometry rules plus the EU properties on every feature."""
    try:
        doc = load_geojson(source)
    except ValueError:
        return [_problem("invalid_json")]
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection":
        return [_problem("not_feature_collection")]
    features, problems = _features(doc)
    for ref, geometry, properties in features:
        for name in EU_PROPERTIES:
            value = properties.get(name)
            if value is None or value == "":
                problems.append(_problem("missing_property", ref, name, property=name))
        if properties.get("ProducerCountry") not in (None, "", COUNTRY):
            problems.append(_problem("wrong_country", ref, "ProducerCountry"))
        problems += validate_geometry(geometry, area_ha=properties.get("Area"), feature=ref)
    return problems


_SPLITTERS = re.compile(r"\s*[;\t]\s*|,\s+")
_COORDINATE = re.compile(r"^([NSEWO])?\s*([+-]?\d+(?:[.,]\d+)?)\s*°?\s*([NSEWO])?$", re.I)


def _parse_coordinate(token: str) -> tuple[Decimal, str] | None:
    """A signed decimal degree and its hemisphere letter ('' if none), or None."""
    match = _COORDINATE.match(token.strip().replace("\u2212", "-"))
    if not match or (match.group(1) and match.group(3)):
        return None
    hemisphere = (match.group(1) or match.group(3) or "").upper()
    value = Decimal(match.group(2).replace(",", "."))
    if hemisphere in ("S", "W", "O"):  # "O" is oeste, west, on Spanish-language GPS units
        value = -abs(value)
    return value, hemisphere


def _split_pair(line: str) -> list[str]:
    parts = _SPLITTERS.split(line)
    if len(parts) == 2:
        return parts
    if line.count(",") == 1:
        return line.split(",")
    return line.split()


def parse_lat_lon_lines(text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """A Point (one line) or closed Polygon (several) from typed "lat, lon" lines.

    Accepts decimal degrees as a GPS shows them: comma, semicolon, tab or space between
    the two numbers, decimal commas, and N/S/E/W/O letters (which may also reveal that
    longitude came first). Output positions are [lon, lat] Decimals exactly as typed;
    blank lines and lines starting with # are skipped. The ring is closed if it is not.
    """
    positions: list[list[Decimal]] = []
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = _split_pair(stripped)
        parsed = [_parse_coordinate(p) for p in parts] if len(parts) == 2 else [None]
        if any(p is None for p in parsed):
            problems.append(
                _problem("unparseable_line", None, "coordinates", line=number, text=stripped)
            )
            continue
        (first, first_hemi), (second, second_hemi) = parsed  # type: ignore[misc]
        if first_hemi in ("E", "W", "O") or second_hemi in ("N", "S"):
            first, second = second, first
        positions.append([second, first])
    if problems:
        return None, problems
    if not positions:
        return None, [_problem("no_coordinates", None, "coordinates")]
    if len(positions) == 1:
        return {"type": "Point", "coordinates": positions[0]}, []
    if positions[0] != positions[-1]:
        positions.append(list(positions[0]))
    return {"type": "Polygon", "coordinates": [positions]}, []


def eudr_feature_collection(plots: Iterable[Plot], *, check: bool = True) -> dict[str, Any]:
    """An RFC 7946 FeatureCollection with the EU TRACES properties, one feature per plot.

    Numbers stay Decimal; write the file with `dumps_geojson`.
    Raises: GeoValidationError if `check` and any plot breaks an EUDR rule.
    """
    features = []
    for plot in plots:
        features.append(
            {
                "type": "Feature",
                "id": plot.plot_id,
                "geometry": load_geojson(plot.geometry),
                "properties": {
                    "ProducerName": plot.producer_name,
                    "ProducerCountry": COUNTRY,
                    "ProductionPlace": plot.production_place,
                    "Area": _declared_area(plot.area_ha),
                },
            }
        )
        declared = _declared_area(plot.declared_area_ha)
        if declared is not None and declared != _declared_area(plot.area_ha):
            features[-1]["properties"]["DeclaredArea"] = declared
    collection = {"type": "FeatureCollection", "features": features}
    if check:
        problems = errors_only(validate_eudr_collection(collection))
        if problems:
            raise GeoValidationError(problems)
    return collection


def merge_collections(*collections: Mapping[str, Any] | str) -> dict[str, Any]:
    """One FeatureCollection from several lots' exports; a plot in two lots appears once.

    Raises: ValueError if an input is not a FeatureCollection.
    """
    merged: list[Any] = []
    seen: set[str] = set()
    for source in collections:
        doc = load_geojson(source)
        if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection":
            raise ValueError("not a FeatureCollection")
        for feature in doc.get("features", []):
            key = dumps_geojson(feature)
            if key not in seen:
                seen.add(key)
                merged.append(feature)
    return {"type": "FeatureCollection", "features": merged}


def dumps_geojson(value: Any) -> str:
    """Compact JSON text with Decimals written digit for digit, never through float."""
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k))}:{dumps_geojson(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(dumps_geojson(v) for v in value) + "]"
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("GeoJSON cannot hold NaN or infinity")
        return format(value, "f")
    return json.dumps(value, allow_nan=False)
