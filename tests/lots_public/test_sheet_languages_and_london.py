"""Seller-typed texts in both languages (marked when only one exists) on the page, the PDF
and the API; and ICE London entered in GBP per tonne with a dated GBP→USD rate."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.lotsheet.pricing import LotPrice, MarketReferences, indicative_price, london_quote
from matchmaker.services import events as event_service
from matchmaker.services.lots import editing
from tests.factories import make_event, make_user

EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es"}
D = Decimal
DAY, RATE_DAY = date(2026, 11, 30), date(2026, 12, 1)


def _bilingual_lot(lots):
    lot = lots.make(warehouse_es="Almacén de Puerto Maldonado",
                    warehouse_en="Puerto Maldonado warehouse", wood_species_es="tornillo",
                    ferment_vessel="wooden_box", price_basis="differential",
                    price_usd_per_mt=None, price_market="ice_ny",
                    ice_contract_month_es="marzo 2027", price_differential_usd_mt=D("650"))
    evaluation = lots.evaluation(lot)
    evaluation.roast_profile_es, evaluation.roast_profile_en = "120 °C durante 25 min", ""
    evaluation.awards_es = "Cocoa of Excellence 2025 – entre los 50 mejores"
    evaluation.awards_en = "Cocoa of Excellence 2025 – best 50"
    db.session.commit()
    return lot


def test_page_shows_each_text_in_the_readers_language_or_marks_it(client, lots):
    lot = _bilingual_lot(lots)
    english = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert 'class="warehouse"><span lang="en">Puerto Maldonado warehouse</span></dd>' in english
    assert "Cocoa of Excellence 2025 – best 50" in english and "entre los 50" not in english
    # Typed in Spanish only: shown, and said so.
    assert ('boxes of <span lang="es">tornillo</span> <span class="muted lang-note">'
            "(in Spanish)</span>") in english
    assert ('roast: <span lang="es">120 °C durante 25 min</span> '
            '<span class="muted lang-note">(in Spanish)</span>') in english
    assert "ICE New York marzo 2027 (in Spanish) +650.00 USD / MT (differential)" in english
    spanish = client.get(f"/lots/{lot.lot_code}", headers=ES).get_data(as_text=True)
    assert "Almacén de Puerto Maldonado" in spanish and "entre los 50 mejores" in spanish
    assert "(en español)" not in spanish and "ICE Nueva York marzo 2027" in spanish


def test_pdf_marks_a_text_in_the_other_language(client, lots):
    lot = _bilingual_lot(lots)
    response = client.get(f"/lots/{lot.lot_code}/sheet.pdf", headers=EN)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
                    .split())
    assert "Puerto Maldonado warehouse" in text
    assert "120 °C durante 25 min (in Spanish)" in text
    assert "boxes of tornillo (in Spanish)" in text
    assert "Cocoa of Excellence 2025 – best 50" in text


def test_api_gives_both_languages(client, lots):
    lot = _bilingual_lot(lots)
    document = json.loads(client.get(f"/api/v1/lots/{lot.lot_code}").data)
    assert document["warehouse_es"] == "Almacén de Puerto Maldonado"
    assert document["warehouse_en"] == "Puerto Maldonado warehouse"
    assert document["post_harvest"]["wood_species_es"] == "tornillo"
    assert document["post_harvest"]["wood_species_en"] == ""
    assert document["sensory"]["awards_en"] == "Cocoa of Excellence 2025 – best 50"
    assert document["price"]["contract_month_es"] == "marzo 2027"
    assert document["price"]["contract_month_en"] is None


@pytest.fixture
def request_context(app):
    with app.test_request_context():  # services word their errors in the visitor's language
        yield


@pytest.mark.usefixtures("request_context")
def test_editor_service_saves_both_languages_and_needs_a_month_in_one(lots):
    lot = lots.make()
    editing.update_lot(lot, "post_harvest", wood_species_es="cedro", wood_species_en="Spanish cedar")
    assert (lot.wood_species_es, lot.wood_species_en) == ("cedro", "Spanish cedar")
    editing.update_lot(lot, "terms", price_basis="differential", price_market="ice_london",
                       ice_contract_month_en="May 2027", price_differential_usd_mt=D("300"))
    assert lot.ice_contract_month_en == "May 2027" and lot.price.contract_month_en == "May 2027"
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "terms", price_basis="differential", price_market="ice_ny",
                           ice_contract_month_es="", ice_contract_month_en="",
                           price_differential_usd_mt=D("300"))
    assert caught.value.code == "contract_month_required"


# ICE London -----------------------------------------------------------------------------

def test_london_reference_is_gbp_times_the_dated_rate():
    quote = london_quote(D("6120"), DAY, D("1.2650"), RATE_DAY)
    assert quote.usd_mt == D("7741.80") and quote.quoted_on == DAY
    assert quote.converted.gbp_t == D("6120") and quote.converted.rate_on == RATE_DAY
    assert london_quote(D("6120"), DAY, None, None) is None  # no rate: no USD figure
    price = LotPrice(basis="differential", differential_usd_mt=D("300"), market="ice_london",
                     contract_month="mayo 2027")
    assert indicative_price(price, MarketReferences(quotes=(quote,))).usd_mt == D("8041.80")


@pytest.mark.usefixtures("request_context")
def test_event_service_checks_the_london_price_and_rate(app):
    fair = make_event()
    base = {"starts_on": fair.starts_on, "ends_on": fair.ends_on}
    with pytest.raises(ValidationFailed) as caught:
        event_service.save_event(fair, **base, ice_london_gbp_t=D("6120"), ice_london_on=DAY,
                                 usd_per_gbp=D("1.2650"), usd_per_gbp_on=None)
    assert (caught.value.code, caught.value.field) == ("reference_without_date", "usd_per_gbp_on")
    with pytest.raises(ValidationFailed) as caught:
        event_service.save_event(fair, **base, ice_london_gbp_t=D("6120"), ice_london_on=DAY,
                                 usd_per_gbp=D("0.79"), usd_per_gbp_on=RATE_DAY)
    assert (caught.value.code, caught.value.field) == ("reference_out_of_range", "usd_per_gbp")
    event_service.save_event(fair, **base, ice_london_gbp_t=D("6120"), ice_london_on=DAY,
                             usd_per_gbp=D("1.2650"), usd_per_gbp_on=RATE_DAY)
    assert fair.market_references.quote("ice_london").usd_mt == D("7741.80")


def test_london_differential_shows_indicative_price_with_both_dates(client, lots):
    make_event(ice_london_gbp_t=D("6120"), ice_london_on=DAY, usd_per_gbp=D("1.2650"),
               usd_per_gbp_on=RATE_DAY)
    lot = lots.make(price_basis="differential", price_usd_per_mt=None, price_market="ice_london",
                    ice_contract_month_en="May 2027", price_differential_usd_mt=D("300"))
    html = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert ("Indicative USD 8,041.80 / MT (USD 8.04 / kg), with ICE London at GBP 6,120 / t on "
            "Nov 30, 2026 × USD 1.2650 per GBP on Dec 1, 2026 = USD 7,742 / MT") in html
    document = json.loads(client.get(f"/api/v1/lots/{lot.lot_code}").data)
    assert document["price"]["indicative_reference"] == {
        "market": "ice_london", "usd_mt": "7741.80", "quoted_on": "2026-11-30",
        "gbp_t": "6120.00", "usd_per_gbp": "1.2650", "rate_on": "2026-12-01"}


def test_organiser_enters_london_in_gbp_with_its_rate(client, login_as):
    fair = make_event()
    login_as(make_user("organiser", locale="en"))
    data = {"name": fair.name, "city": fair.city, "venue": fair.venue,
            "starts_on": fair.starts_on.isoformat(), "ends_on": fair.ends_on.isoformat(),
            "timezone": "America/Lima", "is_published": "y",
            "ice_london_gbp_t": "6120", "ice_london_on": "2026-11-30",
            "usd_per_gbp": "1,265", "usd_per_gbp_on": "2026-12-01"}
    page = client.get(f"/admin/events/{fair.slug}/edit", headers=EN).get_data(as_text=True)
    assert "ICE London cocoa (GBP per tonne)" in page and 'name="usd_per_gbp"' in page
    response = client.post(f"/admin/events/{fair.slug}/edit", data=data, headers=EN)
    assert response.status_code == 302
    db.session.refresh(fair)
    assert fair.ice_london_gbp_t == D("6120") and fair.usd_per_gbp == D("1.265")
    assert fair.usd_per_gbp_on == RATE_DAY
