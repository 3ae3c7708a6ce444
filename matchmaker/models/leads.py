"""Leads: one per (event, organisation, buyer), whatever brought them, with sources and consent."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.accounts import Organisation, User
from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.events import Event
from matchmaker.models.lots import Lot


class LeadSourceKind(enum.StrEnum):
    """How the buyer and the organisation came into contact."""

    LOT_SCAN = "lot_scan"
    OFFER_SCAN = "offer_scan"
    BOOTH_SCAN = "booth_scan"
    BADGE_SCAN = "badge_scan"
    MEETING_REQUEST = "meeting_request"
    SAMPLE_REQUEST = "sample_request"
    INTEREST = "interest"


class LeadRating(enum.StrEnum):
    """The rep's judgement of a lead."""

    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


class Lead(Base):
    """A buyer's contact with one organisation at one event, rated and annotated by its reps."""

    __tablename__ = "lead"
    __table_args__ = (
        UniqueConstraint("event_id", "organisation_id", "buyer_id"),
        CheckConstraint("rating IS NULL OR rating IN ('hot', 'warm', 'cold')", name="rating"),
        CheckConstraint("last_contact_at >= first_contact_at", name="contacts_in_order"),
        Index("ix_lead_org_last_contact", "organisation_id", "last_contact_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    rating: Mapped[str | None] = mapped_column(String(10))
    tags: Mapped[str] = mapped_column(String(255), default="")  # comma-separated, lower-case
    notes: Mapped[str] = mapped_column(Text, default="")
    follow_up_action: Mapped[str] = mapped_column(String(255), default="")
    follow_up_due: Mapped[date | None] = mapped_column(Date)
    first_contact_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_contact_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation] = relationship()
    buyer: Mapped[User] = relationship()
    sources: Mapped[list[LeadSource]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", order_by="LeadSource.at"
    )
    lots: Mapped[list[Lot]] = relationship(secondary="lead_lot", order_by="Lot.lot_code")

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]

    def __repr__(self) -> str:
        return f"<Lead event={self.event_id} org={self.organisation_id} buyer={self.buyer_id}>"


class LeadSource(Base):
    """One contact that created or refreshed a lead: the lead's history.

    client_key is the idempotency key a phone sends with an (offline-queued) badge scan, so a
    scan re-sent after a lost response is recognised instead of counted twice.
    """

    __tablename__ = "lead_source"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('lot_scan', 'offer_scan', 'booth_scan', 'badge_scan', 'meeting_request',"
            " 'sample_request', 'interest')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id", ondelete="SET NULL"))
    by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    lead: Mapped[Lead] = relationship(back_populates="sources")
    lot: Mapped[Lot | None] = relationship()
    by_user: Mapped[User | None] = relationship()


class LeadLot(Base):
    """A lot the buyer showed interest in, on one lead."""

    __tablename__ = "lead_lot"

    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id", ondelete="CASCADE"), primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), primary_key=True)


class ContactConsent(Base):
    """A buyer's decision to share (or not) e-mail and phone with one organisation.

    Overrides BuyerProfile.share_contact_default for that organisation.
    """

    __tablename__ = "contact_consent"
    __table_args__ = (UniqueConstraint("buyer_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    shares: Mapped[bool] = mapped_column(Boolean)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
