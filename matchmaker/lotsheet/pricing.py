"""Lot prices as the cacao trade quotes them: fixed, or a differential to a futures market.

A fixed price is USD per metric tonne. A differential is "± USD/MT over ICE New York" (or
ICE London, or another named reference) for a contract month; the buyer fixes the futures
part later, so a differential has no absolute price of its own. Either kind may carry a
premium (organic, Fairtrade, …) stated apart from the base.

To sort or cap prices across kinds the code uses an *indicative* price: a fixed price as it
is, a differential plus a reference price that the fair's organiser entered with its date.
It is never shown without that reference and its date, and never called "the price".

Pure: plain data in, plain data out, no Flask. Labels are marked with `N_`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from matchmaker.lotsheet import Problem
from matchmaker.lotsheet.vocab import N_

FIXED = "fixed"
DIFFERENTIAL = "differential"

ICE_NEW_YORK = "ice_ny"
ICE_LONDON = "ice_london"
OTHER_MARKET = "other"

# Sensible domain bounds, wide enough for any cacao market since 1980 (ICE NY peaked near
# USD 12,000/MT in 2024) and tight enough to catch a price typed per kg or per quintal.
FIXED_USD_MT_MIN, FIXED_USD_MT_MAX = Decimal(500), Decimal(40000)
DIFFERENTIAL_USD_MT_MIN, DIFFERENTIAL_USD_MT_MAX = Decimal(-5000), Decimal(15000)
PREMIUM_USD_MT_MIN, PREMIUM_USD_MT_MAX = Decimal(0), Decimal(10000)
REFERENCE_USD_MT_MIN, REFERENCE_USD_MT_MAX = Decimal(500), Decimal(40000)
REFERENCE_GBP_T_MIN, REFERENCE_GBP_T_MAX = Decimal(400), Decimal(30000)
# US dollars per pound sterling: 1.03–2.11 since 1980; the bounds catch an inverted rate.
USD_PER_GBP_MIN, USD_PER_GBP_MAX = Decimal("0.8"), Decimal("2.5")
# Soles per US dollar: 2.6–4.1 over the last thirty years; the bounds catch an inverted rate.
PEN_PER_USD_MIN, PEN_PER_USD_MAX = Decimal(1), Decimal(10)


@dataclass(frozen=True)
class LotPrice:
    """What the seller stated; a differential keeps its sign (a discount is negative)."""

    basis: str
    fixed_usd_mt: Decimal | None = None
    differential_usd_mt: Decimal | None = None
    market: str = ""
    market_other: str = ""  # the other market's name, in Spanish (or the only language)
    contract_month: str = ""  # in Spanish (or the only language typed)
    premium_usd_mt: Decimal | None = None
    premium_kind: str = ""
    market_other_en: str = ""
    contract_month_en: str = ""

    @property
    def is_differential(self) -> bool:
        return self.basis == DIFFERENTIAL

    @property
    def is_stated(self) -> bool:
        """True when the seller gave a figure for the basis they chose."""
        if self.is_differential:
            return self.differential_usd_mt is not None and bool(self.market)
        return self.fixed_usd_mt is not None

    @property
    def premium(self) -> Decimal:
        return self.premium_usd_mt or Decimal(0)


@dataclass(frozen=True)
class GbpConversion:
    """How a GBP reference became USD: the price in GBP/t and the rate, each with its day."""

    gbp_t: Decimal
    usd_per_gbp: Decimal
    rate_on: date


@dataclass(frozen=True)
class MarketQuote:
    """A reference price the organiser entered: the market's level in USD/MT on a day.

    `converted` is set when the market quotes in pounds (ICE London): `usd_mt` is then the
    GBP price times the organiser's dated GBP→USD rate, itself an indicative figure."""

    market: str
    usd_mt: Decimal
    quoted_on: date
    converted: GbpConversion | None = None


def london_quote(gbp_t: Decimal | None, quoted_on: date | None, usd_per_gbp: Decimal | None,
                 rate_on: date | None) -> MarketQuote | None:
    """ICE London's reference in USD/MT from its GBP/t price and a GBP→USD rate, each dated;
    None unless all four are known. Rounded half up to the cent (1 t = 1 MT)."""
    if None in (gbp_t, quoted_on, usd_per_gbp, rate_on):
        return None
    usd = (Decimal(gbp_t) * Decimal(usd_per_gbp)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return MarketQuote(ICE_LONDON, usd, quoted_on,
                       GbpConversion(Decimal(gbp_t), Decimal(usd_per_gbp), rate_on))


@dataclass(frozen=True)
class MarketReferences:
    """The reference prices and exchange rate in force for an event; any may be missing."""

    quotes: tuple[MarketQuote, ...] = ()
    pen_per_usd: Decimal | None = None
    pen_rate_on: date | None = None

    def quote(self, market: str) -> MarketQuote | None:
        return next((q for q in self.quotes if q.market == market), None)

    @property
    def has_exchange_rate(self) -> bool:
        return self.pen_per_usd is not None and self.pen_rate_on is not None

    @property
    def version(self) -> tuple:
        """A hashable stamp: pages computed from these references are stale when it changes."""
        return (tuple((q.market, str(q.usd_mt), q.quoted_on.isoformat(), repr(q.converted))
                      for q in self.quotes),
                str(self.pen_per_usd), self.pen_rate_on.isoformat() if self.pen_rate_on else "")


NO_REFERENCES = MarketReferences()


@dataclass(frozen=True)
class IndicativePrice:
    """A price to compare lots by. `quote` is None for a fixed price (exact, not indicative)."""

    usd_mt: Decimal
    quote: MarketQuote | None

    @property
    def is_indicative(self) -> bool:
        return self.quote is not None

    @property
    def usd_kg(self) -> Decimal:
        return self.usd_mt / 1000


def indicative_price(price: LotPrice, references: MarketReferences = NO_REFERENCES
                     ) -> IndicativePrice | None:
    """Fixed + premium as it is; differential + premium + the market's reference price.

    None when no figure was stated, or a differential's market has no reference price
    (always for "other" markets: the organiser cannot quote every local reference).
    """
    if not price.is_stated:
        return None
    if not price.is_differential:
        return IndicativePrice(price.fixed_usd_mt + price.premium, None)
    quote = references.quote(price.market) if price.market != OTHER_MARKET else None
    if quote is None:
        return None
    return IndicativePrice(quote.usd_mt + price.differential_usd_mt + price.premium, quote)


def usd_to_pen(usd: Decimal, pen_per_usd: Decimal) -> Decimal:
    """A USD amount in soles at the given rate (exact)."""
    return usd * pen_per_usd


def check_price(price: LotPrice) -> list[Problem]:
    """What is wrong with a stated price, field by field (form field names)."""
    problems: list[Problem] = []
    if price.basis == FIXED:
        if price.fixed_usd_mt is not None and not (
                FIXED_USD_MT_MIN <= price.fixed_usd_mt <= FIXED_USD_MT_MAX):
            problems.append(Problem(
                "price_out_of_range",
                N_("A price per metric tonne lies between %(low)s and %(high)s USD; check it "
                   "is not per kg or per quintal."),
                field="price_usd_per_mt", params={"low": "500", "high": "40,000"}))
    elif price.basis == DIFFERENTIAL:
        if not price.market:
            problems.append(Problem("market_required",
                                    N_("Choose the market the differential is quoted against."),
                                    field="price_market"))
        if price.market == OTHER_MARKET and not (price.market_other.strip()
                                                 or price.market_other_en.strip()):
            problems.append(Problem("market_other_required",
                                    N_("Name the reference the differential is quoted against."),
                                    field="price_market_other_es"))
        if price.market in (ICE_NEW_YORK, ICE_LONDON) and not (
                price.contract_month.strip() or price.contract_month_en.strip()):
            problems.append(Problem("contract_month_required",
                                    N_("Name the futures contract month, e.g. March 2027."),
                                    field="ice_contract_month_es"))
        if price.differential_usd_mt is not None and not (
                DIFFERENTIAL_USD_MT_MIN <= price.differential_usd_mt <= DIFFERENTIAL_USD_MT_MAX):
            problems.append(Problem(
                "differential_out_of_range",
                N_("A differential lies between %(low)s and %(high)s USD per metric tonne."),
                field="price_differential_usd_mt", params={"low": "-5,000", "high": "+15,000"}))
    if price.premium_usd_mt is not None:
        if not PREMIUM_USD_MT_MIN <= price.premium_usd_mt <= PREMIUM_USD_MT_MAX:
            problems.append(Problem(
                "premium_out_of_range",
                N_("A premium lies between %(low)s and %(high)s USD per metric tonne."),
                field="price_premium_usd_mt", params={"low": "0", "high": "10,000"}))
        elif not price.premium_kind:
            problems.append(Problem("premium_kind_required", N_("Say what the premium is for."),
                                    field="price_premium_kind"))
    return problems
