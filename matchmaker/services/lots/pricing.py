"""Indicative prices in the database and on pages: the event's market references.

The rule itself is `matchmaker.lotsheet.pricing.indicative_price`; `indicative_price_sql`
is the same rule as a SQL expression, so the catalogue sorts and filters by it without
loading every lot. A test keeps the two in step.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, literal, null, select

from matchmaker.lotsheet.pricing import (
    DIFFERENTIAL,
    FIXED,
    ICE_NEW_YORK,
    NO_REFERENCES,
    MarketQuote,
    MarketReferences,
    london_quote,
)
from matchmaker.models import Event, Lot
from matchmaker.services import events


def market_references(event: Event | None = None, *, today: date | None = None
                      ) -> MarketReferences:
    """The references of `event`, else of the current fair; empty when there is none."""
    event = event if event is not None else events.current(today=today)
    return event.market_references if event is not None else NO_REFERENCES


def indicative_price_sql(references: MarketReferences):
    """`Lot.indicative_price_usd_mt(references)` as a SQL expression (NULL when unknown)."""
    premium = case((Lot.price_premium_usd_mt.is_(None), literal(0)),
                   else_=Lot.price_premium_usd_mt)
    whens = [(and_(Lot.price_basis == FIXED, Lot.price_usd_per_mt.is_not(None)),
              Lot.price_usd_per_mt + premium)]
    for quote in references.quotes:
        whens.append((and_(Lot.price_basis == DIFFERENTIAL, Lot.price_market == quote.market,
                           Lot.price_differential_usd_mt.is_not(None)),
                      literal(quote.usd_mt) + Lot.price_differential_usd_mt + premium))
    return case(*whens, else_=null())


_REFERENCE_COLUMNS = ("ice_ny_usd_mt", "ice_ny_on", "ice_london_gbp_t", "ice_london_on",
                      "usd_per_gbp", "usd_per_gbp_on", "pen_per_usd", "pen_per_usd_on")


def current_references_subquery(today: date):
    """The current fair's reference columns as a one-row subquery (same choice as
    `services.events.current`), for pages that fetch them with another row."""
    table = Event.__table__
    upcoming = table.c.ends_on >= today
    return (
        select(*(table.c[name] for name in _REFERENCE_COLUMNS))
        .where(table.c.is_published.is_(True), table.c.is_archived.is_(False))
        .order_by(case((upcoming, 0), else_=1), case((upcoming, table.c.starts_on)),
                  table.c.ends_on.desc())
        .limit(1)
        .subquery("current_references")
    )


def references_from_row(row) -> MarketReferences:
    """MarketReferences from a row holding the columns of `current_references_subquery`."""
    values = {name: getattr(row, name, None) for name in _REFERENCE_COLUMNS}
    new_york = (MarketQuote(ICE_NEW_YORK, values["ice_ny_usd_mt"], values["ice_ny_on"])
                if values["ice_ny_usd_mt"] is not None and values["ice_ny_on"] is not None
                else None)
    london = london_quote(values["ice_london_gbp_t"], values["ice_london_on"],
                          values["usd_per_gbp"], values["usd_per_gbp_on"])
    quotes = tuple(q for q in (new_york, london) if q is not None)
    return MarketReferences(quotes=quotes, pen_per_usd=values["pen_per_usd"],
                            pen_rate_on=values["pen_per_usd_on"])
