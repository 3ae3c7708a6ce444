"""What fairs produce beyond bookings: buyers checked in, and the outcome of each meeting."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from matchmaker.models.lots import Lot
    from matchmaker.models.meetings import Meeting


class DealValueRange(enum.StrEnum):
    """Deal value ranges in USD; ranges, not amounts, because that is what people share."""

    UNDER_5K = "lt_5k"
    FROM_5K = "5k_25k"
    FROM_25K = "25k_100k"
    OVER_100K = "gt_100k"


class VolumeRange(enum.StrEnum):
    """Volume discussed, in metric tonnes."""

    UNDER_1 = "lt_1"
    FROM_1 = "1_5"
    FROM_5 = "5_20"
    OVER_20 = "gt_20"


class InterestLevel(enum.StrEnum):
    """How keen the buyer was, as the person recording the outcome judged it."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"


class CheckIn(Base):
    """A buyer's arrival at an event, recorded once, by an organiser at the entrance."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("event_id", "buyer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )


class MeetingOutcome(Base):
    """What a meeting produced, recorded by either side; one row per meeting, last edit wins."""

    __tablename__ = "meeting_outcome"
    __table_args__ = (
        CheckConstraint("interest_level IN ('high', 'medium', 'low', 'none')",
                        name="interest_level"),
        CheckConstraint("deal_value_range IS NULL OR deal_value_range IN "
                        "('lt_5k', '5k_25k', '25k_100k', 'gt_100k')", name="deal_value_range"),
        CheckConstraint("volume_range IS NULL OR volume_range IN ('lt_1', '1_5', '5_20', 'gt_20')",
                        name="volume_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    interest_level: Mapped[str] = mapped_column(String(10), default=InterestLevel.MEDIUM)
    samples_requested: Mapped[bool] = mapped_column(default=False)
    volume_range: Mapped[str | None] = mapped_column(String(10))
    price_discussed: Mapped[str] = mapped_column(String(120), default="")
    next_step: Mapped[str] = mapped_column(String(255), default="")
    next_step_due: Mapped[date | None] = mapped_column(Date)
    deal_value_range: Mapped[str | None] = mapped_column(String(10))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    lots: Mapped[list[Lot]] = relationship(secondary=lambda: outcome_lot, order_by="Lot.lot_code")


outcome_lot = Table(
    "outcome_lot",
    Base.metadata,
    Column("outcome_id", ForeignKey("meeting_outcome.id", ondelete="CASCADE"), primary_key=True),
    Column("lot_id", ForeignKey("lot.id", ondelete="CASCADE"), primary_key=True),
)
