"""Pure conflict checker for a draft timetable: may this meeting sit in this slot at this table?

Plain data in, refusals out, so the rules are tested without a database and the same checks
serve move, swap and add. The database's unique indexes stay the final guard on publish.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

UNKNOWN_SLOT = "unknown_slot"
WRONG_TABLE = "wrong_table"
TABLES_FULL = "tables_full"
TABLE_TAKEN = "table_taken"
BUYER_BUSY = "buyer_busy"
ORG_NO_FREE_REP = "org_no_free_rep"
BUYER_UNAVAILABLE = "buyer_unavailable"
ORG_UNAVAILABLE = "org_unavailable"
REFUSED = "refused"
PAIR_EXISTS = "pair_exists"


@dataclass(frozen=True)
class Placed:
    """A meeting of the draft: who, when, where."""

    id: int
    buyer_id: int
    organisation_id: int
    slot_id: int
    table_id: int | None


@dataclass(frozen=True)
class Refusal:
    """Why a placement is refused; `other` is the draft meeting in the way, if one is."""

    code: str
    other: int | None = None


@dataclass
class Board:
    """Everything the checker needs about one draft timetable."""

    tables: dict[int, list[int]]  # slot id -> active table ids
    seats: dict[int, int] = field(default_factory=dict)  # organisation id -> seats (default 1)
    buyer_unavailable: dict[int, set[int]] = field(default_factory=dict)  # buyer -> slot ids
    org_unavailable: dict[int, set[int]] = field(default_factory=dict)
    refused: set[tuple[int, int]] = field(default_factory=set)  # (buyer, organisation): a "no"
    placed: dict[int, Placed] = field(default_factory=dict)

    def in_slot(self, slot_id: int, ignore: Iterable[int] = ()) -> list[Placed]:
        skip = set(ignore)
        return [p for p in self.placed.values() if p.slot_id == slot_id and p.id not in skip]

    def free_table(self, slot_id: int, ignore: Iterable[int] = ()) -> int | None:
        used = {p.table_id for p in self.in_slot(slot_id, ignore)}
        return next((t for t in self.tables.get(slot_id, []) if t not in used), None)


def check_placement(board: Board, *, buyer_id: int, organisation_id: int, slot_id: int,
                    table_id: int | None, ignore: Iterable[int] = (),
                    new_pair: bool = False) -> list[Refusal]:
    """Every reason the meeting cannot go to (slot, table); empty means it can.

    `ignore` lists draft meetings being moved away (the meeting itself, or both sides of a
    swap); `new_pair` also refuses a pair that already meets in the draft.
    """
    ignore = set(ignore)
    if slot_id not in board.tables:
        return [Refusal(UNKNOWN_SLOT)]
    refusals: list[Refusal] = []
    if (buyer_id, organisation_id) in board.refused:
        refusals.append(Refusal(REFUSED))
    if new_pair:
        same = next((p for p in board.placed.values() if p.id not in ignore
                     and (p.buyer_id, p.organisation_id) == (buyer_id, organisation_id)), None)
        if same is not None:
            refusals.append(Refusal(PAIR_EXISTS, same.id))
    here = board.in_slot(slot_id, ignore)
    if table_id is not None and table_id not in board.tables[slot_id]:
        refusals.append(Refusal(WRONG_TABLE))
    elif table_id is not None:
        holder = next((p for p in here if p.table_id == table_id), None)
        if holder is not None:
            refusals.append(Refusal(TABLE_TAKEN, holder.id))
    elif len(here) >= len(board.tables[slot_id]):
        refusals.append(Refusal(TABLES_FULL))
    buyer_clash = next((p for p in here if p.buyer_id == buyer_id), None)
    if buyer_clash is not None:
        refusals.append(Refusal(BUYER_BUSY, buyer_clash.id))
    org_here = [p for p in here if p.organisation_id == organisation_id]
    if len(org_here) >= board.seats.get(organisation_id, 1):
        refusals.append(Refusal(ORG_NO_FREE_REP, org_here[0].id))
    if slot_id in board.buyer_unavailable.get(buyer_id, ()):
        refusals.append(Refusal(BUYER_UNAVAILABLE))
    if slot_id in board.org_unavailable.get(organisation_id, ()):
        refusals.append(Refusal(ORG_UNAVAILABLE))
    return refusals
