"""Participant imports: the column mapping an organiser chose for an event's registration sheet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, UTCDateTime, utcnow


class ImportMapping(Base):
    """Which spreadsheet column feeds which field, remembered per event and kind of import."""

    __tablename__ = "import_mapping"
    __table_args__ = (
        UniqueConstraint("event_id", "kind"),
        CheckConstraint("kind IN ('exhibitors', 'buyers')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    # JSON object: field code → column header as it appears in the file.
    columns_json: Mapped[str] = mapped_column(Text, default="{}")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
