"""Cheap upper bounds on what any schedule could place (LP relaxation of a b-matching)."""

from __future__ import annotations

from .index import Index
from .model import Problem


def _person_slots(idx: Index) -> list[int]:
    """Per participant: meetings it could attend at most (distinct usable slots x capacity)."""
    out = []
    for p, reqs in enumerate(idx.by_person):
        usable: set[int] = set()
        for k in reqs:
            usable.update(idx.domain[k])
        out.append(len(usable) * idx.cap[p])
    return out


def lp_bound(idx: Index, weighted: bool = True) -> int:
    """Fractional b-matching bound: per-person usable slots, total tables, pins fixed."""
    # Imported here: OR-Tools costs ~90 MB and most importers never compute a bound.
    from ortools.linear_solver import pywraplp

    weights = [r.weight if weighted else 1 for r in idx.requests]
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with ortools
        return simple_bound(idx, weighted)
    y = []
    for k in range(len(idx.requests)):
        lo = 1.0 if idx.pinned[k] is not None else 0.0
        hi = 1.0 if idx.domain[k] else 0.0
        y.append(solver.NumVar(lo, hi, ""))
    for p, cap in enumerate(_person_slots(idx)):
        reqs = idx.by_person[p]
        if len(reqs) > cap:
            solver.Add(sum(y[k] for k in reqs) <= cap)
    usable_tables = sum(t for s, t in enumerate(idx.tables) if any(s in d for d in idx.domain))
    if len(y) > usable_tables:
        solver.Add(sum(y) <= usable_tables)
    solver.Maximize(sum(w * v for w, v in zip(weights, y, strict=True)))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return simple_bound(idx, weighted)
    # Tolerance: GLOP works in floating point.
    return min(simple_bound(idx, weighted), int(solver.Objective().Value() + 1e-6))


def simple_bound(idx: Index, weighted: bool = True) -> int:
    """Requests with a feasible slot, capped by the total number of tables."""
    ws = sorted(
        (r.weight if weighted else 1 for k, r in enumerate(idx.requests) if idx.domain[k]),
        reverse=True,
    )
    return sum(ws[: sum(idx.tables)])


def upper_bound(problem: Problem, weighted: bool = True) -> int:
    """Upper bound on the placed weight (or count when weighted=False) of any schedule."""
    return lp_bound(Index(problem), weighted)
