"""solve(): greedy start, CP-SAT phase 1 (placed weight), CP-SAT phase 2 (breaks, fairness).

must_place_all problems (the B2B events) go to the SAT model of satbreaks.py instead.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from .bounds import lp_bound
from .cancel import CancelToken
from .greedy import greedy_state
from .index import Index, count_breaks
from .model import (
    STATUS_FEASIBLE,
    STATUS_GREEDY,
    STATUS_INFEASIBLE,
    STATUS_OPTIMAL,
    Problem,
    ProgressFn,
    Schedule,
)
from .report import build_report, busy_sets

if TYPE_CHECKING:  # pragma: no cover - typing only
    from .cpsat import PhaseResult, SatModel

# Above this many x variables phase 1 keeps only the most promising requests (memory, speed).
MAX_VARS = 250_000
# Above this many (request, slot) pairs the break phase only re-slots the placed meetings.
BIG_BREAK_MODEL = 20_000
# Share of the break-phase time spent descending from the incumbent before proving bounds.
DESCENT_SHARE = 0.3
# Must-place-all: each "breaks <= lb" proof gets at least this many seconds or this share of
# what is left; when it times out, the rest goes to the break LNS (lns.py).
ASCEND_MIN_S = 5.0
ASCEND_SHARE = 0.35
# Above this many (request, slot) pairs phase 1 is the slot LP, then an LNS from the best
# schedule so far (placelns.py): CP-SAT on the whole model spent its budget in presolve and
# returned the greedy's weight (fair size, ~75,000 pairs).
PLACE_LNS_VARS = 20_000
# Share of phase 1's time the slot LP may take on big events (GLOP: ~4-6 s at fair size under
# load; it stops at its limit and the LNS takes the rest).
SLOT_LP_SHARE = 0.7
# The LNS gets this much more of the time than CP-SAT's phase 1 did: at fair size the weight
# gap is where the quality report's gap is; the break phase only re-slots.
PLACE_LNS_BOOST = 1.4


class _Run:
    """Mutable state of one solve() call: incumbent, bounds, clock, progress."""

    def __init__(
        self,
        problem: Problem,
        time_limit_s: float,
        workers: int,
        progress: ProgressFn | None,
        cancel: CancelToken | None,
    ) -> None:
        self.t0 = time.perf_counter()
        self.problem = problem
        self.limit = time_limit_s
        self.workers = workers
        self._user_progress = progress
        self._frac = 0.0
        self.cancel = cancel
        self.idx = Index(problem)
        self.best: list[int | None] = []
        self.best_w = 0
        self.phases: list[tuple[str, str, float]] = []
        self.used_sat = False
        self.weight_optimal = False
        self.breaks_optimal = False
        self.breaks_lb = 0
        self.ub_w = 0  # best known upper bound on the placed weight
        # must_place_all: every meeting placed, but no schedule meets the fairness bound.
        self.proven_unfair = False  # no complete schedule meets the fairness bound

    def progress(self, frac: float, phase: str, msg: str) -> None:
        """Forward progress to the caller, never letting the fraction go backwards."""
        self._frac = max(self._frac, min(1.0, frac))
        if self._user_progress is not None:
            self._user_progress(self._frac, phase, msg)

    def left(self) -> float:
        """Seconds left of the time limit, minus a reserve for reading back and reporting."""
        reserve = min(2.0, 0.03 * self.limit)
        return self.limit - reserve - (time.perf_counter() - self.t0)

    def can_run(self) -> bool:
        """Time is left and nobody cancelled."""
        return self.left() > 0.2 and not (self.cancel and self.cancel.cancelled)

    def weight(self, assign: list[int | None]) -> int:
        """Placed weight of an assignment."""
        return sum(self.idx.requests[k].weight for k, s in enumerate(assign) if s is not None)

    def adopt_complete(self, assign: list[int | None], breaks_lb: int, optimal: bool) -> None:
        """A schedule placing every meeting, from a breaks search, becomes the incumbent."""
        self.used_sat = True
        self.best, self.best_w = assign, self.weight(assign)
        self.weight_optimal = True
        self.breaks_lb = breaks_lb
        self.breaks_optimal = optimal

    def note(self, phase: str, res: PhaseResult) -> None:
        """Record a phase in the report."""
        self.phases.append((phase, res.status, res.time_s))

    def reporter(self, lo: float, hi: float, phase: str, span: float, what: str):
        """Solution callback mapping solver time onto the [lo, hi] progress range."""

        def on_solution(obj: int, bound: int, t: float) -> None:
            frac = lo + (hi - lo) * min(1.0, t / max(span, 1e-9))
            self.progress(frac, phase, progress_message(obj, what, bound))

        return on_solution


def progress_message(value: int | None, what: str, bound: int) -> str:
    """The figures a progress report carries: "12 breaks (bound 4)", "- breaks (bound 4)"
    before any schedule, "5208 weight (bound 5210)". English, for the log and scripts; the
    web page reads them back with progress_figures and words them in the reader's language."""
    return f"{'-' if value is None else value} {what} (bound {bound})"


_FIGURES = re.compile(r"^(-|\d+) (breaks|weight) \(bound (-?\d+)\)$")


def progress_figures(message: str | None) -> tuple[str, int | None, int] | None:
    """(what, value or None, bound) from a progress_message, or None for any other text."""
    found = _FIGURES.match(message or "")
    if found is None:
        return None
    value = None if found[1] == "-" else int(found[1])
    return found[2], value, int(found[3])


def _kept(run: _Run, max_vars: int) -> list[int] | None:
    """All requests if small; else the placed ones plus the heaviest unplaced ones."""
    idx = run.idx
    if sum(len(d) for d in idx.domain) <= max_vars:
        return None
    keep = [k for k, s in enumerate(run.best) if s is not None]
    budget = max_vars - sum(len(idx.domain[k]) for k in keep)
    rest = sorted(
        (k for k, s in enumerate(run.best) if s is None and idx.domain[k]),
        key=lambda k: -idx.requests[k].weight,
    )
    for k in rest:
        if budget <= 0:
            break
        keep.append(k)
        budget -= len(idx.domain[k])
    return keep


def _place(run: _Run, share: float, max_vars: int, ub_w: int) -> None:
    """Phase 1: maximise placed weight, hinted with the incumbent."""
    from .cpsat import SatModel  # lazy: OR-Tools only when a solve needs it

    # must_place_all keeps CP-SAT: its proof that not everything fits is what says infeasible.
    if not run.problem.must_place_all and sum(len(d) for d in run.idx.domain) > PLACE_LNS_VARS:
        _place_lns(run, min(1.0, share * PLACE_LNS_BOOST), ub_w)
        return
    keep = _kept(run, max_vars)
    sat = SatModel(run.idx, keep)
    sat.m.maximize(sat.placed_weight)
    sat.hint(run.best)
    span = max(0.1, run.left() * share)
    res = sat.solve(
        span, run.workers, run.reporter(0.05, 0.5, "placing", span, "weight"), run.cancel
    )
    run.note("place", res)
    if res.assign is None:
        return
    run.used_sat = True
    if res.objective >= run.best_w:
        run.best, run.best_w = res.assign, res.objective
    if res.status == "optimal" and keep is None:
        run.weight_optimal = True


def _place_lns(run: _Run, share: float, ub_w: int) -> None:
    """Phase 1 on big events: the slot LP (bounds.slot_lp), whose solution is often integral,
    i.e. an optimal schedule with its proof; else its rounded-down solution completed by the
    greedy, and an LNS from the best so far (placelns.py), optimal only at the bound."""
    from .bounds import slot_lp
    from .placelns import complete, lns_place

    t0 = time.perf_counter()
    span = max(0.1, run.left() * share)
    run.progress(0.05, "placing", "linear relaxation of the slot model")
    # Ties between optimal solutions go to the greedy's slots: the LP's own vertex scattered
    # meetings (about twice the greedy's breaks); preferring the greedy's slots kept them
    # within -5..+4 % of the greedy's on the tight seeds.
    bound, partial, integral = slot_lp(run.idx, span * SLOT_LP_SHARE, prefer=run.best)
    if bound is not None:
        run.ub_w = ub_w = min(ub_w, bound)
        start = partial if integral else complete(run.idx, partial or [])
        weight = run.weight(start)
        how = "integral" if integral else "fractional, rounded down and completed"
        run.phases.append(("slot lp", f"bound {bound}, {how}, schedule weight {weight}",
                           time.perf_counter() - t0))  # fmt: skip
        if weight > run.best_w:
            run.used_sat = True
            run.best, run.best_w = start, weight
    if run.best_w >= ub_w:
        run.weight_optimal = True
        return
    span = max(0.1, span - (time.perf_counter() - t0))
    t0 = time.perf_counter()

    def on_improve(weight: int) -> None:
        done = (time.perf_counter() - t0) / span
        run.progress(0.05 + 0.45 * min(1.0, done), "placing", f"weight {weight} (bound {ub_w})")

    best, solved = lns_place(run.idx, run.best, span, ub_w, cancel=run.cancel,
                             on_improve=on_improve)  # fmt: skip
    weight = run.weight(best)
    run.phases.append(("place lns", f"weight {weight} ({solved} sub-problems)",
                       time.perf_counter() - t0))  # fmt: skip
    if weight > run.best_w:
        run.used_sat = True
        run.best, run.best_w = best, weight
    if weight >= ub_w:
        run.weight_optimal = True


def _place_all(run: _Run) -> str:
    """must_place_all: search a complete schedule directly, already minimising breaks."""
    from .cpsat import SatModel  # lazy: OR-Tools only when a solve needs it

    sat = SatModel(run.idx, force=True)
    total = sat.add_breaks(run.problem.fairness)
    sat.m.minimize(total)
    # No greedy hint: on the B2B events it steered CP-SAT to much worse schedules (27 vs 15
    # breaks on forum-13crafc after 25 s).
    span = run.left() * DESCENT_SHARE
    res = sat.solve(
        span, run.workers, run.reporter(0.05, 0.5, "breaks", span, "breaks"), run.cancel
    )
    run.note("place all", res)
    if res.assign is not None:
        run.adopt_complete(res.assign, res.bound, res.status == "optimal")
    return res.status


def _sat_place_all(run: _Run) -> str:
    """must_place_all, one seat each: the SAT model of satbreaks.py, bound by bound."""
    from .satbreaks import fairest_spread, sat_breaks  # lazy, like OR-Tools

    t0 = time.perf_counter()

    lower = 0
    found: int | None = None

    def on_step(bound: int | None, result: str) -> None:
        # "breaks <= bound?" (None: any number) answered "found", "none" or "timed out".
        nonlocal lower, found
        if bound is not None and result == "none":
            lower = max(lower, bound + 1)
        elif bound is not None and result == "found":
            found = bound if found is None else min(found, bound)
        done = (time.perf_counter() - run.t0) / max(run.limit, 1e-9)
        run.progress(
            0.05 + 0.9 * min(1.0, done), "breaks", progress_message(found, "breaks", lower)
        )

    fairness = run.problem.fairness
    out = sat_breaks(run.idx, fairness, run.left(), run.cancel, on_step, run.workers)
    run.phases.append(("sat breaks", out.status, time.perf_counter() - t0))
    if out.status == "infeasible" and fairness is not None and run.can_run():
        # Every meeting may still fit, only not within the fairness bound (fixed meetings
        # can force breaks on some): then the fairest complete schedule, with fewest breaks.
        t0 = time.perf_counter()
        # Proven: no complete schedule meets the bound. What follows only looks for the
        # fairest one; running out of time there proves nothing more.
        run.proven_unfair = True
        spread = fairest_spread(run.idx, fairness, run.left(), run.cancel)
        run.phases.append(("fairness", f"smallest spread {spread}", time.perf_counter() - t0))
        if spread is None:
            # No complete schedule found at all (proven, or time ran out): the caller then
            # places as many meetings as fit. Returning "unknown" here skipped that, and
            # forumt-14.fixed040-Forb ended with the greedy's 222 of 237 in 0.2 s.
            return "infeasible"
        out = sat_breaks(run.idx, spread, run.left(), run.cancel, on_step, run.workers)
        run.phases.append((f"sat breaks (spread <= {spread})", out.status, time.perf_counter() - t0))
        if out.assign is None:
            return "unknown"
    if out.assign is not None:
        run.adopt_complete(out.assign, out.lower_bound, out.status == "optimal")
    return out.status


def _break_model(
    run: _Run, keep: list[int] | None, force: bool, cap: int | None, hint: bool = True
) -> SatModel:
    from .cpsat import SatModel

    sat = SatModel(run.idx, keep, force=force)
    if not force:
        sat.m.add(sat.placed_weight >= run.best_w)
    total = sat.add_breaks(run.problem.fairness)
    if cap is None:
        sat.m.minimize(total)
    else:
        sat.m.add(total <= cap)
    if hint:
        sat.hint(run.best)
    return sat


def _minimise_breaks(run: _Run) -> None:
    """Phase 2: descend from the incumbent, then prove/close the gap bound by bound."""
    idx = run.idx
    big = sum(len(d) for d in idx.domain) > BIG_BREAK_MODEL
    # Large events: keep the chosen meetings and only move them between slots.
    keep = [k for k, s in enumerate(run.best) if s is not None] if big else None
    kept = range(len(idx.requests)) if keep is None else keep
    force = all(run.best[k] is not None for k in kept if idx.domain[k])
    if not run.breaks_optimal and run.phases[-1][0] != "place all":
        sat = _break_model(run, keep, force, None)
        span = run.left() if big else run.left() * DESCENT_SHARE
        # Presolve of big break models outlasts the budget; the complete hint is enough.
        params = {"cp_model_presolve": False} if big else None
        on_sol = run.reporter(0.5, 1.0, "breaks", span, "breaks")
        res = sat.solve(span, run.workers, on_sol, run.cancel, params)
        run.note("breaks", res)
        if res.assign is not None and run.weight(res.assign) >= run.best_w:
            run.used_sat = True
            run.best = res.assign
            run.breaks_lb = max(run.breaks_lb, res.bound)
            run.breaks_optimal = res.status == "optimal"
    if big:
        return
    _ascend(run, keep, force)


def _ascend(run: _Run, keep: list[int] | None, force: bool) -> None:
    """Try 'total breaks <= lb' for growing lb: infeasibility proofs are fast, and the first
    feasible bound is optimal."""
    best_total = _total_breaks(run)
    while not run.breaks_optimal and run.breaks_lb < best_total and run.can_run():
        # No hint: steering the search towards the (worse) incumbent slows these proofs a lot.
        sat = _break_model(run, keep, force, run.breaks_lb, hint=False)
        # Capped so that a proof that does not come leaves time for the LNS below.
        span = run.left() if not force else max(ASCEND_MIN_S, ASCEND_SHARE * run.left())
        res = sat.solve(span, run.workers, None, run.cancel)
        run.note(f"breaks<={run.breaks_lb}", res)
        run.progress(
            0.5 + 0.5 * min(1.0, 1 - run.left() / max(run.limit, 1e-9)), "breaks", res.status
        )
        if res.status == "infeasible":
            run.breaks_lb += 1
        elif res.assign is not None:
            run.used_sat = True
            run.best = res.assign
            run.breaks_optimal = True
        else:
            break
    if run.breaks_lb >= best_total:
        run.breaks_optimal = True
    if not run.breaks_optimal and force and keep is None and run.can_run():
        _lns(run)


def _lns(run: _Run) -> None:
    """Break LNS around the participants with breaks, from the complete incumbent."""
    from .lns import lns_breaks

    t0 = time.perf_counter()

    def on_improve(total: int) -> None:
        run.progress(
            0.5 + 0.5 * (1 - run.left() / max(run.limit, 1e-9)), "breaks", f"{total} breaks"
        )

    best, proven = lns_breaks(
        run.idx,
        run.best,
        run.problem.fairness,
        run.left(),
        run.breaks_lb,
        run.workers,
        cancel=run.cancel,
        on_improve=on_improve,
    )
    total = sum(count_breaks(b, run.idx) for b in busy_sets(run.idx, best))
    run.phases.append(("lns", f"{total} breaks", time.perf_counter() - t0))
    if total <= _total_breaks(run):
        run.best = best
    if proven or total <= run.breaks_lb:
        run.breaks_optimal = True


def _fair(run: _Run) -> bool:
    """Does the incumbent meet the problem's fairness bound (if any)?"""
    if run.problem.fairness is None:
        return True
    per = [count_breaks(b, run.idx) for b in busy_sets(run.idx, run.best)]
    return not per or max(per) - min(per) <= run.problem.fairness


def _total_breaks(run: _Run) -> int:
    return sum(count_breaks(b, run.idx) for b in busy_sets(run.idx, run.best))


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
    run = _Run(problem, time_limit_s, workers, progress, cancel)
    idx = run.idx
    run.progress(0.0, "greedy", "building a first schedule")
    run.best = list(greedy_state(idx).at)
    run.best_w = run.weight(run.best)
    run.phases.append(("greedy", f"weight {run.best_w}", time.perf_counter() - run.t0))
    ub_w = run.ub_w = lp_bound(idx, True)
    ub_c = lp_bound(idx, False)
    run.weight_optimal = run.best_w >= ub_w
    run.progress(0.05, "greedy", f"greedy placed weight {run.best_w} of at most {ub_w}")

    complete = all(s is not None for s in run.best)
    sat = None  # outcome of the SAT break phase, when it applies
    if problem.must_place_all and optimise_breaks and max(idx.cap, default=1) == 1:
        sat = _sat_place_all(run) if run.can_run() else None
    if sat == "infeasible":
        # No complete fair schedule: place as much as possible, then minimise breaks.
        if run.can_run():
            _place(run, 0.5, max_vars, ub_w)
    elif sat is not None:
        pass  # the SAT phase used the whole budget
    elif problem.must_place_all and optimise_breaks and not complete and run.can_run():
        if _place_all(run) == "infeasible" and run.can_run():
            _place(run, 0.5, max_vars, ub_w)
    elif not run.weight_optimal and run.can_run():
        _place(run, 0.5 if optimise_breaks else 1.0, max_vars, ub_w)
    ub_w = run.ub_w
    if run.weight_optimal:
        ub_w = run.best_w
    run.breaks_optimal = run.breaks_optimal or not optimise_breaks
    if optimise_breaks and sat in (None, "infeasible") and run.can_run():
        _minimise_breaks(run)

    if not run.used_sat and not run.weight_optimal:
        status = STATUS_GREEDY
    elif run.weight_optimal and run.breaks_optimal:
        status = STATUS_OPTIMAL
    else:
        status = STATUS_FEASIBLE if run.used_sat else STATUS_GREEDY
    if problem.must_place_all and any(s is None for s in run.best) and run.weight_optimal:
        status = STATUS_INFEASIBLE
    if status != STATUS_INFEASIBLE and not _fair(run):
        # A schedule outside the fairness bound never counts as optimal, and "infeasible"
        # only ever means proven: a time-out with an unfair schedule is merely feasible.
        if problem.must_place_all and run.proven_unfair:
            status = STATUS_INFEASIBLE
        elif status == STATUS_OPTIMAL:
            status = STATUS_FEASIBLE
        if status != STATUS_INFEASIBLE:
            run.phases.append(("fairness", "bound not met, not proven impossible", 0.0))
    run.progress(1.0, "done", status)
    elapsed = time.perf_counter() - run.t0
    report = build_report(idx, run.best, status, ub_w, ub_c, elapsed, run.phases, run.breaks_lb)
    assignments = {
        idx.requests[k].id: idx.slots[s] for k, s in enumerate(run.best) if s is not None
    }
    return Schedule(assignments, report)
