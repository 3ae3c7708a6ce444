"""Events (fairs) and the organisations exhibiting at them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.lotsheet.pricing import (
    ICE_NEW_YORK,
    MarketQuote,
    MarketReferences,
    london_quote,
)
from matchmaker.models.accounts import Organisation
from matchmaker.models.base import Base, UTCDateTime, utcnow


class Event(Base):
    """A fair or business roundtable, such as ExpoAmazónica."""

    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        # A reference price or exchange rate means nothing without the day it was read.
        CheckConstraint("(ice_ny_usd_mt IS NULL) = (ice_ny_on IS NULL)", name="ice_ny_dated"),
        CheckConstraint("(ice_london_gbp_t IS NULL) = (ice_london_on IS NULL)",
                        name="ice_london_dated"),
        CheckConstraint("(usd_per_gbp IS NULL) = (usd_per_gbp_on IS NULL)", name="gbp_rate_dated"),
        CheckConstraint("(pen_per_usd IS NULL) = (pen_per_usd_on IS NULL)", name="pen_rate_dated"),
        CheckConstraint("ice_ny_usd_mt IS NULL OR ice_ny_usd_mt > 0", name="ice_ny_positive"),
        CheckConstraint("ice_london_gbp_t IS NULL OR ice_london_gbp_t > 0",
                        name="ice_london_positive"),
        CheckConstraint("usd_per_gbp IS NULL OR usd_per_gbp > 0", name="gbp_rate_positive"),
        CheckConstraint("pen_per_usd IS NULL OR pen_per_usd > 0", name="pen_rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    city: Mapped[str] = mapped_column(String(80))
    venue: Mapped[str] = mapped_column(String(160), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(64), default="America/Lima")
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(Boolean, default=True)
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Market references the organiser enters for the fair: they turn differential prices
    # into indicative ones (sorting, price ceilings) and USD into soles for Peruvian buyers.
    ice_ny_usd_mt: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    ice_ny_on: Mapped[date | None] = mapped_column(Date)
    # ICE London quotes in pounds per tonne: the GBP figure and a dated GBP→USD rate.
    ice_london_gbp_t: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    ice_london_on: Mapped[date | None] = mapped_column(Date)
    usd_per_gbp: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    usd_per_gbp_on: Mapped[date | None] = mapped_column(Date)
    pen_per_usd: Mapped[Decimal | None] = mapped_column(Numeric(8, 4))
    pen_per_usd_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exhibitors: Mapped[list[Exhibitor]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Exhibitor.booth"
    )

    def description(self, locale: str) -> str:
        """The description in the visitor's language, falling back to the other one."""
        preferred = self.description_en if locale == "en" else self.description_es
        return preferred or self.description_es or self.description_en

    @property
    def market_references(self) -> MarketReferences:
        """The event's reference prices and exchange rate as plain data."""
        new_york = (MarketQuote(ICE_NEW_YORK, self.ice_ny_usd_mt, self.ice_ny_on)
                    if self.ice_ny_usd_mt is not None and self.ice_ny_on is not None else None)
        london = london_quote(self.ice_london_gbp_t, self.ice_london_on, self.usd_per_gbp,
                              self.usd_per_gbp_on)
        quotes = tuple(q for q in (new_york, london) if q is not None)
        return MarketReferences(quotes=quotes, pen_per_usd=self.pen_per_usd,
                                pen_rate_on=self.pen_per_usd_on)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Exhibitor(Base):
    """An organisation's presence at one event, with its booth."""

    __tablename__ = "exhibitor"
    __table_args__ = (
        UniqueConstraint("event_id", "organisation_id"),
        UniqueConstraint("event_id", "booth"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    booth: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="exhibitors")
    organisation: Mapped[Organisation] = relationship()
