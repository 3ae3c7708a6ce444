"""Buyers' actions on a lot: "I'm interested" and sample requests (later turned into leads)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.accounts import User
from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.lots import Lot


class InterestKind(enum.StrEnum):
    """What the buyer asked for."""

    INTERESTED = "interested"
    SAMPLE_REQUEST = "sample_request"


class LotInterest(Base):
    """One buyer action on one lot; "interested" is unique per buyer and lot, samples repeat."""

    __tablename__ = "lot_interest"
    __table_args__ = (
        CheckConstraint("kind IN ('interested', 'sample_request')", name="kind"),
        CheckConstraint("sample_grams IS NULL OR sample_grams > 0", name="sample_grams_positive"),
        # A partial unique index: a buyer may ask for several samples but is interested once.
        Index(
            "uq_lot_interest_interested", "lot_id", "buyer_id", unique=True,
            sqlite_where=text("kind = 'interested'"),
            postgresql_where=text("kind = 'interested'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    sample_grams: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lot: Mapped[Lot] = relationship()
    buyer: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<LotInterest {self.kind} lot={self.lot_id} buyer={self.buyer_id}>"
