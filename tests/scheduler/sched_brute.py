"""Exhaustive reference solver for tiny problems (tests only)."""

from __future__ import annotations

import itertools

from matchmaker.scheduler.index import Index, count_breaks
from matchmaker.scheduler.model import Problem


def brute_force(problem: Problem) -> tuple[int, int | None]:
    """(best placed weight, fewest total breaks among fair schedules of that weight or None)."""
    idx = Index(problem)
    options = [[None, *d] for d in idx.domain]
    best_w, best_b = -1, None
    for combo in itertools.product(*options):
        if any(pin is not None and combo[k] != pin for k, pin in enumerate(idx.pinned)):
            continue
        used = [0] * idx.n_slots
        load: dict[tuple[int, int], int] = {}
        ok = True
        for k, s in enumerate(combo):
            if s is None:
                continue
            used[s] += 1
            for p in idx.ends[k]:
                load[p, s] = load.get((p, s), 0) + 1
                if load[p, s] > idx.cap[p]:
                    ok = False
            if used[s] > idx.tables[s]:
                ok = False
        if not ok:
            continue
        w = sum(idx.requests[k].weight for k, s in enumerate(combo) if s is not None)
        if w < best_w:
            continue
        busy = [{s for (q, s) in load if q == p} for p in range(len(idx.people))]
        br = [count_breaks(b, idx) for b in busy]
        fair = problem.fairness is None or not br or max(br) - min(br) <= problem.fairness
        if w > best_w:
            best_w, best_b = w, None
        if fair and (best_b is None or sum(br) < best_b):
            best_b = sum(br)
    return best_w, best_b
