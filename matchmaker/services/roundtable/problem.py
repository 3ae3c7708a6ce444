"""Build the scheduler's plain-data Problem from the database, and map its answer back.

Participants are ``("b", buyer_id)`` and ``("o", organisation_id)``. Scheduler slots are the
event's Slot ids in time order; a block is one (session, block) pair so idle gaps never span
a break, a session or a day. Tables are numbered 0..n-1 per slot and map to the session's
active MeetingTable rows in number order.

Request ids are strings: ``m<meeting id>`` for an existing active meeting (booking, walk-in,
pinned roundtable meeting: pinned in its slot), ``p<buyer>-<organisation>`` for a wished pair
(pinned when a re-run keeps an organiser-pinned draft).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from matchmaker.extensions import db
from matchmaker.models import (
    Event,
    Exhibitor,
    Meeting,
    MeetingTable,
    RepAttendance,
    RoundtableSession,
    Slot,
    Unavailability,
    User,
)
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import ACTIVE_STATUSES, MeetingSource
from matchmaker.models.roundtable import DraftMeeting, DraftSource
from matchmaker.scheduler import MeetingRequest, Problem
from matchmaker.services.roundtable.wishes import event_pairs


def buyer_key(buyer_id: int) -> tuple[str, int]:
    return ("b", buyer_id)


def org_key(organisation_id: int) -> tuple[str, int]:
    return ("o", organisation_id)


def participant_str(participant: tuple[str, int]) -> str:
    """``("b", 12)`` → ``"b:12"`` (report JSON keys)."""
    return f"{participant[0]}:{participant[1]}"


@dataclass(frozen=True)
class RequestInfo:
    """What a scheduler request stands for in the database."""

    buyer_id: int
    organisation_id: int
    weight: int
    source: str  # DraftSource
    meeting_id: int | None = None
    pinned: bool = False


@dataclass
class EventProblem:
    """The Problem plus everything needed to turn its schedule back into draft rows."""

    problem: Problem
    info: dict[str, RequestInfo]
    # slot id -> active table ids in number order (scheduler table t = tables[slot][t])
    tables: dict[int, list[int]]
    # pinned drafts of the parent run that no longer fit (someone booked meanwhile)
    dropped_pins: list[DraftMeeting] = field(default_factory=list)

    def table_id(self, slot_id: int, index: int) -> int | None:
        ids = self.tables.get(slot_id, [])
        return ids[index] if 0 <= index < len(ids) else None

    def table_index(self, slot_id: int, table_id: int | None) -> int | None:
        ids = self.tables.get(slot_id, [])
        return ids.index(table_id) if table_id in ids else None


def event_slots(event: Event) -> list[Slot]:
    return list(db.session.scalars(
        db.select(Slot).join(RoundtableSession, Slot.session_id == RoundtableSession.id)
        .where(RoundtableSession.event_id == event.id)
        .order_by(Slot.starts_at, Slot.session_id, Slot.index)
    ))


def slot_tables(event: Event, slots: list[Slot]) -> dict[int, list[int]]:
    """slot id -> the active table ids of its session, in number order."""
    per_session: dict[int, list[int]] = defaultdict(list)
    rows = db.session.execute(
        db.select(MeetingTable.session_id, MeetingTable.id)
        .join(RoundtableSession, MeetingTable.session_id == RoundtableSession.id)
        .where(RoundtableSession.event_id == event.id, MeetingTable.is_active.is_(True))
        .order_by(MeetingTable.session_id, MeetingTable.number)
    ).all()
    for session_id, table_id in rows:
        per_session[session_id].append(table_id)
    return {s.id: per_session.get(s.session_id, []) for s in slots}


def capacities(event: Event) -> dict[int, int]:
    """organisation id -> seats (attending reps, at least one; organisations absent here have 1)."""
    rows = db.session.execute(
        db.select(RepAttendance.organisation_id, db.func.count())
        .where(RepAttendance.event_id == event.id).group_by(RepAttendance.organisation_id)
    ).all()
    return {org_id: max(1, n) for org_id, n in rows}


def unavailable_slots(event: Event, slots: list[Slot]) -> dict[tuple[str, int], set[int]]:
    """participant -> slot ids overlapping one of their unavailable periods."""
    out: dict[tuple[str, int], set[int]] = defaultdict(set)
    for period in db.session.scalars(
        db.select(Unavailability).where(Unavailability.event_id == event.id)
    ):
        who = (buyer_key(period.user_id) if period.user_id is not None
               else org_key(period.organisation_id))
        for slot in slots:
            if period.overlaps(slot.starts_at, slot.ends_at):
                out[who].add(slot.id)
    return out


def existing_meetings(event: Event) -> list[Meeting]:
    """Active meetings the scheduler must keep: all but unpinned roundtable meetings (those are
    the previous schedule, which a new run replaces)."""
    return list(db.session.scalars(
        db.select(Meeting).where(
            Meeting.event_id == event.id, Meeting.status.in_(ACTIVE_STATUSES),
            ~((Meeting.source == MeetingSource.ROUNDTABLE) & Meeting.is_pinned.is_(False)),
        ).order_by(Meeting.id)
    ))


def build_problem(event: Event, *, pinned_drafts: list[DraftMeeting] = (),
                  now: datetime | None = None) -> EventProblem:
    """Read slots, tables, seats, unavailability, meetings and wishes into a scheduler Problem.

    `pinned_drafts` are organiser-pinned meetings of a previous run to keep where they are;
    any that clash with meetings booked since are left out and listed in `dropped_pins`.
    Wished pairs are only offered slots that have not started yet.
    """
    now = now or utcnow()
    slots = event_slots(event)
    tables = slot_tables(event, slots)
    blocks: dict[tuple[int, int], int] = {}
    block_of = {s.id: blocks.setdefault((s.session_id, s.block), len(blocks)) for s in slots}
    seats = capacities(event)
    unavailable = unavailable_slots(event, slots)
    future = frozenset(s.id for s in slots if s.starts_at > now)

    requests: list[MeetingRequest] = []
    info: dict[str, RequestInfo] = {}
    busy: Counter = Counter()  # (participant, slot) -> meetings held
    per_slot: Counter = Counter()
    used_tables: set[tuple[int, int]] = set()

    def table_index(slot_id: int, table_id: int | None) -> int | None:
        ids = tables.get(slot_id, [])
        return ids.index(table_id) if table_id in ids else None

    def hold(rid: str, request_info: RequestInfo, slot_id: int, table_id: int | None) -> None:
        b, o = buyer_key(request_info.buyer_id), org_key(request_info.organisation_id)
        requests.append(MeetingRequest(
            id=rid, a=b, b=o, weight=request_info.weight, pinned_slot=slot_id,
            preferred_table=table_index(slot_id, table_id),
        ))
        info[rid] = request_info
        busy[b, slot_id] += 1
        busy[o, slot_id] += 1
        per_slot[slot_id] += 1
        if table_id is not None:
            used_tables.add((slot_id, table_id))

    pairs = event_pairs(event)
    taken_pairs: set[tuple[int, int]] = set()
    for meeting in existing_meetings(event):
        pair = (meeting.buyer_id, meeting.organisation_id)
        wishes = pairs.get(pair)
        weight = (wishes.weight or 0) if wishes else 0
        hold(f"m{meeting.id}", RequestInfo(meeting.buyer_id, meeting.organisation_id, weight,
                                           DraftSource.EXISTING, meeting.id, True),
             meeting.slot_id, meeting.table_id)
        taken_pairs.add(pair)

    dropped: list[DraftMeeting] = []
    for draft in pinned_drafts:
        pair = (draft.buyer_id, draft.organisation_id)
        if draft.is_existing or pair in taken_pairs:
            continue
        b, o = buyer_key(draft.buyer_id), org_key(draft.organisation_id)
        slot_id = draft.slot_id
        clash = (
            slot_id not in tables or busy[b, slot_id] >= 1
            or busy[o, slot_id] >= seats.get(draft.organisation_id, 1)
            or per_slot[slot_id] >= len(tables[slot_id])
            or (slot_id, draft.table_id) in used_tables
        )
        if clash:
            dropped.append(draft)
            continue
        hold(f"p{pair[0]}-{pair[1]}", RequestInfo(pair[0], pair[1], draft.weight,
                                                  DraftSource.WISH, None, True),
             slot_id, draft.table_id)
        taken_pairs.add(pair)

    active_buyers = set(db.session.scalars(
        db.select(User.id).where(User.role == "buyer", User.is_active.is_(True))))
    exhibitors = set(db.session.scalars(
        db.select(Exhibitor.organisation_id).where(Exhibitor.event_id == event.id)))
    all_future = len(future) == len(slots)
    for pair, wishes in sorted(pairs.items()):
        weight = wishes.weight
        if (weight is None or pair in taken_pairs or pair[0] not in active_buyers
                or pair[1] not in exhibitors):
            continue
        rid = f"p{pair[0]}-{pair[1]}"
        requests.append(MeetingRequest(
            id=rid, a=buyer_key(pair[0]), b=org_key(pair[1]), weight=weight,
            allowed_slots=None if all_future else future,
        ))
        info[rid] = RequestInfo(pair[0], pair[1], weight, DraftSource.WISH)

    participants = {p for r in requests for p in (r.a, r.b)}
    problem = Problem(
        slots=[s.id for s in slots],
        requests=requests,
        block_of=block_of,
        tables_per_slot={s.id: len(tables[s.id]) for s in slots},
        unavailable={p: frozenset(ids) for p, ids in unavailable.items() if p in participants},
        capacity={org_key(o): n for o, n in seats.items() if org_key(o) in participants},
    )
    return EventProblem(problem=problem, info=info, tables=tables, dropped_pins=dropped)
