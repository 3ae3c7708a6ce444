"""Large Neighbourhood Search on placed weight, warm-started from the greedy.

On fair-sized roundtables (2 days x 16 slots, 200 buyers x 60 organisations, ~75,000
(request, slot) pairs) CP-SAT on the whole model spends its budget in presolve and returns
the greedy's own schedule. Here the schedule is improved piece by piece instead: free the
meetings of a few slots, or of the participants around a heavy unplaced request, keep
everything else where it is, and solve that small problem exactly (maximum placed weight
with the tables and seats the fixed meetings leave). A result is kept when it places at
least as much weight, so the search can also drift sideways.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from . import cancel as cancellable
from .cancel import CancelToken
from .index import Index

# Seconds per sub-problem, slots freed by a slot neighbourhood, participants freed by a
# participant neighbourhood, share of slot neighbourhoods (see docs/performance-scheduler.md).
SUB_S = 1.0
SLOTS = (2, 3, 4)
PEOPLE = 8
SLOT_SHARE = 0.5


def placed_weight(idx: Index, assign: list[int | None]) -> int:
    """Weight of the placed requests."""
    return sum(idx.requests[k].weight for k, s in enumerate(assign) if s is not None)


def complete(idx: Index, partial: list[int | None]) -> list[int | None]:
    """Add what fits to a valid partial schedule, heaviest requests first (greedy order)."""
    from .greedy import GreedyState

    st = GreedyState(idx)
    for k, s in enumerate(partial):
        if s is not None:
            st.put(k, s)
    rest = sorted(
        (k for k, s in enumerate(partial) if s is None and idx.domain[k]),
        key=lambda k: (-idx.requests[k].weight, len(idx.domain[k])),
    )
    for k in rest:
        s = st.best_slot(k)
        if s is not None:
            st.put(k, s)
    return list(st.at)


def lns_place(
    idx: Index,
    start: list[int | None],
    time_limit_s: float,
    bound: int,
    seed: int = 0,
    cancel: CancelToken | None = None,
    on_improve: Callable[[int], None] | None = None,
) -> tuple[list[int | None], int]:
    """Raise the placed weight of the valid schedule `start`; stop at `bound`.

    Returns (best schedule, number of sub-problems solved). Never returns a worse schedule.
    """
    from ortools.sat.python import cp_model  # lazy: OR-Tools only when a solve needs it

    t_end = time.perf_counter() + time_limit_s
    rng = random.Random(seed)
    cur = list(start)
    cur_w = placed_weight(idx, cur)
    solved = 0
    weights = [r.weight for r in idx.requests]
    while cur_w < bound and not (cancel and cancel.cancelled):
        left = t_end - time.perf_counter()
        if left < 0.1:
            break
        if rng.random() < SLOT_SHARE:
            free, slots = _slot_neighbourhood(idx, cur, rng)
        else:
            free, slots = _people_neighbourhood(idx, cur, rng), None
        free = [k for k in free if idx.pinned[k] is None and idx.domain[k]]
        if not free:
            continue
        new = _solve_sub(idx, cur, free, slots, t_end, rng, cancel, cp_model)
        solved += 1
        if new is None:
            continue
        new_w = sum(weights[k] for k, s in enumerate(new) if s is not None)
        if new_w >= cur_w:
            if new_w > cur_w and on_improve is not None:
                on_improve(new_w)
            cur, cur_w = new, new_w
    return cur, solved


def _slot_neighbourhood(
    idx: Index, cur: list[int | None], rng: random.Random
) -> tuple[list[int], set[int]]:
    """Every meeting in a few slots, and the unplaced requests that could go there.

    Half the time the slots are drawn from the domain of a heavy unplaced request (that is
    where weight is lost); unplaced requests lighter than every meeting freed are left out
    (they could only take a table by pushing out a heavier meeting) to keep the model small.
    """
    width = min(idx.n_slots, rng.choice(SLOTS))
    unplaced = [k for k, s in enumerate(cur) if s is None and idx.domain[k]]
    pool: list[int] = []
    if unplaced and rng.random() < 0.5:
        k0 = rng.choices(unplaced, [idx.requests[k].weight for k in unplaced])[0]
        pool = list(idx.domain[k0])
    if len(pool) >= width:
        slots = set(rng.sample(pool, width))
    else:
        slots = set(pool) | set(rng.sample(range(idx.n_slots), width - len(pool)))
    placed = [k for k, s in enumerate(cur) if s in slots]
    lightest = min((idx.requests[k].weight for k in placed), default=0)
    free = placed + [
        k
        for k in unplaced
        if idx.requests[k].weight >= lightest and any(t in slots for t in idx.domain[k])
    ]
    return free, slots


def _people_neighbourhood(idx: Index, cur: list[int | None], rng: random.Random) -> list[int]:
    """Every request of the two sides of a heavy unplaced request and of some of their partners."""
    unplaced = [k for k, s in enumerate(cur) if s is None and idx.domain[k]]
    if not unplaced:
        return []
    # Heavier unplaced requests are picked more often: that is where weight is lost.
    k0 = rng.choices(unplaced, [idx.requests[k].weight for k in unplaced])[0]
    chosen = set(idx.ends[k0])
    frontier = list(chosen)
    while len(chosen) < PEOPLE and frontier:
        q = rng.choice(frontier)
        partners = [p for k in idx.by_person[q] if cur[k] is not None for p in idx.ends[k]]
        partners = [p for p in partners if p not in chosen]
        if not partners:
            frontier.remove(q)
            continue
        p = rng.choice(partners)
        chosen.add(p)
        frontier.append(p)
    return sorted({k for p in chosen for k in idx.by_person[p]})


def _solve_sub(
    idx: Index,
    cur: list[int | None],
    free: list[int],
    slots: set[int] | None,
    t_end: float,
    rng: random.Random,
    cancel: CancelToken | None,
    cp_model,
) -> list[int | None] | None:
    """Best placement of `free` (within `slots` if given) around the other, fixed meetings."""
    free_set = set(free)
    used = [0] * idx.n_slots
    load: dict[tuple[int, int], int] = {}
    for k, s in enumerate(cur):
        if s is None or k in free_set:
            continue
        used[s] += 1
        for p in idx.ends[k]:
            load[p, s] = load.get((p, s), 0) + 1
    m = cp_model.CpModel()
    per_slot: dict[int, list] = {}
    per_seat: dict[tuple[int, int], list] = {}
    xs: dict[int, dict[int, cp_model.IntVar]] = {}
    lits: list[cp_model.IntVar] = []
    coefs: list[int] = []
    hinted: list[int] = []
    for k in free:
        a, b = idx.ends[k]
        row = {}
        for s in idx.domain[k]:
            if slots is not None and s not in slots:
                continue
            if used[s] >= idx.tables[s]:
                continue
            if load.get((a, s), 0) >= idx.cap[a] or load.get((b, s), 0) >= idx.cap[b]:
                continue
            v = m.new_bool_var("")
            row[s] = v
            per_slot.setdefault(s, []).append(v)
            per_seat.setdefault((a, s), []).append(v)
            per_seat.setdefault((b, s), []).append(v)
            lits.append(v)
            coefs.append(idx.requests[k].weight)
            if cur[k] == s:
                hinted.append(v.index)
        if row:
            xs[k] = row
            if len(row) > 1:
                m.add_at_most_one(row.values())
    for s, vs in per_slot.items():
        if len(vs) > idx.tables[s] - used[s]:
            m.add(cp_model.LinearExpr.sum(vs) <= idx.tables[s] - used[s])
    for (p, s), vs in per_seat.items():
        room = idx.cap[p] - load.get((p, s), 0)
        if len(vs) > room:
            if room == 1:
                m.add_at_most_one(vs)
            else:
                m.add(cp_model.LinearExpr.sum(vs) <= room)
    # The current placement of the freed meetings is a solution; ask for at least as much.
    current = sum(idx.requests[k].weight for k in free if cur[k] is not None)
    # Objective and 'at least the current weight' written into the proto as well: through
    # the expression API they cost ~0.1 s per sub-problem of ~4,000 variables.
    proto = m.proto
    ids = [v.index for v in lits]
    floor = proto.constraints.add().linear
    floor.vars.extend(ids)
    floor.coeffs.extend(coefs)
    floor.domain.extend([current, sum(coefs)])
    proto.objective.vars.extend(ids)
    proto.objective.coeffs.extend(-c for c in coefs)  # CP-SAT minimises; -1 scales it back
    proto.objective.scaling_factor = -1
    # A complete hint (the current placement), written straight into the proto: add_hint
    # per variable cost ~0.1 s per sub-problem.
    ones = set(hinted)
    proto.solution_hint.vars.extend(ids)
    proto.solution_hint.values.extend(int(i in ones) for i in ids)
    limit = min(SUB_S, t_end - time.perf_counter())  # building the model took time too
    if limit < 0.05:
        return None
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 1
    # Presolve (probing, overlap detection) took 1-2 s of each sub-problem and found nothing
    # the root LP does not: without it the same neighbourhoods solve 2-5x faster.
    solver.parameters.cp_model_presolve = False
    solver.parameters.random_seed = rng.randrange(1 << 30)
    code = cancellable.solve(solver, m, cancel)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    new = list(cur)
    for k in free:
        new[k] = None
        for s, v in xs.get(k, {}).items():
            if solver.boolean_value(v):
                new[k] = s
    return new

