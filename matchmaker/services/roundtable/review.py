"""What the organiser's review page shows: the draft as a slots × tables grid, and labels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from matchmaker.extensions import db
from matchmaker.models import MeetingTable, Organisation, Slot, User
from matchmaker.models.roundtable import DraftMeeting, ScheduleRun
from matchmaker.services.meetings.localtime import hhmm, local
from matchmaker.services.roundtable.problem import event_slots, slot_tables


@dataclass
class SlotRow:
    slot: Slot
    label: str  # "10:20–10:40"
    cells: list[tuple[MeetingTable, DraftMeeting | None]]
    # Meetings without a table (an existing booking whose table was switched off)
    loose: list[DraftMeeting] = field(default_factory=list)

    @property
    def drafts(self) -> list[DraftMeeting]:
        return [d for _, d in self.cells if d is not None] + self.loose


@dataclass
class DayBlock:
    day: date
    session_name: str
    rows: list[SlotRow]
    tables: list[MeetingTable]


def grid(run: ScheduleRun) -> list[DayBlock]:
    """The run's drafts laid out per session (day), slot and table."""
    event = run.event
    slots = event_slots(event)
    tables = slot_tables(event, slots)
    table_rows = {t.id: t for t in db.session.scalars(
        db.select(MeetingTable).where(MeetingTable.id.in_({t for ts in tables.values()
                                                           for t in ts})))}
    at: dict[tuple[int, int | None], DraftMeeting] = {}
    loose: dict[int, list[DraftMeeting]] = {}
    for draft in run.drafts:
        if draft.table_id in tables.get(draft.slot_id, []):
            at[draft.slot_id, draft.table_id] = draft
        else:
            loose.setdefault(draft.slot_id, []).append(draft)
    blocks: list[DayBlock] = []
    for slot in sorted(slots, key=lambda s: (s.session.day, s.session.starts_local, s.index)):
        session = slot.session
        if not blocks or blocks[-1].rows[0].slot.session_id != session.id:
            blocks.append(DayBlock(session.day, session.name,
                                   [], [table_rows[t] for t in tables[slot.id]]))
        cells = [(table_rows[t], at.get((slot.id, t))) for t in tables[slot.id]]
        label = f"{hhmm(slot.starts_at, event)}–{hhmm(slot.ends_at, event)}"
        blocks[-1].rows.append(SlotRow(slot, label, cells, loose.get(slot.id, [])))
    return blocks


def slot_order(run: ScheduleRun) -> dict[int, tuple[int, int]]:
    """slot id → (block number, position), for counting idle gaps."""
    slots = event_slots(run.event)
    blocks: dict[tuple[int, int], int] = {}
    return {s.id: (blocks.setdefault((s.session_id, s.block), len(blocks)), i)
            for i, s in enumerate(slots)}


def slot_label(slot: Slot, event) -> str:
    start = local(slot.starts_at, event)
    return f"{start:%d/%m} {hhmm(slot.starts_at, event)}–{hhmm(slot.ends_at, event)}"


def buyer_label(user: User) -> str:
    profile = user.buyer_profile
    return f"{profile.company} ({user.name})" if profile else user.name


def participant_names(keys: list[str]) -> dict[str, str]:
    """"b:12"/"o:3" → display names."""
    buyer_ids = [int(k[2:]) for k in keys if k.startswith("b:")]
    org_ids = [int(k[2:]) for k in keys if k.startswith("o:")]
    names: dict[str, str] = {}
    if buyer_ids:
        for user in db.session.scalars(db.select(User).where(User.id.in_(buyer_ids))):
            names[f"b:{user.id}"] = buyer_label(user)
    if org_ids:
        for org in db.session.scalars(db.select(Organisation).where(
                Organisation.id.in_(org_ids))):
            names[f"o:{org.id}"] = org.name
    return names
