"""Roundtable set-up: sessions cut into slots, their tables, attending reps, unavailability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import (
    Event,
    Meeting,
    MeetingTable,
    Organisation,
    RepAttendance,
    RoundtableSession,
    SessionBreak,
    Slot,
    Unavailability,
    User,
)
from matchmaker.models.meetings import ACTIVE_STATUSES
from matchmaker.services.meetings.localtime import to_utc, zone_of


@dataclass(frozen=True)
class CutSlot:
    """A slot computed from a session's set-up, before it is stored."""

    index: int
    block: int
    starts_at: datetime
    ends_at: datetime


@dataclass
class SessionSetup:
    """What an organiser types to set up a session."""

    day: date
    starts_local: time
    ends_local: time
    meeting_minutes: int = 20
    changeover_minutes: int = 0
    table_count: int = 10
    expiry_hours: int = 24
    breaks: list[tuple[time, time]] | None = None
    name: str = ""
    is_bookable: bool = True


def cut_slots(setup: SessionSetup, timezone: str) -> list[CutSlot]:
    """Cut a session into consecutive slots, skipping breaks; times come back in UTC.

    Local wall-clock times are converted with zoneinfo, so a DST change inside a session
    (not in Peru, but elsewhere) still yields the right instants.
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    meeting = timedelta(minutes=setup.meeting_minutes)
    step = meeting + timedelta(minutes=setup.changeover_minutes)
    start = datetime.combine(setup.day, setup.starts_local)
    end = datetime.combine(setup.day, setup.ends_local)
    pauses = sorted(
        (datetime.combine(setup.day, a), datetime.combine(setup.day, b))
        for a, b in (setup.breaks or [])
    )
    slots: list[CutSlot] = []
    block = 0
    cursor = start
    while cursor + meeting <= end:
        clash = next((p for p in pauses if p[0] < cursor + meeting and cursor < p[1]), None)
        if clash is not None:
            cursor = clash[1]
            if slots:
                block = slots[-1].block + 1
            continue
        slots.append(CutSlot(
            index=len(slots), block=block,
            starts_at=to_utc(setup.day, cursor.time(), zone),
            ends_at=to_utc(setup.day, (cursor + meeting).time(), zone),
        ))
        cursor += step
    return slots


def _validate(event: Event, setup: SessionSetup, session: RoundtableSession | None) -> None:
    if not event.starts_on <= setup.day <= event.ends_on:
        raise ValidationFailed(_("The session must fall on a day of the event."),
                               code="outside_event")
    if setup.ends_local <= setup.starts_local:
        raise ValidationFailed(_("The session must end after it starts."), code="times_reversed")
    for a, b in setup.breaks or []:
        if not (setup.starts_local <= a < b <= setup.ends_local):
            raise ValidationFailed(_("Each break must lie inside the session and end after it "
                                     "starts."), code="bad_break")
    others = db.session.scalars(
        db.select(RoundtableSession).where(
            RoundtableSession.event_id == event.id, RoundtableSession.day == setup.day
        )
    ).all()
    for other in others:
        if other is session:
            continue
        if other.starts_local < setup.ends_local and setup.starts_local < other.ends_local:
            raise Conflict(_("This session overlaps another session of the same day."),
                           code="sessions_overlap")


def _has_meetings(session: RoundtableSession) -> bool:
    return bool(db.session.scalar(
        db.select(db.func.count()).select_from(Meeting).join(Slot, Meeting.slot_id == Slot.id)
        .where(Slot.session_id == session.id)
    ))


def _timing(session: RoundtableSession) -> tuple:
    return (session.day, session.starts_local, session.ends_local, session.meeting_minutes,
            session.changeover_minutes,
            tuple(sorted((b.starts_local, b.ends_local) for b in session.breaks)))


def _setup_timing(setup: SessionSetup) -> tuple:
    return (setup.day, setup.starts_local, setup.ends_local, setup.meeting_minutes,
            setup.changeover_minutes, tuple(sorted(setup.breaks or [])))


def save_session(event: Event, session: RoundtableSession | None, setup: SessionSetup
                 ) -> RoundtableSession:
    """Create or change a session; slots are re-cut when the timing changes.

    Raises:
        ValidationFailed: ``outside_event``, ``times_reversed``, ``bad_break``, ``no_slots``.
        Conflict: ``sessions_overlap``; ``session_has_meetings`` when the timing of a session
            that already has meetings would change (its slots are what they point at).
    """
    _validate(event, setup, session)
    cut = cut_slots(setup, event.timezone)
    if not cut:
        raise ValidationFailed(_("No meeting fits in this session; make it longer or the "
                                 "meetings shorter."), code="no_slots")
    recut = session is None or _timing(session) != _setup_timing(setup)
    if session is None:
        session = RoundtableSession(event=event)
        db.session.add(session)
    elif recut and _has_meetings(session):
        raise Conflict(_("Meetings are already booked in this session, so its times can no "
                         "longer change. Add a new session instead."),
                       code="session_has_meetings")
    session.name = setup.name.strip()
    session.day = setup.day
    session.starts_local = setup.starts_local
    session.ends_local = setup.ends_local
    session.meeting_minutes = setup.meeting_minutes
    session.changeover_minutes = setup.changeover_minutes
    session.expiry_hours = setup.expiry_hours
    session.is_bookable = setup.is_bookable
    if recut:
        session.breaks = [SessionBreak(starts_local=a, ends_local=b) for a, b in setup.breaks or []]
        session.slots.clear()
        db.session.flush()
        session.slots.extend(
            Slot(index=s.index, block=s.block, starts_at=s.starts_at, ends_at=s.ends_at)
            for s in cut
        )
    set_table_count(session, setup.table_count)
    db.session.flush()
    return session


def set_table_count(session: RoundtableSession, count: int) -> None:
    """Add tables up to `count`; tables beyond it are removed, or retired if meetings used them.

    Raises:
        Conflict: ``table_in_use`` when a table to remove has an active meeting.
    """
    if count < 1:
        raise ValidationFailed(_("A session needs at least one table."), code="no_tables")
    existing = {t.number: t for t in session.tables}
    for number, table in sorted(existing.items()):
        if number <= count:
            table.is_active = True
            continue
        used = db.session.scalars(
            db.select(Meeting.status).where(Meeting.table_id == table.id)
        ).all() if table.id else []
        if any(status in ACTIVE_STATUSES for status in used):
            raise Conflict(_("Table %(n)s has meetings; cancel or move them first.", n=number),
                           code="table_in_use")
        if used:
            table.is_active = False
        else:
            session.tables.remove(table)
    for number in range(1, count + 1):
        if number not in existing:
            session.tables.append(MeetingTable(number=number))
    session.table_count = count


def update_table(table: MeetingTable, *, label: str, video_url: str) -> None:
    """Name a table ("Mesa Agrobosque", "Sala virtual 1") or give remote buyers its video link.

    Raises:
        ValidationFailed: ``bad_video_url`` unless the link is http(s).
    """
    video_url = video_url.strip()
    if video_url and not video_url.startswith(("https://", "http://")):
        raise ValidationFailed(_("The video link must start with https://."), code="bad_video_url")
    table.label = label.strip()[:80]
    table.video_url = video_url[:255]
    db.session.flush()


def delete_session(session: RoundtableSession) -> None:
    """Remove a session and its slots and tables.

    Raises:
        Conflict: ``session_has_meetings``.
    """
    if _has_meetings(session):
        raise Conflict(_("This session has meetings and cannot be deleted."),
                       code="session_has_meetings")
    db.session.delete(session)
    db.session.flush()


def sessions_of(event: Event) -> list[RoundtableSession]:
    return list(db.session.scalars(
        db.select(RoundtableSession).where(RoundtableSession.event_id == event.id)
        .order_by(RoundtableSession.day, RoundtableSession.starts_local)
    ))


# Attendance ------------------------------------------------------------------------------

def attending_reps(event: Event, organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        db.select(User).join(RepAttendance, RepAttendance.user_id == User.id)
        .where(RepAttendance.event_id == event.id,
               RepAttendance.organisation_id == organisation.id)
        .order_by(User.name)
    ))


def seat_count(event_id: int, organisation_id: int) -> int:
    """How many meetings the organisation can hold at once: its attending reps, at least one."""
    attending = db.session.scalar(
        db.select(db.func.count()).select_from(RepAttendance)
        .where(RepAttendance.event_id == event_id,
               RepAttendance.organisation_id == organisation_id)
    )
    return max(1, attending or 0)


def set_attendance(event: Event, organisation: Organisation, reps: list[User]) -> None:
    """Record which reps of the organisation attend the event (one seat each).

    Raises:
        ValidationFailed: ``not_a_member`` for a user who is not a rep of the organisation.
        Conflict: ``seats_in_use`` when fewer seats would remain than meetings already booked
            in some slot.
    """
    for rep in reps:
        if not rep.is_rep or rep.organisation_id != organisation.id:
            raise ValidationFailed(_("%(name)s does not represent this organisation.",
                                     name=rep.name), code="not_a_member")
    busiest = db.session.scalar(
        db.select(db.func.max(Meeting.org_seat)).where(
            Meeting.event_id == event.id, Meeting.organisation_id == organisation.id,
            Meeting.status.in_(ACTIVE_STATUSES),
        )
    ) or 0
    if max(1, len(reps)) < busiest:
        raise Conflict(_("Some slots already have %(n)d meetings of this organisation at once; "
                         "keep at least that many reps attending.", n=busiest),
                       code="seats_in_use")
    current = db.session.scalars(
        db.select(RepAttendance).where(RepAttendance.event_id == event.id,
                                       RepAttendance.organisation_id == organisation.id)
    ).all()
    wanted = {rep.id for rep in reps}
    for row in current:
        if row.user_id not in wanted:
            db.session.delete(row)
    have = {row.user_id for row in current}
    for rep in reps:
        if rep.id not in have:
            db.session.add(RepAttendance(event_id=event.id, organisation_id=organisation.id,
                                         user_id=rep.id))
    db.session.flush()


# Unavailability --------------------------------------------------------------------------

def add_unavailability(event: Event, *, starts_at: datetime, ends_at: datetime,
                       user: User | None = None, organisation: Organisation | None = None,
                       note: str = "") -> Unavailability:
    """Mark a period in which a buyer (user) or an organisation cannot meet.

    Raises:
        ValidationFailed: ``times_reversed``; ``outside_event`` when the period misses the event.
    """
    if (user is None) == (organisation is None):
        raise ValueError("give exactly one of user or organisation")
    if ends_at <= starts_at:
        raise ValidationFailed(_("The period must end after it starts."), code="times_reversed")
    zone = zone_of(event)
    event_start = to_utc(event.starts_on, time(0, 0), zone)
    event_end = to_utc(event.ends_on + timedelta(days=1), time(0, 0), zone)
    if ends_at <= event_start or starts_at >= event_end:
        raise ValidationFailed(_("The period must fall within the event."), code="outside_event")
    period = Unavailability(
        event_id=event.id, user_id=user.id if user else None,
        organisation_id=organisation.id if organisation else None,
        starts_at=starts_at, ends_at=ends_at, note=note.strip()[:200],
    )
    db.session.add(period)
    db.session.flush()
    return period


def unavailability_of(event: Event, *, user: User | None = None,
                      organisation: Organisation | None = None) -> list[Unavailability]:
    query = db.select(Unavailability).where(Unavailability.event_id == event.id)
    if user is not None:
        query = query.where(Unavailability.user_id == user.id)
    else:
        query = query.where(Unavailability.organisation_id == organisation.id)
    return list(db.session.scalars(query.order_by(Unavailability.starts_at)))


def event_unavailability(event: Event) -> list[Unavailability]:
    """Every period of the event, buyers' and organisations', in time order (organisers)."""
    return list(db.session.scalars(
        db.select(Unavailability).where(Unavailability.event_id == event.id)
        .options(selectinload(Unavailability.user), selectinload(Unavailability.organisation))
        .order_by(Unavailability.starts_at, Unavailability.id)
    ))


def remove_unavailability(period: Unavailability) -> None:
    db.session.delete(period)
    db.session.flush()
