"""Large Neighbourhood Search on breaks for complete (must-place-all) schedules.

Starting from a complete schedule, repeatedly free the meetings of a few participants (those
with the most breaks, plus some of their partners) or of a window of slots, re-solve that
sub-problem exactly with CP-SAT (everything else fixed, objective = total breaks, fairness
kept) and keep the result when it is not worse. CP-SAT's own LNS does not know which
participants cause the breaks; these neighbourhoods do.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from . import cancel as cancellable
from .cancel import CancelToken
from .index import Index, count_breaks
from .report import busy_sets

# Participants freed per neighbourhood at first (grows when small ones stall), seconds per
# sub-solve, share of slot-window neighbourhoods. Tuned on forum-13crafc (5/1.0/0.1 reached
# 11 breaks in 25 s where 3/0.5 reached 22 and 7/2.0 reached 18).
SIZE0 = 5
SUB = 1.0
WIN = 0.1


def _breaks(idx: Index, assign: list[int | None]) -> list[int]:
    return [count_breaks(b, idx) for b in busy_sets(idx, assign)]


def lns_breaks(
    idx: Index,
    start: list[int | None],
    fairness: int | None,
    time_limit_s: float,
    target: int = 0,
    workers: int = 2,
    seed: int = 0,
    cancel: CancelToken | None = None,
    on_improve: Callable[[int], None] | None = None,
) -> tuple[list[int | None], bool]:
    """Improve the breaks of the complete schedule `start`; stop at `target` breaks.

    Returns (best schedule, proven optimal) where 'proven' means a neighbourhood covering
    every meeting was solved to optimality.
    """
    from ortools.sat.python import cp_model

    from .cpsat import SatModel

    t_end = time.perf_counter() + time_limit_s
    rng = random.Random(seed)
    sat = SatModel(idx, force=True)
    total = sat.add_breaks(fairness)
    sat.m.minimize(total)
    base = sat.m
    cur = list(start)
    per = _breaks(idx, cur)
    cur_total = sum(per)
    n_req = len(idx.requests)
    size = SIZE0  # participants freed per neighbourhood
    sub_limit = SUB
    stall = 0
    while cur_total > target and not (cancel and cancel.cancelled):
        left = t_end - time.perf_counter()
        if left < 0.3:
            break
        free = _neighbourhood(idx, cur, per, rng, size)
        if len(free) >= n_req:
            free = set(range(n_req))
        sat.hint(cur)
        model = base.clone()
        proto = model.proto
        for k in range(n_req):
            s = cur[k]
            if k in free or s is None or s not in sat.x[k]:
                continue
            dom = proto.variables[sat.x[k][s].index].domain
            dom[0] = 1  # fix x = 1 (its domain is [0, 1])
        model.add(total <= cur_total)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = min(sub_limit, left)
        solver.parameters.num_workers = workers
        solver.parameters.random_seed = rng.randrange(1 << 30)
        code = cancellable.solve(solver, model, cancel)
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            stall += 1
        else:
            new = list(cur)
            for k in free:
                for s, v in sat.x[k].items():
                    if solver.boolean_value(v):
                        new[k] = s
            new_per = _breaks(idx, new)
            new_total = sum(new_per)
            if new_total < cur_total:
                stall = 0
                if on_improve is not None:
                    on_improve(new_total)
            else:
                stall += 1
            if new_total <= cur_total:
                cur, per, cur_total = new, new_per, new_total
            if code == cp_model.OPTIMAL and len(free) == n_req:
                return cur, True
        # Grow the neighbourhood when small ones stop paying off.
        if stall >= 8:
            size = min(len(idx.people), size + max(1, size // 3))
            stall = 0
    return cur, False


def _neighbourhood(
    idx: Index, cur: list[int | None], per: list[int], rng: random.Random, size: int
) -> set[int]:
    """Meetings to free: those of `size` participants chosen around the ones with breaks,
    or every meeting in a window of slots."""
    if rng.random() < WIN:
        width = max(2, min(idx.n_slots, rng.randint(2, 5)))
        lo = rng.randrange(0, idx.n_slots - width + 1)
        return {k for k, s in enumerate(cur) if s is not None and lo <= s < lo + width}
    broken = [p for p, b in enumerate(per) if b > 0]
    chosen: set[int] = set()
    if broken:
        seed_p = rng.choice(broken)
        chosen.add(seed_p)
    frontier = list(chosen) or [rng.randrange(len(idx.people))]
    chosen.update(frontier)
    while len(chosen) < size:
        if broken and rng.random() < 0.4:
            p = rng.choice(broken)
        else:
            q = rng.choice(frontier)
            partners = [b if a == q else a for k in idx.by_person[q] for a, b in [idx.ends[k]]]
            p = rng.choice(partners) if partners else rng.randrange(len(idx.people))
        if p not in chosen:
            chosen.add(p)
            frontier.append(p)
        elif len(chosen) >= len(idx.people):
            break
    return {k for p in chosen for k in idx.by_person[p]}
