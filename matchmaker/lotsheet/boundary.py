"""Is a point in Peru? Against the country's outline, not a bounding box.

The outline is Natural Earth's 1:110m Peru (public domain; data/README.md says where it
comes from). It is simplified, so a point within BORDER_BAND_KM of it either way cannot be
placed with certainty: `locate` calls it NEAR_BORDER, which the EUDR checks report as a
warning, and only a point outside by more than the band is OUTSIDE. A bounding box let
Leticia, Arica and the Pacific pass; this does not.

Departments: a rough bounding box per department where cacao is grown (from the INEI
outline, widened by DEPARTMENT_MARGIN_DEG) flags a point far from the department a lot
declares. Cheap and approximate by design: a warning, never a refusal.
"""

from __future__ import annotations

import json
import math
import unicodedata
from decimal import Decimal
from enum import StrEnum
from functools import cache
from pathlib import Path

BORDER_BAND_KM = 30.0
DEPARTMENT_MARGIN_DEG = 0.3
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


# (west, south, east, north) in degrees; keys are unaccented, lower-case department names.
DEPARTMENT_BOXES: dict[str, tuple[float, float, float, float]] = {
    "amazonas": (-78.75, -6.98, -77.1, -2.98),
    "ayacucho": (-75.2, -15.6, -73.0, -12.0),
    "cajamarca": (-79.5, -7.75, -77.7, -4.65),
    "cusco": (-73.98, -15.5, -70.35, -11.2),
    "huanuco": (-77.3, -10.5, -74.6, -8.3),
    "junin": (-76.5, -12.7, -73.5, -10.7),
    "loreto": (-77.85, -8.7, -69.9, -0.03),
    "madre de dios": (-72.4, -13.35, -68.65, -9.85),
    "pasco": (-76.8, -11.1, -74.2, -9.95),
    "piura": (-81.35, -6.4, -79.2, -4.1),
    "puno": (-71.1, -17.3, -68.8, -13.0),
    "san martin": (-77.85, -8.8, -75.45, -5.4),
    "tumbes": (-81.0, -4.25, -80.1, -3.4),
    "ucayali": (-75.98, -11.45, -70.48, -7.35),
}


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("region", "").split())


def outside_department(lon: Decimal | float, lat: Decimal | float, department: str) -> bool:
    """True when the point is clearly outside the declared department's rough box; False
    when it is inside or the department is not one we have a box for."""
    box = DEPARTMENT_BOXES.get(_plain(department))
    if box is None:
        return False
    west, south, east, north = box
    m = DEPARTMENT_MARGIN_DEG
    x, y = float(lon), float(lat)
    return not (west - m <= x <= east + m and south - m <= y <= north + m)
