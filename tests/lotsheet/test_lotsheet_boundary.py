"""Peru's outline instead of a bounding box: towns next door and the Pacific are caught."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matchmaker.lotsheet import boundary, geo
from matchmaker.lotsheet.boundary import Place


@pytest.mark.parametrize(("name", "lon", "lat", "place"), [
    # Cacao towns and plots in Peru, well inside.
    ("Puerto Maldonado", -69.1891, -12.5933, Place.INSIDE),
    ("Iquitos", -73.2538, -3.7437, Place.INSIDE),
    ("Tarapoto", -76.3631, -6.4882, Place.INSIDE),
    ("Pucallpa", -74.55, -8.38, Place.INSIDE),
    ("Satipo", -74.64, -11.25, Place.INSIDE),
    # Inside Peru's bounding box, but in a neighbouring country or at sea: the old box let
    # every one of them pass.
    ("Cobija, Bolivia", -68.7690, -11.0267, Place.OUTSIDE),
    ("Loja, Ecuador", -79.2045, -3.9931, Place.OUTSIDE),
    ("Cruzeiro do Sul, Brazil", -72.67, -7.63, Place.OUTSIDE),
    ("La Paz, Bolivia", -68.1193, -16.4897, Place.OUTSIDE),
    ("Pacific, 150 km off Lima", -78.5, -12.5, Place.OUTSIDE),
    # Twin towns on the border: no simplified outline can tell; a warning asks to check.
    ("Leticia, Colombia", -69.9406, -4.2153, Place.NEAR_BORDER),
    ("Iñapari, Peru", -69.5845, -10.9488, Place.NEAR_BORDER),
])
def test_points_are_placed_against_the_outline(name, lon, lat, place):
    assert boundary.locate(lon, lat) == place, name


def test_outline_is_the_documented_public_domain_file():
    ring = boundary.peru_outline()
    assert len(ring) == 76 and ring[0] == ring[-1]
    readme = (boundary._OUTLINE.parent / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme


def _point(lon, lat):
    return {"type": "Point", "coordinates": [Decimal(lon), Decimal(lat)]}


def test_outside_peru_is_an_error_and_near_the_border_a_warning():
    [problem] = geo.validate_geometry(_point("-72.670013", "-7.630027"), area_ha=1)
    assert (problem.code, problem.severity) == ("outside_peru", "error")
    [problem] = geo.validate_geometry(_point("-69.940613", "-4.215327"), area_ha=1)
    assert (problem.code, problem.severity) == ("near_border", "warning")
    assert "within 30 km of Peru's border" in problem.message


def test_department_of_declared_origin_is_checked_against_its_outline():
    tarapoto = _point("-76.363113", "-6.488227")  # San Martín, not Madre de Dios
    [problem] = geo.validate_geometry(tarapoto, area_ha=1, department="Madre de Dios")
    assert (problem.code, problem.severity) == ("outside_department", "warning")
    assert geo.validate_geometry(tarapoto, area_ha=1, department="Región San Martín") == []
    # Every department has an outline now, Lima included.
    [problem] = geo.validate_geometry(tarapoto, area_ha=1, department="Lima")
    assert problem.code == "outside_department"
    # A name that is no department is not checked.
    assert geo.validate_geometry(tarapoto, area_ha=1, department="Narnia") == []


@pytest.mark.parametrize(("name", "lon", "lat", "declared", "flagged"), [
    # Purús (Ucayali), 22 km outside Madre de Dios but inside its old bounding box.
    ("Puerto Esperanza", "-70.707513", "-9.770613", "Madre de Dios", True),
    ("Puerto Esperanza", "-70.707513", "-9.770613", "Ucayali", False),
    # Quincemil (Cusco) lies 13 km from Madre de Dios: within the band, not flagged.
    ("Quincemil", "-70.750013", "-13.230013", "Madre de Dios", False),
    ("Lima", "-77.030013", "-12.050013", "Lima Metropolitana", False),
    ("Callao", "-77.130013", "-12.050013", "Provincia Constitucional del Callao", False),
])
def test_department_band(name, lon, lat, declared, flagged):
    assert boundary.outside_department(Decimal(lon), Decimal(lat), declared) is flagged, name


def test_department_outlines_are_the_documented_public_domain_file():
    found = boundary.departments()
    assert len(found) == 25 and {"madre de dios", "san martin", "lima", "callao"} <= set(found)
    readme = (boundary._DEPARTMENTS.parent / "README.md").read_text(encoding="utf-8")
    assert "Admin 1" in readme and "public domain" in readme and "15 km" in readme


def test_typed_swap_message_asks_for_latitude_first():
    geometry, problems = geo.parse_lat_lon_lines("-69.189113, -12.593327")
    assert problems == []
    [problem] = geo.validate_geometry(geometry, area_ha=1, typed=True, feature="P1")
    assert problem.code == "lat_lon_swapped_typed"
    assert "typed longitude first; type the latitude first" in problem.message
    # The GeoJSON wording stays for files, where longitude comes first.
    [problem] = geo.validate_geometry({"type": "Point", "coordinates": [
        Decimal("-12.593327"), Decimal("-69.189113")]}, area_ha=1)
    assert "GeoJSON needs longitude, latitude" in problem.message


@pytest.mark.parametrize(("coordinates", "padded"), [
    (["-69.190000", "-12.590000"], True),
    (["-69.190013", "-12.590000"], False),
    (["-69.1900", "-12.5900"], False),  # too few decimals is its own error, not padding
])
def test_zero_padding_is_detected_on_the_whole_dataset(coordinates, padded):
    geometry = _point(*coordinates)
    assert geo.is_zero_padded(geo.all_positions(geometry)) is padded


def test_padding_needs_every_vertex_of_every_plot():
    padded = {"type": "Polygon", "coordinates": [[
        [Decimal("-69.190000"), Decimal("-12.590000")], [Decimal("-69.189000"), Decimal("-12.590000")],
        [Decimal("-69.189000"), Decimal("-12.589000")], [Decimal("-69.190000"), Decimal("-12.590000")]]]}
    real = _point("-69.185123", "-12.587456")
    assert [p.code for p in geo.padding_problems([padded])] == ["zero_padded"]
    assert geo.padding_problems([padded, real]) == []


def test_producer_country_other_than_pe_is_refused_on_import():
    collection = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": "P1", "geometry": _point("-69.185123", "-12.587456"),
        "properties": {"ProducerName": "X", "ProducerCountry": "BO", "Area": 1}}]}
    assert [p.code for p in geo.errors_only(geo.validate_geojson(collection))] == ["wrong_country"]


def test_export_carries_measured_area_and_keeps_the_declared_one():
    square = {"type": "Polygon", "coordinates": [[
        [Decimal("-69.190013"), Decimal("-12.590027")], [Decimal("-69.189093"), Decimal("-12.590027")],
        [Decimal("-69.189093"), Decimal("-12.589123")], [Decimal("-69.190013"), Decimal("-12.589123")],
        [Decimal("-69.190013"), Decimal("-12.590027")]]]}
    measured = Decimal(repr(geo.polygon_area_ha(square))).quantize(Decimal("0.0001"))
    plot = geo.Plot("P1", "Rosa", "Infierno", measured, square, declared_area_ha=Decimal("3"))
    [feature] = geo.eudr_feature_collection([plot])["features"]
    assert feature["properties"]["Area"] == measured
    assert feature["properties"]["DeclaredArea"] == Decimal("3")


def test_a_polygon_outside_its_department_is_flagged():
    purus = {"type": "Polygon", "coordinates": [[
        [Decimal(x), Decimal(y)] for x, y in (("-70.707513", "-9.770613"),
                                              ("-70.704513", "-9.770613"),
                                              ("-70.704513", "-9.767613"),
                                              ("-70.707513", "-9.767613"),
                                              ("-70.707513", "-9.770613"))]]}
    area = geo.polygon_area_ha(purus)
    # Purús also lies near the Brazilian border, which is its own warning.
    codes = [p.code for p in geo.validate_geometry(purus, area_ha=area, department="Madre de Dios")]
    assert codes == ["near_border", "outside_department"]
    codes = [p.code for p in geo.validate_geometry(purus, area_ha=area, department="Ucayali")]
    assert codes == ["near_border"]
