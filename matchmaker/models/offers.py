"""Consolidated offers: a cooperative pools several organisations' lots into one export volume.

Kilograms of an approved offer line are not available to any other offer; the availability
rule (lot volume minus every approved line of every non-withdrawn offer; pending requests
hold nothing until the owner approves) lives in `matchmaker.services.offers.availability`,
which locks the lot row before re-checking.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.accounts import Organisation, User
from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.lots import Lot


class OfferStatus(enum.StrEnum):
    """Life cycle of an offer; only a withdrawn offer releases its kilograms."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUSPENDED = "suspended"  # a lot in it was withdrawn; the cooperative must fix it
    WITHDRAWN = "withdrawn"


class LineApproval(enum.StrEnum):
    """The lot owner's consent to the lot's inclusion."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class ConsolidatedOffer(Base):
    """One export-sized offer made of several lots, under a cooperative's contract."""

    __tablename__ = "consolidated_offer"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'suspended', 'withdrawn')",
                        name="status"),
        CheckConstraint("target_volume_kg > 0", name="target_positive"),
        CheckConstraint("price_usd_per_mt IS NULL OR price_usd_per_mt >= 0",
                        name="price_non_negative"),
        CheckConstraint("declared_grade IS NULL OR declared_grade IN ('I', 'II', 'SS')",
                        name="declared_grade"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_code: Mapped[str] = mapped_column(String(40), unique=True)
    cooperative_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name_es: Mapped[str] = mapped_column(String(160), default="")
    name_en: Mapped[str] = mapped_column(String(160), default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    target_volume_kg: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    incoterm: Mapped[str] = mapped_column(String(3), default="FCA")
    incoterm_place: Mapped[str] = mapped_column(String(120), default="")
    price_usd_per_mt: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    price_valid_until: Mapped[date | None] = mapped_column(Date)
    exporter_of_record: Mapped[str] = mapped_column(String(160), default="")
    certificate_holder: Mapped[str] = mapped_column(String(160), default="")
    status: Mapped[str] = mapped_column(String(12), default=OfferStatus.DRAFT, index=True)
    suspended_reason: Mapped[str] = mapped_column(String(255), default="")
    # Legacy opaque token of sheets printed before offers had QrTokens (/offers/q/<token>
    # still redirects to the counted /q/ URL); new sheets print the offer's QrToken.
    qr_token: Mapped[str] = mapped_column(String(32), unique=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The ISO grade the cooperative promises buyers (chosen on the form, or the blend's grade
    # when first published); a later blend below it is flagged, never silently re-graded.
    declared_grade: Mapped[str | None] = mapped_column(String(2))
    # When a lot's quality figures last changed while buyers could read the offer.
    quality_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    cooperative: Mapped[Organisation] = relationship()
    lines: Mapped[list[OfferLot]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferLot.id"
    )

    @property
    def approved_lines(self) -> list[OfferLot]:
        return [line for line in self.lines if line.approval == LineApproval.APPROVED]

    @property
    def approved_kg(self) -> Decimal:
        """The volume actually on offer: only lines the lot owners approved count."""
        return sum((line.kg for line in self.approved_lines), Decimal(0))

    @property
    def is_public(self) -> bool:
        return self.status == OfferStatus.PUBLISHED

    def name(self, locale: str) -> str:
        preferred = self.name_en if locale == "en" else self.name_es
        return preferred or self.name_es or self.name_en or self.offer_code

    def __repr__(self) -> str:
        return f"<ConsolidatedOffer {self.offer_code} {self.status}>"


class OfferLot(Base):
    """How many kg of one lot go into one offer, and whether the lot's owner agreed."""

    __tablename__ = "offer_lot"
    __table_args__ = (
        UniqueConstraint("offer_id", "lot_id"),
        CheckConstraint("kg > 0", name="kg_positive"),
        CheckConstraint("approval IN ('pending', 'approved', 'declined')", name="approval"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(
        ForeignKey("consolidated_offer.id", ondelete="CASCADE"), index=True
    )
    # RESTRICT: a lot promised in an offer cannot silently vanish from it.
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="RESTRICT"), index=True)
    kg: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    approval: Mapped[str] = mapped_column(String(10), default=LineApproval.PENDING, index=True)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lot's material figures (services.offers.material) as this offer last saw them,
    # JSON; "" until the line is published. A lot edit is compared with it.
    figures: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    offer: Mapped[ConsolidatedOffer] = relationship(back_populates="lines")
    lot: Mapped[Lot] = relationship()
    approved_by: Mapped[User | None] = relationship()
    changes: Mapped[list[OfferLotChange]] = relationship(
        back_populates="line", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OfferLotChange.id"
    )

    def __repr__(self) -> str:
        return f"<OfferLot offer={self.offer_id} lot={self.lot_id} {self.kg} kg {self.approval}>"


class OfferLotChange(Base):
    """One material figure of a lot that changed while an offer held it (published or
    suspended): shown to the cooperative until it marks the change reviewed."""

    __tablename__ = "offer_lot_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(
        ForeignKey("offer_lot.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(60))  # a key of material.FIELDS
    old_value: Mapped[str] = mapped_column(String(255), default="")
    new_value: Mapped[str] = mapped_column(String(255), default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    line: Mapped[OfferLot] = relationship(back_populates="changes")


class OfferRequestKind(enum.StrEnum):
    """What a buyer asked for about an offer or a suggested consolidation."""

    SAMPLE = "sample"
    CONSOLIDATION = "consolidation"


class OfferRequest(Base):
    """A buyer's sample request about an offer, or a request to talk about a suggested set."""

    __tablename__ = "offer_request"
    __table_args__ = (
        CheckConstraint("kind IN ('sample', 'consolidation')", name="kind"),
        CheckConstraint("kind <> 'sample' OR offer_id IS NOT NULL", name="sample_has_offer"),
        CheckConstraint("wanted_kg IS NULL OR wanted_kg > 0", name="wanted_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("consolidated_offer.id", ondelete="CASCADE"), index=True
    )
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    wanted_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # For a consolidation: "lot_code:kg" pairs, comma-separated, as suggested to the buyer.
    lots_summary: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(String(20), default="")  # cooperative / associations
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    offer: Mapped[ConsolidatedOffer | None] = relationship()
    buyer: Mapped[User] = relationship()
