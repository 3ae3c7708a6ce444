"""Lot prices on plain data: fixed and differential, premiums, indicative prices, checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from matchmaker.lotsheet import pricing
from matchmaker.lotsheet.pricing import LotPrice, MarketQuote, MarketReferences

D = Decimal
NY = MarketQuote("ice_ny", D("8450"), date(2026, 11, 30))
LONDON = MarketQuote("ice_london", D("7900"), date(2026, 11, 29))
REFS = MarketReferences(quotes=(NY, LONDON), pen_per_usd=D("3.745"), pen_rate_on=date(2026, 11, 30))


def test_fixed_price_is_its_own_indicative_price_plus_premium():
    price = LotPrice("fixed", fixed_usd_mt=D("8200"), premium_usd_mt=D("300"),
                     premium_kind="organic")
    indicative = pricing.indicative_price(price, REFS)
    assert indicative.usd_mt == D("8500") and not indicative.is_indicative
    assert indicative.usd_kg == D("8.5")
    # No reference is needed for a fixed price.
    assert pricing.indicative_price(price).usd_mt == D("8500")


@pytest.mark.parametrize(("market", "differential", "expected"), [
    ("ice_ny", "650", "9100"), ("ice_ny", "-120", "8330"), ("ice_london", "900", "8800"),
])
def test_differential_adds_the_dated_reference(market, differential, expected):
    price = LotPrice("differential", differential_usd_mt=D(differential), market=market,
                     contract_month="March 2027")
    indicative = pricing.indicative_price(price, REFS)
    assert indicative.usd_mt == D(expected) and indicative.is_indicative
    assert indicative.quote.market == market


def test_differential_without_reference_or_other_market_has_no_indicative_price():
    ny = LotPrice("differential", differential_usd_mt=D("650"), market="ice_ny")
    assert pricing.indicative_price(ny) is None
    other = LotPrice("differential", differential_usd_mt=D("650"), market="other",
                     market_other="Bolsa local")
    assert pricing.indicative_price(other, REFS) is None


def test_unstated_prices_have_no_indicative_price():
    assert pricing.indicative_price(LotPrice("fixed"), REFS) is None
    assert pricing.indicative_price(LotPrice("differential", market="ice_ny"), REFS) is None


@pytest.mark.parametrize(("price", "codes"), [
    (LotPrice("fixed", fixed_usd_mt=D("8.2")), ["price_out_of_range"]),  # typed per kg
    (LotPrice("fixed", fixed_usd_mt=D("8200")), []),
    (LotPrice("differential", differential_usd_mt=D("650")), ["market_required"]),
    (LotPrice("differential", differential_usd_mt=D("650"), market="ice_ny"),
     ["contract_month_required"]),
    (LotPrice("differential", differential_usd_mt=D("650"), market="other"),
     ["market_other_required"]),
    (LotPrice("differential", differential_usd_mt=D("-9000"), market="ice_ny",
              contract_month="Mar 27"), ["differential_out_of_range"]),
    (LotPrice("fixed", fixed_usd_mt=D("8200"), premium_usd_mt=D("240")),
     ["premium_kind_required"]),
    (LotPrice("fixed", fixed_usd_mt=D("8200"), premium_usd_mt=D("-1"), premium_kind="organic"),
     ["premium_out_of_range"]),
])
def test_check_price(price, codes):
    assert [p.code for p in pricing.check_price(price)] == codes


def test_references_version_changes_with_any_figure():
    changed = MarketReferences(quotes=(NY,), pen_per_usd=D("3.745"), pen_rate_on=date(2026, 11, 30))
    assert REFS.version != changed.version
    assert REFS.version == MarketReferences(quotes=(NY, LONDON), pen_per_usd=D("3.745"),
                                            pen_rate_on=date(2026, 11, 30)).version
