"""Plot import and typed coordinates: declared vs measured area, border, padding, order."""

from __future__ import annotations

import json
from decimal import Decimal

from matchmaker.services.lots import plots

SQUARE = [["-69.190013", "-12.590027"], ["-69.189093", "-12.590027"],
          ["-69.189093", "-12.589123"], ["-69.190013", "-12.589123"], ["-69.190013", "-12.590027"]]


def _collection(area, coordinates=SQUARE, country="PE"):
    ring = ",".join(f"[{lon},{lat}]" for lon, lat in coordinates)
    return ('{"type":"FeatureCollection","features":[{"type":"Feature","id":"P1",'
            '"geometry":{"type":"Polygon","coordinates":[[' + ring + ']]},'
            f'"properties":{{"ProducerName":"Rosa","ProducerCountry":"{country}",'
            f'"Area":{area}}}}}]}}')


def test_declared_area_far_from_measured_is_kept_apart_and_warned(lot, db):
    [plot] = plots.import_geojson(lot, _collection(5))
    db.session.commit()
    assert plot.area_ha == Decimal("0.9997") and plot.declared_area_ha == Decimal(5)
    assert any("declared area is 5 ha but the polygon measures 1.00 ha" in w
               for w in (p.message for p in plot.warnings))
    [feature] = plots.geo.eudr_feature_collection(plots.eudr_plots(lot), check=False)["features"]
    assert feature["properties"]["Area"] == Decimal("0.9997")
    assert feature["properties"]["DeclaredArea"] == Decimal(5)


def test_padded_file_imports_with_a_warning(lot, db):
    padded = [["-69.190000", "-12.590000"], ["-69.189000", "-12.590000"],
              ["-69.189000", "-12.589000"], ["-69.190000", "-12.589000"],
              ["-69.190000", "-12.590000"]]
    [plot] = plots.import_geojson(lot, _collection("1.2", padded))
    assert any("padded to 6 decimals" in w for w in (p.message for p in plot.warnings))


def test_typed_point_in_another_department_warns(lot, db):
    lot.region = "Madre de Dios"
    plot = plots.add_plot_from_coordinates(lot, plot_ref="T1", producer_name="Rosa",
                                           area_ha=Decimal(1), coordinates="-6.488227, -76.363113")
    assert any("outside Madre de Dios" in w for w in (p.message for p in plot.warnings))


def test_typed_form_explains_the_swap_in_typing_order(client, login_as, rep, lot, db):
    login_as(rep)
    data = {"typed-plot_ref": "P01", "typed-producer_name": "Rosa", "typed-area_ha": "2",
            "typed-coordinates": "-69.185123, -12.587456"}
    response = client.post(f"/my/lots/{lot.lot_code}/plots/coordinates", data=data,
                           headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "typed longitude first; type the latitude first, then the longitude" in html


def test_geojson_export_of_the_lot_has_measured_and_declared_areas(client, login_as, rep, lot,
                                                                   db):
    plots.import_geojson(lot, _collection(5))
    lot.is_published = True
    db.session.commit()
    login_as(rep)
    document = json.loads(client.get(f"/lots/{lot.lot_code}/plots.geojson").data)
    properties = document["features"][0]["properties"]
    assert properties["Area"] == 0.9997 and properties["DeclaredArea"] == 5
