"""The JSON API against its OpenAPI document; fixed query counts; page weight."""

from __future__ import annotations

import gzip
import re
from datetime import date
from decimal import Decimal

import pytest

from matchmaker import ROOT
from matchmaker.extensions import db

EXAMPLE_VALUES = {
    "q": "cacao", "event": "expo", "organisation": "org", "region": "Madre de Dios",
    "product_form": "dry_fermented", "genetics": "criollo", "certification": "eu_organic",
    "min_grade": "II", "min_volume_kg": "100", "max_price_usd_mt": "20000",
    "flavour": "fresh_fruit", "flavour_min": "3", "sort": "price", "page": "1", "per_page": "5",
}


def _spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_openapi_document_is_3_1_and_lists_every_path(client):
    spec = _spec(client)
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/lots", "/lots/{lot_code}", "/offers", "/offers/{offer_code}",
                                  "/me/demand", "/me/recommendations"}


def test_every_documented_parameter_is_accepted(client, lots):
    lots.make()
    for parameter in _spec(client)["paths"]["/lots"]["get"]["parameters"]:
        name = parameter["name"]
        response = client.get("/api/v1/lots", query_string={name: EXAMPLE_VALUES[name]})
        assert response.status_code == 200, name
    assert client.get("/api/v1/lots?min_grade=Z").status_code == 400


def test_responses_match_documented_properties(client, lots):
    lot = lots.make()
    lots.analysis(lot)
    lots.evaluation(lot)
    lots.certificate(lot)
    spec = _spec(client)
    listing = client.get("/api/v1/lots").get_json()
    list_schema = spec["paths"]["/lots"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert set(listing) == set(list_schema["properties"])
    summary = spec["components"]["schemas"]["LotSummary"]
    assert set(listing["data"][0]) == set(summary["properties"])
    sheet = client.get(f"/api/v1/lots/{lot.lot_code}").get_json()
    assert set(sheet) == set(spec["components"]["schemas"]["LotSheet"]["properties"])
    # Decimals are strings, consistently.
    assert sheet["terms"]["price_usd_per_kg"] == "9.50"
    assert sheet["volume"]["mt"] == "3.000"
    assert sheet["analysis"]["fermented_pct"] == "89.0"
    assert sheet["certificates"][0]["state_today"] == "valid"


def test_api_filters_and_pagination(client, lots):
    for i in range(5):
        lots.make(volume_kg=Decimal(1000 * (i + 1)))
    body = client.get("/api/v1/lots?per_page=2&page=2&min_volume_kg=2000").get_json()
    assert (body["total"], body["pages"], body["page"], len(body["data"])) == (4, 2, 2, 2)
    assert body["links"]["next"] is None
    assert "min_volume_kg=2000" in body["links"]["prev"]


def test_api_404(client, app):
    response = client.get("/api/v1/lots/NOPE")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def _fill(lots, lot, n: int) -> None:
    for i in range(n):
        lots.analysis(lot, analysis_date=date(2025, 1, 1 + i))
        lots.evaluation(lot, evaluated_on=date(2025, 2, 1 + i))
        lots.certificate(lot, certificate_no=f"C-{lot.id}-{i}")
        lots.plot(lot)
        lots.genetics(lot, code=["criollo", "trinitario", "nacional", "ccn51", "native_amazonian",
                                 "forastero_amazon", "named_clone", "mixed_unknown", "criollo",
                                 "trinitario"][i], variety=f"v{i}", share="10")


def test_lot_page_runs_a_fixed_number_of_queries(client, lots, count_queries):
    small, big = lots.make(), lots.make()
    _fill(lots, small, 1)
    _fill(lots, big, 10)
    counts = []
    for lot in (small, big):
        code = lot.lot_code
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(f"/lots/{code}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_catalogue_page_query_count_is_constant(client, lots, count_queries):
    lots.make()
    with count_queries() as few:
        assert client.get("/lots/?sort=price").status_code == 200
    for _ in range(15):
        lot = lots.make()
        lots.certificate(lot)
        lots.genetics(lot)
    db.session.expire_all()
    with count_queries() as many:
        assert client.get("/lots/?sort=price").status_code == 200
    assert few.count == many.count


def test_lot_page_weighs_under_60_kb_compressed(client, lots):
    lot = lots.make()
    _fill(lots, lot, 3)
    html = client.get(f"/lots/{lot.lot_code}").data
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    total = len(gzip.compress(html))
    for path in assets:
        total += len(gzip.compress((ROOT / path.decode().lstrip("/")).read_bytes()))
    assert b"/static/css/app.css" in b"".join(assets)
    assert total < 60 * 1024


@pytest.mark.browser
def test_buyer_filters_catalogue_and_opens_lot_on_a_phone_in_spanish(phone_page, live_server, lots):
    nibs = lots.make(product_form="nibs", name_es="Nibs de Infierno")
    lots.make(name_es="Grano seco de Tres Islas")
    lots.analysis(nibs)
    page = phone_page
    page.goto("/lots/")
    assert page.locator("h1").inner_text() == "Catálogo de lotes de cacao"
    page.locator("summary", has_text="Filtros").click()
    page.get_by_label("Producto", exact=True).select_option("nibs")
    page.get_by_role("button", name="Ver lotes").click()
    page.wait_for_url("**/lots/?*product_form=nibs*")
    assert page.locator(".lot-card").count() == 1
    page.get_by_role("link", name="Nibs de Infierno").click()
    page.wait_for_url(f"**/lots/{nibs.lot_code}")
    assert page.get_by_role("heading", name="Términos comerciales").is_visible()
    assert page.get_by_text("Calidad física").is_visible()
    # Logged out, the action is a link that leads through log-in back to the lot.
    assert page.get_by_role("link", name="Me interesa").is_visible()
