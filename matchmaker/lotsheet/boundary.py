"""Is a point in Peru? Against the country's outline, not a bounding box.

The outline is Natural Earth's 1:110m Peru (public domain; data/README.md says where it
comes from). It is simplified, so a point within BORDER_BAND_KM of it either way cannot be
placed with certainty: `locate` calls it NEAR_BORDER, which the EUDR checks report as a
warning, and only a point outside by more than the band is OUTSIDE. A bounding box let
Leticia, Arica and the Pacific pass; this does not.

Departments: Natural Earth's 1:10m outline of each of Peru's 25 departments (public
domain, simplified to about 1 km; data/README.md). A point more than DEPARTMENT_BAND_KM
outside the department a lot declares is flagged; inside the band it cannot be told apart
from the outline's error. A warning, never a refusal.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

BORDER_BAND_KM = 30.0
DEPARTMENT_BAND_KM = 15.0
_EARTH_RADIUS_KM = 6371.0088
_OUTLINE = Path(__file__).with_name("data") / "peru_ne110m.geojson"


class Place(StrEnum):
    INSIDE = "inside"
    NEAR_BORDER = "near_border"
    OUTSIDE = "outside"


@cache
def peru_outline() -> tuple[tuple[float, float], ...]:
    """The outline's ring as (lon, lat) floats, closed."""
    document = json.loads(_OUTLINE.read_text(encoding="utf-8"))
    return tuple((float(lon), float(lat)) for lon, lat in document["geometry"]["coordinates"][0])


def _inside_ring(lon: float, lat: float, ring: tuple[tuple[float, float], ...]) -> bool:
    """Even-odd ray casting; points exactly on an edge count as inside."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if x_cross == lon:
                return True
            if x_cross > lon:
                inside = not inside
    return inside


def _segment_distance_km(lon: float, lat: float, a: tuple[float, float],
                         b: tuple[float, float]) -> float:
    # A local equirectangular projection around the point: under 0.5 % error within the
    # few hundred kilometres that matter here.
    scale_x = math.cos(math.radians(lat)) * math.pi / 180 * _EARTH_RADIUS_KM
    scale_y = math.pi / 180 * _EARTH_RADIUS_KM
    ax, ay = (a[0] - lon) * scale_x, (a[1] - lat) * scale_y
    bx, by = (b[0] - lon) * scale_x, (b[1] - lat) * scale_y
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
    return math.hypot(ax + t * dx, ay + t * dy)


def distance_to_border_km(lon: float, lat: float) -> float:
    """Kilometres from (lon, lat) to the nearest point of the outline."""
    ring = peru_outline()
    return min(_segment_distance_km(lon, lat, a, b) for a, b in zip(ring, ring[1:], strict=False))


def locate(lon: Decimal | float, lat: Decimal | float) -> Place:
    """Where a WGS84 point lies relative to Peru, allowing for the outline's simplification."""
    x, y = float(lon), float(lat)
    if distance_to_border_km(x, y) <= BORDER_BAND_KM:
        return Place.NEAR_BORDER
    return Place.INSIDE if _inside_ring(x, y, peru_outline()) else Place.OUTSIDE


# Department outlines: Natural Earth 1:10m admin-1, simplified (see data/README.md).
_DEPARTMENTS = Path(__file__).with_name("data") / "peru_departments_ne10m.geojson"
# Other ways people write a department: "Lima Metropolitana", "Provincia Constitucional del
# Callao", "Región San Martín" (region and accents are dropped before this lookup).
_DEPARTMENT_ALIASES = {"lima metropolitana": "lima", "lima provincias": "lima",
                       "provincia constitucional del callao": "callao"}

Ring = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Department:
    """A department's outline: polygons of (outer ring, *holes), with their bounding box."""

    name: str
    polygons: tuple[tuple[Ring, ...], ...]
    box: tuple[float, float, float, float]  # west, south, east, north

    def contains(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.box
        if not (west <= lon <= east and south <= lat <= north):
            return False
        return any(_inside_ring(lon, lat, polygon[0])
                   and not any(_inside_ring(lon, lat, hole) for hole in polygon[1:])
                   for polygon in self.polygons)

    def distance_km(self, lon: float, lat: float) -> float:
        """Kilometres from the point to the nearest edge of the outline."""
        return min(_segment_distance_km(lon, lat, a, b)
                   for polygon in self.polygons for ring in polygon
                   for a, b in zip(ring, ring[1:], strict=False))


@cache
def departments() -> dict[str, Department]:
    """Peru's departments by plain (unaccented, lower-case) name."""
    document = json.loads(_DEPARTMENTS.read_text(encoding="utf-8"))
    found = {}
    for feature in document["features"]:
        polygons = tuple(tuple(tuple((float(x), float(y)) for x, y in ring) for ring in polygon)
                         for polygon in feature["geometry"]["coordinates"])
        xs = [x for polygon in polygons for x, _y in polygon[0]]
        ys = [y for polygon in polygons for _x, y in polygon[0]]
        found[feature["properties"]["key"]] = Department(
            feature["properties"]["name"], polygons, (min(xs), min(ys), max(xs), max(ys)))
    return found


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    words = text.lower().replace("region", "").replace("departamento de", "").split()
    plain = " ".join(words)
    return _DEPARTMENT_ALIASES.get(plain, plain)


def department(name: str) -> Department | None:
    """The department a lot declares (any accents, "Región …"), or None if unknown."""
    return departments().get(_plain(name))


def outside_department(lon: Decimal | float, lat: Decimal | float, department_name: str) -> bool:
    """True when the point lies outside the declared department by more than
    DEPARTMENT_BAND_KM; False inside it, within the band, or for an unknown department."""
    found = department(department_name)
    if found is None:
        return False
    x, y = float(lon), float(lat)
    if found.contains(x, y):
        return False
    return found.distance_km(x, y) > DEPARTMENT_BAND_KM
