"""Public lot pages: visibility, derived values on the page, compare, print/PDF, GeoJSON."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import zxingcpp
from pypdf import PdfReader

from matchmaker.lotsheet.geo import errors_only, validate_eudr_collection
from tests.factories import make_organisation, make_user
from tests.printing.test_printing_pdf import rasterise_filled_rectangles

ES = {"Accept-Language": "es"}
EN = {"Accept-Language": "en"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_published_lot_page_shows_derived_values(client, lots):
    lot = lots.make(volume_kg=Decimal("4600"), price_usd_per_mt=Decimal("9450"),
                    moq_kg=Decimal("600"), net_kg_per_bag=Decimal("60"))
    lots.analysis(lot, analysis_date=date(2025, 8, 10))
    lots.evaluation(lot)
    response = client.get(f"/lots/{lot.lot_code}", headers=EN)
    html = _text(response)
    assert response.status_code == 200
    assert "4,600 kg · 4.600 MT · 10,141 lb · 100.00" in html
    assert "USD 9,450.00 / MT · USD 9.45 / kg" in html
    assert "600 kg · 10 bags" in html
    assert "89.0 %" in html and "Grade I" in html
    assert "Aug 10, 2025" in html
    assert 'class="flavour-radar"' in html
    assert "<script" not in html and " style=" not in html


def test_page_in_spanish_translates_labels_and_numbers(client, lots):
    lot = lots.make(volume_kg=Decimal("4600"))
    html = _text(client.get(f"/lots/{lot.lot_code}", headers=ES))
    assert "Cacao fino de prueba" in html  # name_es
    assert "4.600 kg" in html
    assert "Términos comerciales" in html


def test_draft_is_hidden_from_the_public_and_other_reps(client, lots, login_as):
    lot = lots.make(published=False)
    assert client.get(f"/lots/{lot.lot_code}").status_code == 404
    assert client.get(f"/api/v1/lots/{lot.lot_code}").status_code == 404
    login_as(make_user("rep"))
    assert client.get(f"/lots/{lot.lot_code}").status_code == 404


def test_draft_is_shown_to_its_reps_with_a_banner(client, lots, login_as):
    organisation = make_organisation()
    lot = lots.make(organisation, published=False)
    login_as(make_user("rep", organisation=organisation))
    response = client.get(f"/lots/{lot.lot_code}", headers=EN)
    assert response.status_code == 200
    assert "banner-draft" in _text(response)
    assert lot.lot_code not in _text(client.get("/lots/"))


def test_unknown_lot_is_404(client, app):
    assert client.get("/lots/NOPE").status_code == 404


def test_expired_certificate_shows_as_expired(client, lots):
    lot = lots.make()
    today = date.today()
    lots.certificate(lot, scheme="fairtrade", valid_from=today - timedelta(days=400),
                     valid_to=today - timedelta(days=1))
    html = _text(client.get(f"/lots/{lot.lot_code}", headers=EN))
    assert 'class="cert-expired"' in html
    assert "Expired" in html
    assert 'class="cert-valid"' not in html


def test_catalogue_lists_and_filters(client, lots):
    nibs = lots.make(product_form="nibs", name_en="Nibs lot")
    beans = lots.make(name_en="Beans lot")
    lots.make(published=False, name_en="Draft lot")
    html = _text(client.get("/lots/", headers=EN))
    assert "Nibs lot" in html and "Beans lot" in html and "Draft lot" not in html
    html = _text(client.get("/lots/?product_form=nibs", headers=EN))
    assert nibs.lot_code in html and beans.lot_code not in html


def test_catalogue_bad_filter_is_reported_not_crashed(client, lots):
    lots.make()
    response = client.get("/lots/?min_grade=Z&max_price_usd_mt=abc", headers=EN)
    assert response.status_code == 200
    assert "not understood" in _text(response)


def test_catalogue_pagination_keeps_filters(client, lots):
    for _ in range(22):
        lots.make(product_form="nibs")
    html = _text(client.get("/lots/?product_form=nibs", headers=EN))
    assert "product_form=nibs" in html and "page=2" in html
    page_two = _text(client.get("/lots/?product_form=nibs&page=2", headers=EN))
    assert page_two.count('class="card lot-card"') == 2


@pytest.mark.parametrize("count", [2, 4])
def test_compare_two_to_four_lots(client, lots, count):
    chosen = [lots.make(name_en=f"Compared {i}") for i in range(count)]
    query = "&".join(f"codes={lot.lot_code}" for lot in chosen)
    response = client.get(f"/lots/compare?{query}", headers=EN)
    html = _text(response)
    assert response.status_code == 200
    assert all(f"Compared {i}" in html for i in range(count))
    # Comma-separated codes work too.
    codes = ",".join(lot.lot_code for lot in chosen)
    assert client.get(f"/lots/compare?codes={codes}").status_code == 200


@pytest.mark.parametrize("count", [1, 5])
def test_compare_refuses_one_or_five(client, lots, count):
    codes = ",".join(lots.make().lot_code for _ in range(count))
    response = client.get(f"/lots/compare?codes={codes}", headers=EN)
    assert response.status_code == 422
    assert "Choose between 2 and 4 lots to compare." in _text(response)


def test_compare_does_not_show_drafts(client, lots):
    shown, draft = lots.make(), lots.make(published=False, name_en="Secret draft")
    response = client.get(f"/lots/compare?codes={shown.lot_code},{draft.lot_code}", headers=EN)
    assert "Secret draft" not in _text(response)
    assert "not in the catalogue" in _text(response)


def test_printable_sheet_has_qr_and_print_css_hooks(client, lots):
    lot = lots.make()
    html = _text(client.get(f"/lots/{lot.lot_code}/sheet", headers=EN))
    assert "print-sheet" in html
    # Published: the code carries the lot's opaque scan token, never its id or code.
    assert "http://fair.test/q/" in html
    assert f"/lots/{lot.lot_code}" not in html.split("http://fair.test/q/")[1][:40]
    assert 'shape-rendering="crispEdges"' in html


def test_pdf_qr_decodes_to_the_scan_url_that_opens_the_lot(client, lots):
    lot = lots.make()
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf", headers=EN)
    reader = PdfReader(io.BytesIO(response.data))
    decoded = sorted(b.text for b in zxingcpp.read_barcodes(
        rasterise_filled_rectangles(reader, 0)))
    assert len(decoded) == 1 and decoded[0].startswith("http://fair.test/q/")
    scan = client.get(decoded[0].removeprefix("http://fair.test"))
    assert scan.status_code == 302 and scan.headers["Location"].endswith(f"/lots/{lot.lot_code}")
    # Printing again reuses the same token: stickers already printed keep working.
    again = client.get(f"/lots/{lot.lot_code}/sheet.pdf", headers=EN)
    reader = PdfReader(io.BytesIO(again.data))
    assert [b.text for b in zxingcpp.read_barcodes(
        rasterise_filled_rectangles(reader, 0))] == decoded


def test_pdf_contains_the_lot_code_on_at_most_two_pages(client, lots):
    lot = lots.make()
    lots.analysis(lot)
    lots.evaluation(lot)
    for scheme in ("eu_organic", "usda_nop", "fairtrade", "rainforest_alliance"):
        lots.certificate(lot, scheme=scheme)
    for _ in range(6):
        lots.plot(lot)
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf", headers=EN)
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert lot.lot_code in text
    assert "Grade I" in text
    assert len(reader.pages) <= 2


def test_geojson_requires_login(client, lots):
    lot = lots.make()
    lots.plot(lot)
    response = client.get(f"/lots/{lot.lot_code}/plots.geojson")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "rep", "organiser"])
def test_geojson_export_revalidates(client, lots, login_as, role):
    lot = lots.make()
    lots.plot(lot, area_ha="1")
    lots.plot(lot, area_ha="2.5", geometry={"type": "Point",
                                            "coordinates": ["-69.185123", "-12.587456"]})
    login_as(make_user(role))
    response = client.get(f"/lots/{lot.lot_code}/plots.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    document = json.loads(response.data)
    assert document["type"] == "FeatureCollection" and len(document["features"]) == 2
    assert errors_only(validate_eudr_collection(response.data)) == []
    assert document["features"][0]["properties"]["ProducerCountry"] == "PE"
    # Coordinates keep the six decimals typed, digit for digit.
    assert b"-69.190000" in response.data


def test_catalogue_in_nav(client, app):
    html = _text(client.get("/", headers=EN))
    assert 'href="/lots/"' in html
