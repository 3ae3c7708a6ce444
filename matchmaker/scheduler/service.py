"""solve(): greedy start, CP-SAT phase 1 (placed weight), CP-SAT phase 2 (breaks, fairness)."""

from __future__ import annotations

import time

from .bounds import lp_bound
from .cpsat import CancelToken, SatModel
from .greedy import greedy_state
from .index import Index
from .model import (
    STATUS_FEASIBLE,
    STATUS_GREEDY,
    STATUS_INFEASIBLE,
    STATUS_OPTIMAL,
    Problem,
    ProgressFn,
    Schedule,
)
from .report import build_report

# Above this many x variables the models keep only the most promising requests (memory, speed).
MAX_VARS = 250_000
# Above this many (request, slot) pairs the break phase only re-slots the placed meetings.
BIG_BREAK_MODEL = 20_000


def _weight(idx: Index, assign: list[int | None]) -> int:
    return sum(idx.requests[k].weight for k, s in enumerate(assign) if s is not None)


def _keep_for_phase1(idx: Index, assign: list[int | None], max_vars: int) -> list[int] | None:
    """All requests if small; else the placed ones plus the heaviest unplaced ones."""
    total = sum(len(d) for d in idx.domain)
    if total <= max_vars:
        return None
    keep = [k for k, s in enumerate(assign) if s is not None]
    budget = max_vars - sum(len(idx.domain[k]) for k in keep)
    rest = sorted(
        (k for k, s in enumerate(assign) if s is None and idx.domain[k]),
        key=lambda k: -idx.requests[k].weight,
    )
    for k in rest:
        if budget <= 0:
            break
        keep.append(k)
        budget -= len(idx.domain[k])
    return keep


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 10.0,
    workers: int = 2,
    progress: ProgressFn | None = None,
    optimise_breaks: bool = True,
    cancel: CancelToken | None = None,
    max_vars: int = MAX_VARS,
) -> Schedule:
    """Schedule as many (weighted) meetings as possible, then minimise breaks; never raises on time-out."""
    t0 = time.perf_counter()
    report_progress = progress or (lambda f, ph, msg: None)

    def left() -> float:
        return time_limit_s - (time.perf_counter() - t0)

    idx = Index(problem)
    report_progress(0.0, "greedy", "building a first schedule")
    st = greedy_state(idx)
    best = list(st.at)
    best_w = _weight(idx, best)
    phases: list[tuple[str, str, float]] = [
        ("greedy", f"weight {best_w}", time.perf_counter() - t0)
    ]
    ub_w = lp_bound(idx, True)
    ub_c = lp_bound(idx, False)
    weight_optimal = best_w >= ub_w
    used_sat = False
    report_progress(0.05, "greedy", f"greedy placed weight {best_w} of at most {ub_w}")

    if not weight_optimal and left() > 0.2 and not (cancel and cancel.cancelled):
        keep = _keep_for_phase1(idx, best, max_vars)
        sat = SatModel(idx, keep)
        sat.m.maximize(sat.placed_weight)
        sat.hint(best)
        share = 0.5 if optimise_breaks else 1.0
        span = max(0.1, left() * share)

        def on_p1(obj: int, bound: int, t: float) -> None:
            report_progress(
                0.05 + 0.45 * min(1.0, t / span), "placing", f"weight {obj} (bound {bound})"
            )

        res = sat.solve(span, workers, on_p1, cancel)
        phases.append(("place", res.status, res.time_s))
        if res.assign is not None:
            used_sat = True
            if res.objective >= best_w:
                best, best_w = res.assign, res.objective
            if res.status == "optimal" and keep is None:
                weight_optimal = True
                ub_w = best_w
            elif keep is None:
                ub_w = min(ub_w, res.bound)

    breaks_optimal = not optimise_breaks
    breaks_lb = 0
    if optimise_breaks and left() > 0.2 and not (cancel and cancel.cancelled):
        keep2 = None
        big = sum(len(d) for d in idx.domain) > BIG_BREAK_MODEL
        if big:
            # Large events: keep the chosen meetings and only move them between slots.
            keep2 = [k for k, s in enumerate(best) if s is not None]
        kept = range(len(idx.requests)) if keep2 is None else keep2
        force = all(best[k] is not None for k in kept if idx.domain[k])
        sat = SatModel(idx, keep2, force=force)
        if not force:
            sat.m.add(sat.placed_weight >= best_w)
        total = sat.add_breaks(problem.fairness)
        sat.m.minimize(total)
        sat.hint(best)
        span = left()

        def on_p2(obj: int, bound: int, t: float) -> None:
            report_progress(
                0.5 + 0.5 * min(1.0, t / span), "breaks", f"{obj} breaks (bound {bound})"
            )

        # Presolve of big break models outlasts the budget; the complete hint is enough.
        params = {"cp_model_presolve": False} if big else None
        res = sat.solve(span, workers, on_p2, cancel, params)
        phases.append(("breaks", res.status, res.time_s))
        if res.assign is not None and _weight(idx, res.assign) >= best_w:
            used_sat = True
            best = res.assign
            breaks_lb = res.bound
            breaks_optimal = res.status == "optimal"

    if not used_sat and not weight_optimal:
        status = STATUS_GREEDY
    elif weight_optimal and breaks_optimal:
        status = STATUS_OPTIMAL
    else:
        status = STATUS_FEASIBLE if used_sat else STATUS_GREEDY
    placed_all = all(s is not None for s in best)
    if problem.must_place_all and not placed_all and weight_optimal:
        status = STATUS_INFEASIBLE
    report_progress(1.0, "done", status)
    elapsed = time.perf_counter() - t0
    report = build_report(idx, best, status, ub_w, ub_c, elapsed, phases, breaks_lb)
    assignments = {idx.requests[k].id: idx.slots[s] for k, s in enumerate(best) if s is not None}
    return Schedule(assignments, report)
