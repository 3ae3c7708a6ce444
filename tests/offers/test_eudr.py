"""The merged EUDR GeoJSON of an offer re-validates and spans every lot's production period."""

from __future__ import annotations

import json
from datetime import date

from matchmaker.lotsheet import errors_only, geo
from matchmaker.services.offers.eudr import geojson_text, merge_offer
from tests.factories import add_plot, make_lot, point


def test_merge_keeps_every_plot_and_revalidates(app, infierno, tahuamanu):
    a = make_lot(infierno, harvest_start=date(2025, 4, 1), harvest_end=date(2025, 7, 31))
    b = make_lot(tahuamanu, harvest_start=date(2025, 3, 15), harvest_end=date(2025, 9, 30))
    c = make_lot(tahuamanu, harvest_start=date(2025, 5, 1), harvest_end=date(2025, 6, 30))
    add_plot(a, "P-01", geometry=point("-69.190001", "-12.580001"))
    add_plot(a, "P-02", geometry=point("-69.190101", "-12.580101"))
    add_plot(b, "P-01", geometry=point("-69.300000", "-11.900000"))  # same ref, other association
    eudr = merge_offer([a, b, c, a])
    assert eudr.production_start == date(2025, 3, 15)
    assert eudr.production_end == date(2025, 9, 30)
    assert eudr.plot_count == 3
    assert eudr.lots_without_plots == [c]
    assert not eudr.problems and not eudr.is_complete  # c has no plots, none has evidence
    text = geojson_text(eudr)
    # The file read back is a valid EU FeatureCollection, digits kept as typed.
    assert errors_only(geo.validate_eudr_collection(text)) == []
    doc = json.loads(text)
    ids = [f["id"] for f in doc["features"]]
    assert ids == [f"{a.lot_code}/P-01", f"{a.lot_code}/P-02", f"{b.lot_code}/P-01"]
    assert "-69.300000" in text
    assert {f["properties"]["ProducerCountry"] for f in doc["features"]} == {"PE"}


def test_invalid_plot_is_reported_not_hidden(app, infierno):
    a = make_lot(infierno)
    add_plot(a, "P-01", geometry=point("-69.19", "-12.58"))  # too few decimals for the EUDR
    eudr = merge_offer([a])
    assert [p.code for p in eudr.problems] == ["too_few_decimals"]
    assert not eudr.is_complete
