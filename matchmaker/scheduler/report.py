"""Quality report: placed vs bound, breaks, fairness, and why each unplaced meeting failed."""

from __future__ import annotations

from .index import Index, count_breaks
from .model import Participant, Report, RequestId


def busy_sets(idx: Index, assign: list[int | None]) -> list[set[int]]:
    """Slot positions in which each participant has a meeting."""
    out: list[set[int]] = [set() for _ in idx.people]
    for k, s in enumerate(assign):
        if s is not None:
            a, b = idx.ends[k]
            out[a].add(s)
            out[b].add(s)
    return out


def _occupancy(
    idx: Index, assign: list[int | None]
) -> tuple[list[dict[int, list[int]]], list[int]]:
    """Per participant: slot -> meetings there; per slot: meetings placed."""
    occ: list[dict[int, list[int]]] = [{} for _ in idx.people]
    used = [0] * idx.n_slots
    for k, s in enumerate(assign):
        if s is not None:
            used[s] += 1
            for p in idx.ends[k]:
                occ[p].setdefault(s, []).append(k)
    return occ, used


def why_unplaced(
    idx: Index,
    assign: list[int | None],
    k: int,
    occupancy: tuple[list[dict[int, list[int]]], list[int]] | None = None,
) -> str:
    """One-line reason why request k has no slot in this schedule."""
    occ, used = occupancy or _occupancy(idx, assign)
    r = idx.requests[k]
    a, b = idx.ends[k]
    if not idx.domain[k]:
        common = idx.free[a] & idx.free[b]
        if not common:
            return f"no common free slot for {r.a!r} and {r.b!r}"
        if r.allowed_slots is not None:
            return "no allowed slot where both participants are free"
        return "no tables in any common free slot"
    for p, who in ((a, r.a), (b, r.b)):
        usable = {s for s in idx.domain[k]}
        wishes = len(idx.by_person[p])
        free = idx.free_count(p)
        if wishes > free and all(len(occ[p].get(s, ())) >= idx.cap[p] for s in usable):
            return f"participant {who!r} has more wishes ({wishes}) than free slots ({free})"
    blocking: list[int] = []
    tables_full = True
    for s in idx.domain[k]:
        person_busy = False
        for p in (a, b):
            here = occ[p].get(s, [])
            if len(here) >= idx.cap[p]:
                person_busy = True
                blocking += here
        if not person_busy and used[s] < idx.tables[s]:
            return "not placed (solver stopped before placing it)"
        if person_busy:
            tables_full = False
    if tables_full:
        return "tables full in every common free slot"
    if blocking and min(idx.requests[m].weight for m in blocking) >= r.weight:
        return "lower priority than placed meetings"
    return "both participants busy with other meetings in every common free slot"


def why_empty(idx: Index, p: int) -> str:
    """Reason a participant ended up with no meeting."""
    if not idx.by_person[p]:
        return "no requested meetings"
    if not any(idx.domain[k] for k in idx.by_person[p]):
        return "no common free slot with any requested partner"
    return "all requested meetings lost to higher-priority ones"


def build_report(
    idx: Index,
    assign: list[int | None],
    status: str,
    ub_weight: int,
    ub_count: int,
    time_s: float,
    phases: list[tuple[str, str, float]],
    breaks_lb: int = 0,
) -> Report:
    """Assemble the Report of a finished schedule."""
    busy = busy_sets(idx, assign)
    breaks: dict[Participant, int] = {
        idx.people[p]: count_breaks(busy[p], idx) for p in range(len(idx.people))
    }
    placed = [k for k, s in enumerate(assign) if s is not None]
    placed_w = sum(idx.requests[k].weight for k in placed)
    occupancy = _occupancy(idx, assign)
    unplaced: dict[RequestId, str] = {
        idx.requests[k].id: why_unplaced(idx, assign, k, occupancy)
        for k, s in enumerate(assign)
        if s is None
    }
    without = {idx.people[p]: why_empty(idx, p) for p in range(len(idx.people)) if not busy[p]}
    vals = list(breaks.values())
    total = sum(vals)
    return Report(
        status=status,
        requested_count=len(idx.requests),
        requested_weight=sum(r.weight for r in idx.requests),
        placed_count=len(placed),
        placed_weight=placed_w,
        upper_bound_weight=max(ub_weight, placed_w),
        upper_bound_count=max(ub_count, len(placed)),
        breaks=breaks,
        total_breaks=total,
        fairness_spread=(max(vals) - min(vals)) if vals else 0,
        unplaced=unplaced,
        without_meetings=without,
        time_s=time_s,
        breaks_lower_bound=min(breaks_lb, total),
        phases=phases,
    )
