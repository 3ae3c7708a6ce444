"""In-app notices and each user's choice of which notifications arrive, and how."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import Base, UTCDateTime, utcnow


class NoticeKind(enum.StrEnum):
    """What a notification is about; users switch each kind on or off per channel."""

    MEETING_REQUESTED = "meeting_requested"
    MEETING_ACCEPTED = "meeting_accepted"
    MEETING_DECLINED = "meeting_declined"
    MEETING_RESCHEDULED = "meeting_rescheduled"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_EXPIRING = "meeting_expiring"
    SCHEDULE_PUBLISHED = "schedule_published"
    MEETING_REMINDER = "meeting_reminder"
    BADGE_SCAN = "badge_scan"
    GENERAL = "general"


class Notice(Base):
    """One in-app message to one user; dedupe_key makes a repeated send (a reminder run twice)
    a no-op, enforced by a unique index."""

    __tablename__ = "notice"
    __table_args__ = (
        UniqueConstraint("dedupe_key"),
        Index("ix_notice_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40), default=NoticeKind.GENERAL)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(255), default="")
    # Whether the in-app copy is shown; False when the user only wants e-mail of this kind,
    # so the row still guards deduplication.
    is_visible: Mapped[bool] = mapped_column(Boolean, default=True)
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPreference(Base):
    """A user's choice for one kind; without a row, the kind's default applies."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    in_app: Mapped[bool] = mapped_column(Boolean, default=True)
