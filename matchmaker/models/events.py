"""Events (fairs) and the organisations exhibiting at them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.accounts import Organisation
from matchmaker.models.base import Base, UTCDateTime, utcnow


class Event(Base):
    """A fair or business roundtable, such as ExpoAmazónica."""

    __tablename__ = "event"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_in_order"),)

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exhibitors: Mapped[list[Exhibitor]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Exhibitor.booth"
    )

    def description(self, locale: str) -> str:
        """The description in the visitor's language, falling back to the other one."""
        preferred = self.description_en if locale == "en" else self.description_es
        return preferred or self.description_es or self.description_en

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
