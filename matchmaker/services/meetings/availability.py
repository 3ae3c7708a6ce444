"""Who is free when: seats, tables and slots, for booking, proposals, walk-ins and the scheduler."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from matchmaker.errors import Conflict
from matchmaker.extensions import db
from matchmaker.models import (
    Event,
    Meeting,
    MeetingTable,
    Organisation,
    RoundtableSession,
    Slot,
    Unavailability,
    User,
)
from matchmaker.models.meetings import ACTIVE_STATUSES
from matchmaker.services.meetings.sessions import seat_count


@dataclass(frozen=True)
class Placement:
    """Where a new meeting would sit in a slot: the organisation's seat and a table."""

    org_seat: int
    table_id: int


def lock_slot(slot: Slot) -> None:
    """Serialise bookings of one slot: row lock on PostgreSQL (SQLite serialises writers anyway).

    Everyone booking the slot queues here, then re-reads who is taken; the partial unique
    indexes stay the last line of defence.
    """
    db.session.execute(db.select(Slot.id).where(Slot.id == slot.id).with_for_update())


def _active_in_slot(slot_id: int, exclude_id: int | None) -> list[Meeting]:
    query = db.select(Meeting).where(Meeting.slot_id == slot_id,
                                     Meeting.status.in_(ACTIVE_STATUSES))
    if exclude_id is not None:
        query = query.where(Meeting.id != exclude_id)
    # populate_existing: after waiting for the lock, read what others have just committed.
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def _unavailable(event_id: int, slot: Slot, *, user_id: int | None = None,
                 organisation_id: int | None = None) -> bool:
    query = db.select(db.func.count()).select_from(Unavailability).where(
        Unavailability.event_id == event_id,
        Unavailability.starts_at < slot.ends_at, Unavailability.ends_at > slot.starts_at,
    )
    if user_id is not None:
        query = query.where(Unavailability.user_id == user_id)
    else:
        query = query.where(Unavailability.organisation_id == organisation_id)
    return bool(db.session.scalar(query))


def place(slot: Slot, *, buyer_id: int, organisation_id: int, table: MeetingTable | None = None,
          exclude_meeting_id: int | None = None, check_unavailability: bool = True) -> Placement:
    """Find a seat of the organisation and a table for a meeting in `slot`.

    Raises:
        Conflict: ``buyer_busy`` (the buyer already meets someone then), ``slot_taken``
            (every seat of the organisation is taken), ``no_table`` (every table is taken, or
            the given one is), ``unavailable`` (a participant marked the time unavailable).
    """
    session = slot.session
    taken = _active_in_slot(slot.id, exclude_meeting_id)
    if any(m.buyer_id == buyer_id for m in taken):
        raise Conflict(_("You already have a meeting at this time."), code="buyer_busy")
    seats = seat_count(session.event_id, organisation_id)
    used_seats = {m.org_seat for m in taken if m.organisation_id == organisation_id}
    free_seat = next((n for n in range(1, seats + 1) if n not in used_seats), None)
    if free_seat is None:
        raise Conflict(_("This time is no longer free. Please choose another one."),
                       code="slot_taken")
    used_tables = {m.table_id for m in taken}
    if table is not None:
        if table.session_id != session.id or not table.is_active or table.id in used_tables:
            raise Conflict(_("This table is taken at that time."), code="no_table")
        table_id = table.id
    else:
        table_id = next((t.id for t in session.tables
                         if t.is_active and t.id not in used_tables), None)
        if table_id is None:
            raise Conflict(_("Every table is taken at this time. Please choose another one."),
                           code="no_table")
    if check_unavailability and (
        _unavailable(session.event_id, slot, user_id=buyer_id)
        or _unavailable(session.event_id, slot, organisation_id=organisation_id)
    ):
        raise Conflict(_("One of you is not available at this time."), code="unavailable")
    return Placement(org_seat=free_seat, table_id=table_id)


def free_slots(event: Event, organisation: Organisation, buyer: User | None, *,
               now: datetime, bookable_only: bool = True,
               exclude_meeting_id: int | None = None) -> list[Slot]:
    """Future slots in which the organisation has a free seat, a table is free and the buyer
    (if given) is free; unavailable periods of either are left out. Computed in memory from
    three queries, since an event has a few hundred slots at most."""
    query = (
        db.select(Slot).join(RoundtableSession, Slot.session_id == RoundtableSession.id)
        .where(RoundtableSession.event_id == event.id, Slot.starts_at > now)
        .order_by(Slot.starts_at)
    )
    if bookable_only:
        query = query.where(RoundtableSession.is_bookable.is_(True))
    slots = list(db.session.scalars(query))
    if not slots:
        return []
    active = db.session.execute(
        db.select(Meeting.id, Meeting.slot_id, Meeting.buyer_id, Meeting.organisation_id)
        .where(Meeting.event_id == event.id, Meeting.status.in_(ACTIVE_STATUSES))
    ).all()
    per_slot = defaultdict(int)
    org_per_slot = defaultdict(int)
    buyer_slots = set()
    for meeting_id, slot_id, buyer_id, organisation_id in active:
        if meeting_id == exclude_meeting_id:
            continue
        per_slot[slot_id] += 1
        if organisation_id == organisation.id:
            org_per_slot[slot_id] += 1
        if buyer is not None and buyer_id == buyer.id:
            buyer_slots.add(slot_id)
    tables = dict(db.session.execute(
        db.select(MeetingTable.session_id, db.func.count())
        .where(MeetingTable.is_active.is_(True)).group_by(MeetingTable.session_id)
    ).all())
    periods = db.session.scalars(
        db.select(Unavailability).where(
            Unavailability.event_id == event.id,
            (Unavailability.organisation_id == organisation.id)
            | (Unavailability.user_id == (buyer.id if buyer is not None else -1)),
        )
    ).all()
    seats = seat_count(event.id, organisation.id)
    return [
        slot for slot in slots
        if per_slot[slot.id] < tables.get(slot.session_id, 0)
        and org_per_slot[slot.id] < seats
        and slot.id not in buyer_slots
        and not any(p.overlaps(slot.starts_at, slot.ends_at) for p in periods)
    ]


def free_tables(slot: Slot) -> list[MeetingTable]:
    used = {m.table_id for m in _active_in_slot(slot.id, None)}
    return [t for t in slot.session.tables if t.is_active and t.id not in used]
