"""Differential and fixed prices read right everywhere: card, page, compare, API, sort, cap,
and soles beside dollars from the organiser's dated exchange rate."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.lotsheet.pricing import MarketQuote, MarketReferences
from matchmaker.models import Lot
from matchmaker.services.lots.catalogue import parse_filters, search_lots
from matchmaker.services.lots.pricing import indicative_price_sql, market_references
from tests.factories import make_event, make_user

EN = {"Accept-Language": "en"}
ES = {"Accept-Language": "es"}
D = Decimal
REFERENCE_DAY = date(2026, 11, 30)
REFERENCE_FIELDS = ("ice_ny_usd_mt", "ice_ny_on", "ice_london_gbp_t", "ice_london_on",
                    "usd_per_gbp", "usd_per_gbp_on",
                    "pen_per_usd", "pen_per_usd_on")


def _differential(lots, differential="650", **overrides):
    return lots.make(price_basis="differential", price_usd_per_mt=None, price_market="ice_ny",
                     ice_contract_month_en="March 2027", price_differential_usd_mt=D(differential),
                     **overrides)


@pytest.fixture
def fair(app):
    return make_event(ice_ny_usd_mt=D("8450"), ice_ny_on=REFERENCE_DAY,
                      pen_per_usd=D("3.745"), pen_per_usd_on=REFERENCE_DAY)


def test_card_page_and_compare_show_a_differential_as_a_differential(client, lots, fair):
    lot = _differential(lots)
    fixed = lots.make(price_usd_per_mt=D("9500"))
    catalogue = client.get("/lots/", headers=EN).get_data(as_text=True)
    assert "ICE New York +650 / MT" in catalogue
    assert "USD 650 / MT" not in catalogue
    page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "ICE New York March 2027 +650.00 USD / MT (differential)" in page
    assert "Indicative USD 9,100.00 / MT (USD 9.10 / kg), with ICE New York at USD 8,450 / MT" \
        " on Nov 30, 2026" in page
    assert "USD 0.65 / kg" not in page and "USD 650.00 / MT" not in page
    compare = client.get(f"/lots/compare?codes={lot.lot_code},{fixed.lot_code}",
                         headers=EN).get_data(as_text=True)
    assert "(differential)" in compare and "USD 9,500.00 / MT · USD 9.50 / kg" in compare


def test_without_a_reference_price_the_page_says_so(client, lots):
    lot = _differential(lots)
    page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "No indicative price: no reference price for ICE New York was entered" in page


def test_price_sort_and_cap_use_the_indicative_price(lots, fair):
    cheap_fixed = lots.make(price_usd_per_mt=D("8800"))
    differential = _differential(lots)  # 8,450 + 650 = 9,100
    premium = lots.make(price_usd_per_mt=D("8900"), price_premium_kind="fairtrade",
                        price_premium_usd_mt=D("240"))  # 9,140
    unknown = lots.make(price_basis="differential", price_usd_per_mt=None, price_market="other",
                        price_market_other_es="Bolsa local", price_differential_usd_mt=D("10"))
    references = market_references(today=date.today())
    parsed = parse_filters({"sort": "price"})
    codes = [lot.lot_code for lot in search_lots(parsed.filters, today=date.today(),
                                                 references=references).lots]
    assert codes == [cheap_fixed.lot_code, differential.lot_code, premium.lot_code,
                     unknown.lot_code]
    capped = parse_filters({"max_price_usd_mt": "9100"})
    codes = {lot.lot_code for lot in search_lots(capped.filters, today=date.today(),
                                                 references=references).lots}
    assert codes == {cheap_fixed.lot_code, differential.lot_code}
    # Without the reference the differential is neither cheapest nor under the cap.
    codes = [lot.lot_code for lot in search_lots(parsed.filters, today=date.today()).lots]
    assert codes[:2] == [cheap_fixed.lot_code, premium.lot_code]


def test_sql_and_python_indicative_prices_agree(lots):
    references = MarketReferences(quotes=(MarketQuote("ice_ny", D("8450"), REFERENCE_DAY),
                                          MarketQuote("ice_london", D("7900"), REFERENCE_DAY)))
    made = [lots.make(price_usd_per_mt=D("8800")), _differential(lots, "-120"),
            lots.make(price_basis="differential", price_usd_per_mt=None,
                      price_market="ice_london", ice_contract_month_en="May 2027",
                      price_differential_usd_mt=D("300"), price_premium_kind="organic",
                      price_premium_usd_mt=D("250")),
            lots.make(price_usd_per_mt=None)]
    expression = indicative_price_sql(references)
    for lot in made:
        in_sql = db.session.scalar(db.select(expression).where(Lot.id == lot.id))
        in_python = lot.indicative_price_usd_mt(references)
        assert (in_sql is None and in_python is None) or D(in_sql) == in_python


def test_api_gives_the_price_structure_and_indicative_price(client, lots, fair):
    lot = _differential(lots, price_premium_kind="organic", price_premium_usd_mt=D("300"))
    document = json.loads(client.get(f"/api/v1/lots/{lot.lot_code}").data)
    assert document["price_usd_per_mt"] is None
    assert document["price"] == {
        "basis": "differential", "fixed_usd_mt": None, "differential_usd_mt": "650.00",
        "market": "ice_ny", "market_other_es": None, "market_other_en": None,
        "contract_month_es": None, "contract_month_en": "March 2027",
        "premium_usd_mt": "300.00", "premium_kind": "organic", "indicative_usd_mt": "9400.00",
        "indicative_reference": {"market": "ice_ny", "usd_mt": "8450.00",
                                 "quoted_on": "2026-11-30", "gbp_t": None,
                                 "usd_per_gbp": None, "rate_on": None},
    }
    listing = json.loads(client.get("/api/v1/lots?sort=price").data)
    assert listing["data"][0]["price"]["indicative_usd_mt"] == "9400.00"


def test_soles_on_the_spanish_page_and_for_peruvian_buyers_only(client, lots, fair, login_as):
    lot = lots.make(price_usd_per_mt=D("8200"))
    spanish = client.get(f"/lots/{lot.lot_code}", headers=ES).get_data(as_text=True)
    assert "≈ S/ 30,71 / kg a S/ 3,745 por USD (30 nov 2026)" in spanish
    english = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "S/ " not in english
    peruvian = make_user("buyer")
    peruvian.buyer_profile.country = "PE"
    peruvian.locale = "en"
    db.session.commit()
    login_as(peruvian)
    page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "≈ S/ 30.71 / kg at S/ 3.745 per USD (Nov 30, 2026)" in page


def test_no_exchange_rate_no_soles(client, lots):
    make_event(ice_ny_usd_mt=D("8450"), ice_ny_on=REFERENCE_DAY)
    lot = lots.make(price_usd_per_mt=D("8200"))
    assert "S/ " not in client.get(f"/lots/{lot.lot_code}", headers=ES).get_data(as_text=True)


def test_a_new_reference_price_refreshes_the_cached_page(client, lots, fair):
    lot = _differential(lots)
    assert "USD 9,100.00" in client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    fair.ice_ny_usd_mt, fair.ice_ny_on = D("8000"), REFERENCE_DAY + timedelta(days=1)
    db.session.commit()
    page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "USD 8,650.00" in page and "Dec 1, 2026" in page


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"ice_ny_usd_mt": "8450", "ice_ny_on": ""}, "ice_ny_on", "Enter the date this figure was read."),
    ({"ice_ny_usd_mt": "", "ice_ny_on": "2026-11-30"}, "ice_ny_usd_mt",
     "Enter the figure for this date, or clear the date."),
    ({"pen_per_usd": "0.27", "pen_per_usd_on": "2026-11-30"}, "pen_per_usd",
     "Enter a number from 1 to 10."),
])
def test_organiser_enters_dated_references_with_clear_errors(client, login_as, fair, fields,
                                                             field, message):
    login_as(make_user("organiser", locale="en"))
    data = {"name": fair.name, "city": fair.city, "venue": fair.venue,
            "starts_on": fair.starts_on.isoformat(), "ends_on": fair.ends_on.isoformat(),
            "timezone": "America/Lima", "description_es": "", "description_en": "",
            "is_published": "y", **dict.fromkeys(REFERENCE_FIELDS, ""), **fields}
    response = client.post(f"/admin/events/{fair.slug}/edit", data=data, headers=EN)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error">' in html and message in html


def test_organiser_saves_references(client, login_as, fair):
    login_as(make_user("organiser"))
    data = {"name": fair.name, "city": fair.city, "venue": fair.venue,
            "starts_on": fair.starts_on.isoformat(), "ends_on": fair.ends_on.isoformat(),
            "timezone": "America/Lima", "is_published": "y",
            "ice_ny_usd_mt": "8512,5", "ice_ny_on": "2026-12-01",
            "ice_london_gbp_t": "", "ice_london_on": "", "usd_per_gbp": "", "usd_per_gbp_on": "",
            "pen_per_usd": "3.76", "pen_per_usd_on": "2026-12-01"}
    response = client.post(f"/admin/events/{fair.slug}/edit", data=data, headers=EN)
    assert response.status_code == 302
    db.session.refresh(fair)
    assert fair.ice_ny_usd_mt == D("8512.5") and fair.pen_per_usd == D("3.76")
    assert fair.market_references.quote("ice_ny").quoted_on == date(2026, 12, 1)


def test_matcher_compares_ceilings_with_the_indicative_price(lots, fair):
    from matchmaker.services.matching.supply import lot_price_for_ceiling

    references = market_references(today=date.today())
    differential = _differential(lots, price_premium_kind="organic",
                                 price_premium_usd_mt=D("300"))
    assert lot_price_for_ceiling(differential, references) == ("indicative", D("9400"))
    # Without a reference a differential has no figure to compare with a ceiling.
    assert lot_price_for_ceiling(differential) == ("differential", None)
    fixed = lots.make(price_usd_per_mt=D("8200"))
    assert lot_price_for_ceiling(fixed) == ("fixed", D("8200"))


def test_cards_show_soles_where_the_page_does(client, lots, fair, login_as):
    lots.make(price_usd_per_mt=D("8200"))
    spanish = client.get("/lots/", headers=ES).get_data(as_text=True)
    assert "≈ S/ 30,71 / kg" in spanish
    assert "S/ " not in client.get("/lots/", headers=EN).get_data(as_text=True)
    peruvian = make_user("buyer")
    peruvian.buyer_profile.country = "PE"
    peruvian.locale = "en"
    db.session.commit()
    login_as(peruvian)
    assert "≈ S/ 30.71 / kg" in client.get("/lots/", headers=EN).get_data(as_text=True)
