"""Roundtable scheduling: who wants to meet whom, scheduler runs and their draft timetables.

A `Wish` is one side's rating of the other (a buyer rates an exhibiting organisation, an
organisation's rep rates a buyer). A `ScheduleRun` is one execution of the scheduler for an
event; its result is a set of `DraftMeeting` rows that the organiser reviews and adjusts
before publishing them into real `Meeting` rows.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.accounts import Organisation, User
from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.events import Event
from matchmaker.models.jobs import LeasedJob
from matchmaker.models.meetings import Meeting, MeetingTable, Slot


class WishLevel(enum.StrEnum):
    """How much one side wants to meet the other."""

    MUST = "must"
    LIKE = "like"
    NO = "no"


class WishDirection(enum.StrEnum):
    """Who expressed the wish: the buyer about the organisation, or the organisation about the buyer."""

    BUYER = "buyer"
    ORGANISATION = "organisation"


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class Wish(Base):
    """One side's rating of a possible meeting at an event."""

    __tablename__ = "roundtable_wish"
    __table_args__ = (
        UniqueConstraint("event_id", "buyer_id", "organisation_id", "direction"),
        CheckConstraint("level IN ('must', 'like', 'no')", name="level"),
        CheckConstraint("direction IN ('buyer', 'organisation')", name="direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(12))
    level: Mapped[str] = mapped_column(String(8))
    # The rep who rated for the organisation (or the buyer); kept for the audit trail.
    set_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ScheduleRun(LeasedJob, Base):
    """One execution of the scheduler for an event, with its progress and quality report."""

    __tablename__ = "roundtable_run"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="status"
        ),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
        CheckConstraint("time_limit_s BETWEEN 1 AND 600", name="time_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default=RunStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    phase: Mapped[str] = mapped_column(String(20), default="")
    message: Mapped[str] = mapped_column(String(255), default="")
    time_limit_s: Mapped[int] = mapped_column(Integer, default=10)
    # The organiser asked that every wished meeting be placed (or proven not to fit).
    must_place_all: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Set by the cancel button; the worker (in whichever process runs it) checks it.
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    # The run whose pinned meetings this one kept (a re-run), if any.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("roundtable_run.id", ondelete="SET NULL")
    )
    report_json: Mapped[str] = mapped_column(Text, default="")
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship()
    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    drafts: Mapped[list[DraftMeeting]] = relationship(
        back_populates="run", cascade="all, delete-orphan", order_by="DraftMeeting.id"
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def has_result(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.CANCELLED) and bool(self.report_json)


class DraftSource(enum.StrEnum):
    WISH = "wish"  # proposed by the scheduler or added by hand
    EXISTING = "existing"  # a booking or walk-in that already holds its slot


class DraftMeeting(Base):
    """A meeting of a run's timetable, not yet visible to participants."""

    __tablename__ = "roundtable_draft"
    # One pair meets once per run: enforced by the conflict checker, not an index, because a
    # pair may already hold two existing meetings (a booking and a walk-in).
    __table_args__ = (CheckConstraint("source IN ('wish', 'existing')", name="source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("roundtable_run.id", ondelete="CASCADE"), index=True
    )
    buyer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="CASCADE"))
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_table.id", ondelete="SET NULL")
    )
    weight: Mapped[int] = mapped_column(Integer, default=0)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10), default=DraftSource.WISH)
    # For source 'existing': the meeting it stands for (kept as it is on publish).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL")
    )

    run: Mapped[ScheduleRun] = relationship(back_populates="drafts")
    buyer: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()
    slot: Mapped[Slot] = relationship()
    table: Mapped[MeetingTable | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()

    @property
    def is_existing(self) -> bool:
        return self.source == DraftSource.EXISTING
