"""Meetings: roundtable sessions, their slots and tables, availability, and the meetings.

Booked meetings (a buyer asks an organisation) and roundtable meetings (written by the
scheduler) are the same `Meeting` rows in the same slots and tables. The database refuses a
double booking: partial unique indexes over the *active* statuses hold one meeting per
(slot, buyer), per (slot, table) and per (slot, organisation, seat), where an organisation
has one seat per attending rep; and one over the *open* statuses holds one open meeting per
(event, buyer, organisation), however many slots are booked in parallel.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    literal_column,
    text,
)
from sqlalchemy import event as sa_event
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.base import NO_VALUE

from matchmaker.models.accounts import Organisation, User
from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.events import Event
from matchmaker.models.lots import Lot
from matchmaker.models.offers import ConsolidatedOffer


class MeetingStatus(enum.StrEnum):
    """Where a meeting stands; the first five hold their slot, seat and table."""

    REQUESTED = "requested"  # the buyer asked; the organisation's reps answer
    PROPOSED = "proposed"  # the reps offered another slot; the buyer answers
    ACCEPTED = "accepted"
    HELD = "held"
    NO_SHOW = "no_show"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class MeetingSource(enum.StrEnum):
    """How the meeting came about."""

    BOOKING = "booking"
    ROUNDTABLE = "roundtable"
    WALKIN = "walkin"


ACTIVE_STATUSES = (
    MeetingStatus.REQUESTED, MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED,
    MeetingStatus.HELD, MeetingStatus.NO_SHOW,
)
PENDING_STATUSES = (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED)
_ACTIVE_SQL = "status IN ('requested', 'proposed', 'accepted', 'held', 'no_show')"
# Open: not yet held, ended or refused. A buyer has at most one open meeting per organisation
# and event (later follow-ups after a held meeting stay possible at the database level).
OPEN_STATUSES = (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED)
_OPEN_SQL = "status IN ('requested', 'proposed', 'accepted')"
_STATUS_SQL = (
    "status IN ('requested', 'proposed', 'accepted', 'held', 'no_show', 'declined', "
    "'cancelled', 'expired')"
)


class RoundtableSession(Base):
    """A block of meeting time on one day of an event, cut into equal slots."""

    __tablename__ = "roundtable_session"
    __table_args__ = (
        CheckConstraint("ends_local > starts_local", name="times_in_order"),
        CheckConstraint("meeting_minutes BETWEEN 5 AND 240", name="meeting_minutes"),
        CheckConstraint("changeover_minutes BETWEEN 0 AND 60", name="changeover_minutes"),
        CheckConstraint("table_count BETWEEN 1 AND 500", name="table_count"),
        CheckConstraint("expiry_hours BETWEEN 1 AND 720", name="expiry_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    day: Mapped[date] = mapped_column(Date)
    # Wall-clock times in the event's time zone; slots carry the UTC instants.
    starts_local: Mapped[time] = mapped_column(Time)
    ends_local: Mapped[time] = mapped_column(Time)
    meeting_minutes: Mapped[int] = mapped_column(Integer, default=20)
    changeover_minutes: Mapped[int] = mapped_column(Integer, default=0)
    table_count: Mapped[int] = mapped_column(Integer, default=10)
    # Unanswered requests and proposals expire after this long, freeing the slot.
    expiry_hours: Mapped[int] = mapped_column(Integer, default=24)
    is_bookable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    breaks: Mapped[list[SessionBreak]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionBreak.starts_local"
    )
    slots: Mapped[list[Slot]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Slot.index"
    )
    tables: Mapped[list[MeetingTable]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="MeetingTable.number"
    )

    def __repr__(self) -> str:
        return f"<RoundtableSession {self.id} {self.day} {self.starts_local}-{self.ends_local}>"


class SessionBreak(Base):
    """A pause inside a session (lunch, coffee) in which no slot is cut."""

    __tablename__ = "session_break"
    __table_args__ = (CheckConstraint("ends_local > starts_local", name="times_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("roundtable_session.id", ondelete="CASCADE"), index=True
    )
    starts_local: Mapped[time] = mapped_column(Time)
    ends_local: Mapped[time] = mapped_column(Time)

    session: Mapped[RoundtableSession] = relationship(back_populates="breaks")


class Slot(Base):
    """One meeting time of a session, derived from its set-up and stored so meetings can point at it."""

    __tablename__ = "slot"
    __table_args__ = (
        UniqueConstraint("session_id", "index"),
        CheckConstraint("ends_at > starts_at", name="times_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("roundtable_session.id", ondelete="CASCADE"), index=True
    )
    index: Mapped[int] = mapped_column(Integer)
    # Consecutive slots share a block; a break starts a new one (the scheduler counts
    # idle gaps only inside a block).
    block: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped[RoundtableSession] = relationship(back_populates="slots")

    def __repr__(self) -> str:
        return f"<Slot {self.session_id}#{self.index} {self.starts_at:%Y-%m-%d %H:%M}Z>"


class MeetingTable(Base):
    """A numbered table of a session, with an optional label or video link for remote buyers."""

    __tablename__ = "meeting_table"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("roundtable_session.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(80), default="")
    video_url: Mapped[str] = mapped_column(String(255), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    session: Mapped[RoundtableSession] = relationship(back_populates="tables")

    @property
    def display_name(self) -> str:
        return self.label or str(self.number)


class RepAttendance(Base):
    """A rep who attends an event for their organisation; each one is a seat in every slot."""

    __tablename__ = "rep_attendance"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class Unavailability(Base):
    """A period when a buyer or an organisation cannot meet at an event."""

    __tablename__ = "unavailability"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="times_in_order"),
        CheckConstraint(
            "(user_id IS NULL) <> (organisation_id IS NULL)", name="one_participant"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at


class Meeting(Base):
    """A meeting between one buyer and one organisation in one slot, at one table."""

    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint(_STATUS_SQL, name="status"),
        CheckConstraint("source IN ('booking', 'roundtable', 'walkin')", name="source"),
        CheckConstraint("org_seat >= 1", name="org_seat"),
        Index(
            "uq_meeting_active_slot_buyer", "slot_id", "buyer_id", unique=True,
            sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL),
        ),
        Index(
            "uq_meeting_active_slot_table", "slot_id", "table_id", unique=True,
            sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL),
        ),
        Index(
            "uq_meeting_active_slot_org_seat", "slot_id", "organisation_id", "org_seat",
            unique=True, sqlite_where=text(_ACTIVE_SQL), postgresql_where=text(_ACTIVE_SQL),
        ),
        Index(
            "uq_meeting_open_buyer_org", "event_id", "buyer_id", "organisation_id", unique=True,
            sqlite_where=text(_OPEN_SQL), postgresql_where=text(_OPEN_SQL),
        ),
        # A rep covers one meeting at a time (an organisation with two attending reps holds
        # two meetings in one slot; each says which rep sits at it).
        Index(
            "uq_meeting_active_slot_rep", "slot_id", "rep_id", unique=True,
            sqlite_where=text(f"rep_id IS NOT NULL AND {_ACTIVE_SQL}"),
            postgresql_where=text(f"rep_id IS NOT NULL AND {_ACTIVE_SQL}"),
        ),
        Index("ix_meeting_event_status", "event_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    # RESTRICT: a session with meetings cannot be deleted or re-cut from under them.
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="RESTRICT"), index=True)
    table_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_table.id", ondelete="RESTRICT"), index=True
    )
    buyer_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # Which of the organisation's attending reps (1..k) this meeting occupies.
    org_seat: Mapped[int] = mapped_column(Integer, default=1)
    # The rep who sits at this meeting, when the organisation's reps chose (None: the seat's
    # rep by default, see services/meetings/seats.py). Cleared when the meeting changes slot.
    rep_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The status as last written. Read `status`: a request or proposal whose answer time has
    # passed reads as "expired" from that moment (in Python and in SQL), whether or not the
    # scheduled job (`flask meetings-expire`) has stored it yet. Pages never write it.
    stored_status: Mapped[str] = mapped_column("status", String(12),
                                               default=MeetingStatus.REQUESTED)
    source: Mapped[str] = mapped_column(String(12), default=MeetingSource.BOOKING)
    # A pinned meeting is fixed for the roundtable scheduler: it keeps its slot and table.
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(Text, default="")
    # The consolidated offer the buyer wants to talk about (the organisation is its cooperative).
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("consolidated_offer.id", ondelete="SET NULL"), index=True
    )
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    # While status is 'proposed', the slot the buyer first asked for (the meeting already
    # holds the proposed slot in slot_id).
    requested_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("slot.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Stable iCalendar UID; sequence grows with every change so calendars update the event.
    ics_uid: Mapped[str] = mapped_column(String(80), unique=True)
    ics_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    slot: Mapped[Slot] = relationship(foreign_keys=[slot_id])
    requested_slot: Mapped[Slot | None] = relationship(foreign_keys=[requested_slot_id])
    table: Mapped[MeetingTable | None] = relationship()
    buyer: Mapped[User] = relationship(foreign_keys=[buyer_id])
    organisation: Mapped[Organisation] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    rep: Mapped[User | None] = relationship(foreign_keys=[rep_id])
    offer: Mapped[ConsolidatedOffer | None] = relationship()
    history: Mapped[list[MeetingEvent]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingEvent.id"
    )
    # Lots the buyer wants to discuss.
    lots: Mapped[list[Lot]] = relationship(secondary=lambda: meeting_lot, order_by="Lot.lot_code")

    def status_at(self, now: datetime) -> str:
        """The status as of `now`: a pending meeting past its `expires_at` is expired."""
        if (self.stored_status in PENDING_STATUSES and self.expires_at is not None
                and self.expires_at <= now):
            return MeetingStatus.EXPIRED
        return self.stored_status

    @hybrid_property
    def status(self) -> str:
        return self.status_at(utcnow())

    @status.inplace.setter
    def _status_setter(self, value: str) -> None:
        self.stored_status = value

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        # The clock is read when the statement runs, not when it is built; one name, so a
        # statement that uses the expression twice (select and group by) compares one moment.
        now = bindparam("meeting_now", callable_=utcnow, type_=UTCDateTime)
        # Constants, not parameters, for the same reason (PostgreSQL compares GROUP BY text).
        pending = cls.stored_status.in_([literal_column(f"'{s.value}'") for s in PENDING_STATUSES])
        overdue = and_(pending, cls.expires_at.is_not(None), cls.expires_at <= now)
        return case((overdue, literal_column("'expired'", String)), else_=cls.stored_status)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.status} slot={self.slot_id} table={self.table_id}>"


@sa_event.listens_for(Meeting.slot_id, "set", active_history=True)
def _slot_changed(meeting: Meeting, value, previous, _initiator) -> None:
    # The rep chosen for one time may be busy at another: a moved meeting is back on its
    # seat's default rep (and never trips the one-meeting-per-rep index).
    if previous is not None and value != previous and previous is not NO_VALUE:
        meeting.rep_id = None


class MeetingEvent(Base):
    """One change of a meeting, for its history and the audit trail."""

    __tablename__ = "meeting_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slot.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()
    slot: Mapped[Slot | None] = relationship()


class CalendarFeed(Base):
    """A user's secret calendar-feed token; regenerating it revokes the old URL."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    # 32 random bytes, URL-safe; random enough to be stored plainly and looked up directly.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


meeting_lot = Table(
    "meeting_lot",
    Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("lot_id", ForeignKey("lot.id", ondelete="CASCADE"), primary_key=True),
)
