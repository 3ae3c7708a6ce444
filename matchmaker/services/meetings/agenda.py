"""Agendas: a person's meetings, the meetings of each table and the event's master grid."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.models import (
    Event,
    Exhibitor,
    Meeting,
    MeetingTable,
    RoundtableSession,
    Slot,
    User,
)
from matchmaker.models.meetings import ACTIVE_STATUSES, MeetingStatus
from matchmaker.services.meetings.sessions import sessions_of

CONFIRMED = (MeetingStatus.ACCEPTED, MeetingStatus.HELD, MeetingStatus.NO_SHOW)


def _loaded(query):
    return query.options(
        selectinload(Meeting.slot), selectinload(Meeting.table), selectinload(Meeting.lots),
        selectinload(Meeting.offer),
        selectinload(Meeting.organisation),
        selectinload(Meeting.buyer).selectinload(User.buyer_profile),
    )


def meetings_of(user: User, event: Event | None = None, *, statuses=ACTIVE_STATUSES
                ) -> list[Meeting]:
    """A buyer's meetings, or those of a rep's organisation, by time (all events if none given)."""
    query = _loaded(
        db.select(Meeting).join(Slot, Meeting.slot_id == Slot.id)
        .where(Meeting.status.in_(statuses)).order_by(Slot.starts_at, Meeting.id)
    )
    if user.is_buyer:
        query = query.where(Meeting.buyer_id == user.id)
    elif user.is_rep:
        query = query.where(Meeting.organisation_id == user.organisation_id)
    else:
        return []
    if event is not None:
        query = query.where(Meeting.event_id == event.id)
    return list(db.session.scalars(query))


def agenda_events(user: User) -> list[Event]:
    """Events the user has meetings at or (a rep) exhibits at, soonest first."""
    ids = set(db.session.scalars(
        db.select(Meeting.event_id).where(
            (Meeting.buyer_id == user.id) if user.is_buyer
            else (Meeting.organisation_id == (user.organisation_id or -1))
        )
    ))
    if user.is_rep and user.organisation_id:
        ids |= set(db.session.scalars(
            db.select(Exhibitor.event_id).where(Exhibitor.organisation_id == user.organisation_id)
        ))
    if not ids:
        return []
    return list(db.session.scalars(
        db.select(Event).where(Event.id.in_(ids), Event.is_archived.is_(False))
        .order_by(Event.starts_on)
    ))


def event_meetings(event: Event, *, statuses=None) -> list[Meeting]:
    query = _loaded(
        db.select(Meeting).join(Slot, Meeting.slot_id == Slot.id)
        .where(Meeting.event_id == event.id).order_by(Slot.starts_at, Meeting.table_id)
    )
    if statuses:
        query = query.where(Meeting.status.in_(statuses))
    return list(db.session.scalars(query))


@dataclass
class TableSheet:
    """The confirmed meetings at one table in one session, for the table host."""

    session: RoundtableSession
    table: MeetingTable
    meetings: list[Meeting]


def table_sheets(event: Event, table_id: int | None = None) -> list[TableSheet]:
    by_table: dict[int, list[Meeting]] = {}
    for meeting in event_meetings(event, statuses=CONFIRMED):
        if meeting.table_id is not None:
            by_table.setdefault(meeting.table_id, []).append(meeting)
    sheets = []
    for session in sessions_of(event):
        for table in session.tables:
            if table_id is not None and table.id != table_id:
                continue
            if table.is_active or table.id in by_table:
                sheets.append(TableSheet(session, table, by_table.get(table.id, [])))
    return sheets


@dataclass
class GridSession:
    """A session as rows of slots by columns of tables; a cell holds a meeting or None."""

    session: RoundtableSession
    tables: list[MeetingTable]
    rows: list[tuple[Slot, list[Meeting | None]]]


def master_grid(event: Event, *, statuses=ACTIVE_STATUSES) -> list[GridSession]:
    cells: dict[tuple[int, int], Meeting] = {
        (m.slot_id, m.table_id): m for m in event_meetings(event, statuses=statuses)
        if m.table_id is not None
    }
    grid = []
    for session in sessions_of(event):
        tables = [t for t in session.tables if t.is_active]
        rows = [(slot, [cells.get((slot.id, t.id)) for t in tables]) for slot in session.slots]
        grid.append(GridSession(session, tables, rows))
    return grid
