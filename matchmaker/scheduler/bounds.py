"""Cheap upper bounds on what any schedule could place (LP relaxation of a b-matching)."""

from __future__ import annotations

import time

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


# Above this many (request, slot) pairs the slot LP is not tried (GLOP time and memory).
SLOT_LP_MAX_VARS = 200_000
# Share of slot_lp's time for the LP with tie-breaks (4-5 s at 30 tables under load).
PREFER_SHARE = 0.6


def slot_lp(
    idx: Index, time_limit_s: float, prefer: list[int | None] | None = None
) -> tuple[int | None, list[int | None] | None, bool]:
    """LP relaxation of the whole slot model: x[k, s] per request and usable slot, at most one
    slot per request (pins exactly one), tables per slot, seats per participant and slot.

    Returns (upper bound on placed weight or None if GLOP did not finish, the requests at 1 in
    the LP solution as a valid partial schedule, whether the solution was integral, in which
    case that schedule is optimal and the bound is its weight). Never looser than
    lp_bound's aggregate: on the generated roundtables it is equal, and GLOP's vertex is often
    integral, i.e. an optimal schedule with its proof.

    prefer: a schedule whose slots break ties between optimal solutions: weights are scaled
    by more than the number of requests and each request earns 1 at its preferred slot, so
    an optimal schedule keeps as much of, e.g., the greedy's compact days as it can. That LP
    gets PREFER_SHARE of the time; if it does not finish, the plain one gets the rest.
    """
    from ortools.linear_solver import pywraplp

    t_end = time.perf_counter() + time_limit_s
    n_vars = sum(len(d) for d in idx.domain)
    if n_vars == 0 or n_vars > SLOT_LP_MAX_VARS:
        return None, None, False
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with ortools
        return None, None, False
    # The low-level API (one call per coefficient): building through linear expressions took
    # ~10 s for 75,000 variables under load.
    per_slot = [solver.Constraint(0, t) for t in idx.tables]
    seats: dict[tuple[int, int], pywraplp.Constraint] = {}
    objective = solver.Objective()
    objective.SetMaximization()
    xs: list[list[tuple[int, pywraplp.Variable]]] = []
    for k, dom in enumerate(idx.domain):
        row: list[tuple[int, pywraplp.Variable]] = []
        if dom:
            once = solver.Constraint(1 if idx.pinned[k] is not None else 0, 1)
            weight = idx.requests[k].weight
            for s in dom:
                v = solver.NumVar(0, 1, "")
                row.append((s, v))
                once.SetCoefficient(v, 1)
                per_slot[s].SetCoefficient(v, 1)
                for p in idx.ends[k]:
                    seat = seats.get((p, s))
                    if seat is None:
                        seat = seats[p, s] = solver.Constraint(0, idx.cap[p])
                    seat.SetCoefficient(v, 1)
                objective.SetCoefficient(v, weight)
        xs.append(row)
    if prefer is not None:
        # Tie-breaks first, from scratch (re-solving from the plain optimum's basis was slower
        # than that): at most one point per request, less than one weight unit in all.
        scale = len(idx.requests) + 1
        for k, row in enumerate(xs):
            for s, v in row:
                objective.SetCoefficient(v, idx.requests[k].weight * scale + (prefer[k] == s))
        solver.SetTimeLimit(max(1, int(PREFER_SHARE * (t_end - time.perf_counter()) * 1000)))
        if solver.Solve() == pywraplp.Solver.OPTIMAL:
            assign, integral = _read(xs)
            return int(objective.Value() / scale + 1e-6), assign, integral
        # Degenerate ties can make this LP much slower (> 60 s against 4 s at 60 tables):
        # then the plain LP in what is left.
        for k, row in enumerate(xs):
            for _, v in row:
                objective.SetCoefficient(v, idx.requests[k].weight)
    left = t_end - time.perf_counter()
    if left < 0.2:
        return None, None, False
    solver.SetTimeLimit(max(1, int(left * 1000)))
    fresh = pywraplp.MPSolverParameters()  # not from the unfinished tie-break run's basis
    fresh.SetIntegerParam(fresh.INCREMENTALITY, fresh.INCREMENTALITY_OFF)
    if solver.Solve(fresh) != pywraplp.Solver.OPTIMAL:
        return None, None, False
    return (int(objective.Value() + 1e-6), *_read(xs))  # GLOP works in floating point


def _read(xs: list[list[tuple[int, object]]]) -> tuple[list[int | None], bool]:
    """The requests at 1 in GLOP's solution, and whether the solution was integral.

    Values at 1 never exceed a table or seat (the fractional rest is >= 0): rounding down
    always gives a valid partial schedule.
    """
    assign: list[int | None] = [None] * len(xs)
    integral = True
    for k, row in enumerate(xs):
        for s, v in row:
            val = v.solution_value()  # type: ignore[attr-defined]
            if val > 1 - 1e-6:
                assign[k] = s
            elif val > 1e-6:
                integral = False
    return assign, integral
