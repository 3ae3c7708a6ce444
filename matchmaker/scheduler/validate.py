"""Independent checker of every hard constraint of a schedule, used by tests and benches."""

from __future__ import annotations

from collections import Counter

from .index import Index, count_breaks
from .model import Participant, Problem, Schedule


def breaks_of(
    problem: Problem, assignments: dict, idx: Index | None = None
) -> dict[Participant, int]:
    """Breaks per participant (all participants of the problem, 0 when idle)."""
    idx = idx or Index(problem)
    busy: list[set[int]] = [set() for _ in idx.people]
    for rid, slot in assignments.items():
        k = idx.rid[rid]
        for p in idx.ends[k]:
            busy[p].add(idx.pos[slot])
    return {idx.people[p]: count_breaks(busy[p], idx) for p in range(len(idx.people))}


def check_schedule(problem: Problem, schedule: Schedule, *, strict: bool = True) -> list[str]:
    """Return human-readable violations (empty list = valid).

    Hard constraints are always checked; `strict` also checks must_place_all and fairness,
    which a greedy-only fallback may not meet.
    """
    idx = Index(problem)
    errors: list[str] = []
    per_slot: Counter[int] = Counter()
    per_person: Counter[tuple[int, int]] = Counter()
    for rid, slot in schedule.assignments.items():
        if rid not in idx.rid:
            errors.append(f"unknown request {rid!r}")
            continue
        if slot not in idx.pos:
            errors.append(f"request {rid!r} in unknown slot {slot!r}")
            continue
        k = idx.rid[rid]
        s = idx.pos[slot]
        pin = idx.pinned[k]
        if pin is not None and pin != s:
            errors.append(f"pinned request {rid!r} moved to slot {slot}")
        if s not in idx.domain[k]:
            errors.append(f"request {rid!r} in slot {slot} outside its allowed/available slots")
        per_slot[s] += 1
        for p in idx.ends[k]:
            per_person[p, s] += 1
    for k, pin in enumerate(idx.pinned):
        if pin is not None and idx.requests[k].id not in schedule.assignments:
            errors.append(f"pinned request {idx.requests[k].id!r} not scheduled")
    for s, c in per_slot.items():
        if c > idx.tables[s]:
            errors.append(f"slot {idx.slots[s]} has {c} meetings for {idx.tables[s]} tables")
    for (p, s), c in per_person.items():
        if c > idx.cap[p]:
            errors.append(f"{idx.people[p]!r} is in {c} meetings in slot {idx.slots[s]}")
    if schedule.tables is not None:
        errors += _check_tables(idx, schedule)
    if strict:
        if problem.must_place_all:
            missing = [r.id for r in idx.requests if r.id not in schedule.assignments]
            if missing:
                errors.append(
                    f"{len(missing)} requests not placed although all must be: {missing[:5]}"
                )
        if problem.fairness is not None:
            br = breaks_of(problem, schedule.assignments, idx)
            if br and max(br.values()) - min(br.values()) > problem.fairness:
                errors.append(
                    f"break spread {max(br.values()) - min(br.values())} > {problem.fairness}"
                )
    return errors


def _check_tables(idx: Index, schedule: Schedule) -> list[str]:
    tables = schedule.tables or {}
    errors: list[str] = []
    used: set[tuple[int, int]] = set()
    for rid, slot in schedule.assignments.items():
        t = tables.get(rid)
        if t is None:
            errors.append(f"request {rid!r} has no table")
            continue
        s = idx.pos.get(slot)
        if s is None:
            continue
        if not 0 <= t < idx.tables[s]:
            errors.append(f"request {rid!r} at table {t} of {idx.tables[s]} in slot {slot}")
        if (s, t) in used:
            errors.append(f"table {t} double-booked in slot {slot}")
        used.add((s, t))
    return errors
