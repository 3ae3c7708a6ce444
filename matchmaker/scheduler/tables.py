"""Table numbers per slot, keeping pinned preferences and participants at the same table."""

from __future__ import annotations

from collections import defaultdict

from .index import Index
from .model import Participant, Problem, RequestId, Schedule


def assign_tables(schedule: Schedule, problem: Problem) -> dict[RequestId, int]:
    """Give every placed meeting a table 0..tables(slot)-1; also stored in schedule.tables."""
    idx = Index(problem)
    by_slot: dict[int, list[int]] = defaultdict(list)
    for rid, slot in schedule.assignments.items():
        by_slot[idx.pos[slot]].append(idx.rid[rid])
    last: dict[Participant, set[int]] = defaultdict(set)
    out: dict[RequestId, int] = {}
    for s in range(idx.n_slots):
        ks = by_slot.get(s, [])
        n = idx.tables[s]
        if len(ks) > n:
            raise ValueError(f"slot {idx.slots[s]} holds {len(ks)} meetings for {n} tables")
        taken: set[int] = set()
        here: dict[Participant, set[int]] = defaultdict(set)
        # Pinned meetings with a preferred table go first so they keep it.
        ks.sort(key=lambda k: (idx.requests[k].preferred_table is None, idx.pinned[k] is None))
        for k in ks:
            r = idx.requests[k]
            wanted = []
            if r.preferred_table is not None:
                wanted.append(r.preferred_table)
            wanted += sorted(last[r.a]) + sorted(last[r.b])
            t = next((t for t in wanted if 0 <= t < n and t not in taken), None)
            if t is None:
                t = next(t for t in range(n) if t not in taken)
            taken.add(t)
            out[r.id] = t
            here[r.a].add(t)
            here[r.b].add(t)
        for p, ts in here.items():
            last[p] = ts
    schedule.tables = out
    return out
