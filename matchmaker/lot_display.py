"""How the lot sheet's values read, in the visitor's language: labels, numbers, prices.

The web page, the printable sheet, the compare table, the catalogue card and the PDF all
say a price through `price_text`, so a differential never reads as an absolute price
anywhere. Needs a Flask-Babel context (request or `force_locale`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.labels import label, number
from matchmaker.lotsheet.pricing import (
    NO_REFERENCES,
    OTHER_MARKET,
    IndicativePrice,
    LotPrice,
    MarketReferences,
    indicative_price,
)

CERT_STATE_LABELS = {
    "valid": _l("Valid"), "expired": _l("Expired"), "suspended": _l("Suspended"),
    "in_conversion": _l("In conversion"), "not_yet_valid": _l("Not yet valid"),
}


def signed(value: Decimal, places: int = 0) -> str:
    """A differential with its sign always shown: +650, −120."""
    text = number(abs(value), places)
    return ("−" if value < 0 else "+") + text


def usd_mt(value: Decimal) -> str:
    return _("USD %(amount)s / MT", amount=number(value, 2))


def usd_kg(value: Decimal) -> str:
    return _("USD %(amount)s / kg", amount=number(value, 2))


def _reader_locale() -> str:
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "es"


def market_name(price: LotPrice) -> str:
    if price.market == OTHER_MARKET:
        typed = str(pick_language(price.market_other, price.market_other_en, _reader_locale()))
        return typed or label("price_market", OTHER_MARKET)
    return label("price_market", price.market)


def contract_month(price: LotPrice) -> str:
    """The contract month in the reader's language, or marked as typed in the other one."""
    return str(pick_language(price.contract_month, price.contract_month_en, _reader_locale()))


def reference_text(quote) -> str:
    """"ICE New York USD 8,450 / MT on 30 Nov 2026"; for ICE London the GBP price and the
    GBP→USD rate, each with its own date."""
    market = label("price_market", quote.market)
    if quote.converted is None:
        return _("%(market)s at USD %(reference)s / MT on %(date)s", market=market,
                 reference=number(quote.usd_mt, 0), date=format_date(quote.quoted_on))
    conversion = quote.converted
    return _("%(market)s at GBP %(gbp)s / t on %(date)s × USD %(rate)s per GBP on "
             "%(rate_date)s = USD %(reference)s / MT", market=market,
             gbp=number(conversion.gbp_t, 0), date=format_date(quote.quoted_on),
             rate=number(conversion.usd_per_gbp, 4), rate_date=format_date(conversion.rate_on),
             reference=number(quote.usd_mt, 0))


@dataclass(frozen=True)
class PriceText:
    """A lot's price as lines to show, first line first; empty strings are left out."""

    stated: str  # what the seller stated: fixed per MT and kg, or the differential
    premium: str  # "+ Organic premium USD 300.00 / MT" or ""
    indicative: str  # for a differential: the indicative price with its reference and date
    soles: str  # the price in soles with the rate and its date, or ""
    basis: str  # "Fixed price" / "Differential to a futures market"
    indicative_price: IndicativePrice | None

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.stated, self.premium, self.indicative, self.soles) if line]

    @property
    def short(self) -> str:
        """One line for a catalogue card: the stated price, with its premium."""
        return " ".join(x for x in (self.stated_short, self.premium_short) if x)

    stated_short: str = ""
    premium_short: str = ""
    soles_short: str = ""  # "≈ S/ 36.50 / kg" for a catalogue card, or ""


def price_text(price: LotPrice, references: MarketReferences = NO_REFERENCES, *,
               show_soles: bool = False) -> PriceText:
    """What every page says about a lot's price. `show_soles` adds the price in PEN when
    the organiser entered an exchange rate (never a built-in one)."""
    indicative = indicative_price(price, references)
    basis = label("price_basis", price.basis)
    if not price.is_stated:
        on_request = _("On request")
        return PriceText(on_request, "", "", "", basis, None, stated_short=on_request)
    if price.is_differential:
        market = market_name(price)
        month_text = contract_month(price)
        month = f" {month_text}" if month_text else ""
        stated = _("%(market)s%(month)s %(differential)s USD / MT (differential)",
                   market=market, month=month, differential=signed(price.differential_usd_mt, 2))
        stated_short = _("%(market)s %(differential)s / MT", market=market,
                         differential=signed(price.differential_usd_mt, 0))
    else:
        stated = f"{usd_mt(price.fixed_usd_mt)} · {usd_kg(price.fixed_usd_mt / 1000)}"
        stated_short = _("USD %(amount)s / MT", amount=number(price.fixed_usd_mt, 0))
    premium = premium_short = ""
    if price.premium_usd_mt:
        premium = _("+ %(kind)s %(amount)s", kind=label("price_premium", price.premium_kind),
                    amount=usd_mt(price.premium_usd_mt))
        premium_short = _("+ %(amount)s premium", amount=number(price.premium_usd_mt, 0))
    indicative_line = ""
    if price.is_differential:
        if indicative is not None:
            quote = indicative.quote
            indicative_line = _(
                "Indicative %(price)s (%(kg)s), with %(reference)s",
                price=usd_mt(indicative.usd_mt), kg=usd_kg(indicative.usd_kg),
                reference=reference_text(quote))
        else:
            indicative_line = _("No indicative price: no reference price for %(market)s was "
                                "entered for this fair.", market=market_name(price))
    soles = soles_short = ""
    if show_soles and references.has_exchange_rate and indicative is not None:
        pen_kg = indicative.usd_kg * references.pen_per_usd
        figures = {"pen": number(pen_kg, 2), "rate": number(references.pen_per_usd, 3),
                   "date": format_date(references.pen_rate_on)}
        soles_short = _("≈ S/ %(pen)s / kg", pen=figures["pen"])
        soles = (_("≈ S/ %(pen)s / kg indicative, at S/ %(rate)s per USD (%(date)s)", **figures)
                 if indicative.is_indicative else
                 _("≈ S/ %(pen)s / kg at S/ %(rate)s per USD (%(date)s)", **figures))
    return PriceText(stated, premium, indicative_line, soles, basis, indicative,
                     stated_short=stated_short, premium_short=premium_short,
                     soles_short=soles_short)


@dataclass(frozen=True)
class LocalizedText:
    """Seller-typed text in the reader's language or, marked, in the other one."""

    text: str
    lang: str  # the language the text is in: "es" or "en"
    note: str  # "in Spanish" when it is not the reader's language, else ""

    def __str__(self) -> str:
        return f"{self.text} ({self.note})" if self.note else self.text


def pick_language(text_es: str, text_en: str, locale: str) -> LocalizedText:
    """The text in `locale`, else the other language's text marked "(in Spanish)"."""
    locale = "en" if locale == "en" else "es"
    texts = {"es": (text_es or "").strip(), "en": (text_en or "").strip()}
    if texts[locale]:
        return LocalizedText(texts[locale], locale, "")
    other = "es" if locale == "en" else "en"
    if not texts[other]:
        return LocalizedText("", locale, "")
    return LocalizedText(texts[other], other,
                         _("in Spanish") if other == "es" else _("in English"))


def localized_text(obj, name: str, locale: str) -> LocalizedText:
    """`obj.<name>_<locale>`, else the other language's value marked "(in Spanish)"."""
    return pick_language(getattr(obj, f"{name}_es", "") or "",
                         getattr(obj, f"{name}_en", "") or "", locale)


def is_web_link(url: str | None) -> bool:
    """True for an http(s) address: only those become links (never javascript: and the like)."""
    return bool(url) and url.lower().startswith(("https://", "http://"))
