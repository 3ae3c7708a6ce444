"""Phase 1 on big events: the slot LP (bound and, when integral, schedule) and the placement
LNS, cross-checked against brute force on tiny problems and the validator on generated ones."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from sched_brute import brute_force
from sched_strategies import tiny_problems

from matchmaker.scheduler import (
    STATUS_OPTIMAL,
    Problem,
    Schedule,
    check_schedule,
    service,
    solve,
)
from matchmaker.scheduler.bounds import lp_bound, slot_lp
from matchmaker.scheduler.generate import SIZES, rueda_instance
from matchmaker.scheduler.greedy import greedy_state
from matchmaker.scheduler.index import Index
from matchmaker.scheduler.placelns import complete, lns_place, placed_weight


def _schedule(idx: Index, assign: list[int | None]) -> Schedule:
    return Schedule({idx.requests[k].id: idx.slots[s] for k, s in enumerate(assign) if s is not None})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_slot_lp_bounds_and_its_integral_schedules_are_optimal(problem: Problem) -> None:
    best_w, _ = brute_force(problem)
    idx = Index(problem)
    prefer = list(greedy_state(idx).at)
    bound, partial, integral = slot_lp(idx, 5, prefer=prefer)
    if bound is None:  # nothing can be placed at all
        assert best_w == 0
        return
    assert best_w <= bound <= lp_bound(idx)
    assert partial is not None
    assert check_schedule(problem, _schedule(idx, partial), strict=False) == []
    if integral:
        assert placed_weight(idx, partial) == best_w == bound
    filled = complete(idx, partial)
    assert check_schedule(problem, _schedule(idx, filled), strict=False) == []
    assert placed_weight(idx, partial) <= placed_weight(idx, filled) <= best_w


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_solve_through_the_big_event_path_matches_brute_force(problem: Problem) -> None:
    best_w, best_breaks = brute_force(problem)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(service, "PLACE_LNS_VARS", 0)  # every problem takes the slot LP + LNS path
        sched = solve(problem, time_limit_s=3, workers=1)
    rep = sched.report
    assert rep is not None
    assert check_schedule(problem, sched, strict=False) == []
    assert rep.placed_weight <= best_w <= rep.upper_bound_weight
    if rep.status == STATUS_OPTIMAL:
        assert rep.placed_weight == best_w and rep.total_breaks == best_breaks


def test_lns_never_loses_weight_and_keeps_schedules_valid() -> None:
    cfg = dict(SIZES["small"], tables=4)
    prob = rueda_instance(**cfg, seed=5)
    idx = Index(prob)
    start = list(greedy_state(idx).at)
    best, solved = lns_place(idx, start, 2.0, lp_bound(idx), seed=2)
    assert solved > 0
    assert placed_weight(idx, best) >= placed_weight(idx, start)
    assert check_schedule(prob, _schedule(idx, best), strict=False) == []
