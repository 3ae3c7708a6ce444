"""The SAT break model (satbreaks.py) against brute force, the validator and real B2B events."""

from __future__ import annotations

import dataclasses
import itertools
import time

import pytest
from hypothesis import HealthCheck, given, settings
from sched_strategies import tiny_problems

from matchmaker.scheduler import (
    STATUS_INFEASIBLE,
    STATUS_OPTIMAL,
    CancelToken,
    MeetingRequest,
    Problem,
    Schedule,
    check_schedule,
    solve,
)
from matchmaker.scheduler.dzn import instances_dir, read_dzn
from matchmaker.scheduler.index import Index, count_breaks
from matchmaker.scheduler.satbreaks import (
    SatConfig,
    SharedBound,
    _ascend,
    _portfolio,
    sat_breaks,
    total_breaks,
)
from matchmaker.scheduler.service import progress_figures, progress_message

INSTANCES = instances_dir()


def fewest_breaks_placing_all(problem: Problem) -> int | None:
    """Fewest total breaks of a complete, fair schedule (None if there is none)."""
    idx = Index(problem)
    best = None
    for combo in itertools.product(*idx.domain):
        if any(pin is not None and combo[k] != pin for k, pin in enumerate(idx.pinned)):
            continue
        used = [0] * idx.n_slots
        busy: list[set[int]] = [set() for _ in idx.people]
        ok = True
        for k, s in enumerate(combo):
            used[s] += 1
            for p in idx.ends[k]:
                ok = ok and s not in busy[p]
                busy[p].add(s)
        if not ok or any(u > t for u, t in zip(used, idx.tables, strict=True)):
            continue
        per = [count_breaks(b, idx) for b in busy]
        if problem.fairness is not None and max(per) - min(per) > problem.fairness:
            continue
        best = sum(per) if best is None else min(best, sum(per))
    return best


def _schedule(idx: Index, assign: list[int | None]) -> Schedule:
    return Schedule({idx.requests[k].id: idx.slots[s] for k, s in enumerate(assign)})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(max_requests=7))
def test_sat_breaks_matches_brute_force(problem: Problem) -> None:
    problem = dataclasses.replace(problem, must_place_all=True, capacity={})
    expected = fewest_breaks_placing_all(problem)
    idx = Index(problem)
    out = sat_breaks(idx, problem.fairness, time_limit_s=10)
    if expected is None:
        assert out.status == "infeasible" and out.assign is None
        return
    assert out.status == "optimal" and out.assign is not None
    assert total_breaks(idx, out.assign) == expected == out.lower_bound
    assert check_schedule(problem, _schedule(idx, out.assign), strict=True) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems(max_requests=6))
def test_kissat_member_matches_brute_force(problem: Problem) -> None:
    # Kissat has no assumptions or cores: every bound is a fresh solver with a unit clause,
    # and only the unbounded question may prove that no schedule exists.
    problem = dataclasses.replace(problem, must_place_all=True, capacity={})
    expected = fewest_breaks_placing_all(problem)
    idx = Index(problem)
    out = _ascend(idx, problem.fairness, time.perf_counter() + 10, None, None, KISSAT)
    if expected is None:
        assert out.status == "infeasible" and out.assign is None
        return
    assert out.status == "optimal" and out.assign is not None
    assert total_breaks(idx, out.assign) == expected == out.lower_bound


KISSAT = SatConfig("kissat404", start_false=True)


class _Bound:
    """Stands in for the portfolio's shared bound: what other members have proven."""

    def __init__(self, value: int, later: int | None = None, after: int = 0) -> None:
        self.value, self.later, self.after, self.reads = value, later, after, 0
        self.raised: list[int] = []
        self.helped = False  # no CaDiCaL member to wait for

    def get(self) -> int:
        self.reads += 1
        if self.later is not None and self.reads > self.after:
            return self.later
        return self.value

    def raise_to(self, bound: int) -> None:
        self.raised.append(bound)
        self.value = max(self.value, bound)


def test_a_member_starts_from_the_bound_others_proved() -> None:
    # A and B meet in slots 1, 3 and 5 (two breaks each), and C, D, E have to meet
    # around them: the fewest breaks is 4, so bounds 0..3 are refuted first.
    only = {1: frozenset({1}), 3: frozenset({3}), 5: frozenset({5})}
    reqs = [MeetingRequest(f"ab{s}", "A", "B", allowed_slots=only[s]) for s in (1, 3, 5)]
    reqs += [MeetingRequest("cd", "C", "D"), MeetingRequest("de", "D", "E")]
    prob = Problem([1, 2, 3, 4, 5], reqs, tables_per_slot=2, fairness=2, must_place_all=True)
    best = fewest_breaks_placing_all(prob)
    assert best == 4
    idx = Index(prob)
    for config in (SatConfig(), KISSAT):
        shared = _Bound(best)  # another member proved 'breaks <= best - 1' impossible
        out = _ascend(idx, prob.fairness, time.perf_counter() + 20, None, None, config,
                      shared=shared)  # fmt: skip
        assert out.status == "optimal" and out.lower_bound == best and not shared.raised
        assert out.assign is not None and total_breaks(idx, out.assign) == best
    # Without help, each refuted bound is published for the others.
    shared = _Bound(0)
    out = _ascend(idx, prob.fairness, time.perf_counter() + 20, None, None, shared=shared)
    assert out.status == "optimal" and shared.raised == list(range(1, best + 1))


def test_shared_bound_only_rises_and_settles() -> None:
    import multiprocessing

    shared = SharedBound(multiprocessing.get_context("spawn"), helped=True)
    shared.raise_to(3)
    shared.raise_to(1)
    assert shared.get() == 3
    t0 = time.perf_counter()
    shared.settle(0.1, t0 + 5)
    assert 0.1 <= time.perf_counter() - t0 < 2
    shared.settle(5, time.perf_counter() + 0.1)  # never past `until`
    assert time.perf_counter() - t0 < 3


def test_fairness_when_nobody_can_avoid_a_break() -> None:
    # A and B meet in slots 1, 3 and 5 (2 breaks each); C meets D in 1 and then 2 or 3.
    # Everyone *could* have a break, so fairness needs the exact "fewest breaks" (the counter
    # path): fairness 0 is impossible (C and D have at most 1), fairness 1 forces C and D
    # into a break (1 and 3), fairness 2 lets them meet back to back.
    only = {1: frozenset({1}), 3: frozenset({3}), 5: frozenset({5})}
    reqs = [MeetingRequest(f"ab{s}", "A", "B", allowed_slots=only[s]) for s in (1, 3, 5)]
    reqs += [
        MeetingRequest("cd1", "C", "D", allowed_slots=frozenset({1})),
        MeetingRequest("cd2", "C", "D", allowed_slots=frozenset({2, 3})),
    ]
    slots = [1, 2, 3, 4, 5]
    for fairness, expected in ((0, None), (1, 6), (2, 4)):
        prob = Problem(slots, reqs, tables_per_slot=2, fairness=fairness, must_place_all=True)
        assert fewest_breaks_placing_all(prob) == expected
        out = sat_breaks(Index(prob), fairness, time_limit_s=10)
        if expected is None:
            assert out.status == "infeasible"
        else:
            assert out.status == "optimal" and out.assign is not None
            assert total_breaks(Index(prob), out.assign) == expected


def test_solve_uses_the_sat_model_for_must_place_all() -> None:
    # Hub meets four people in an 8-slot day; p0 also meets p1: a break-free day exists.
    reqs = [MeetingRequest(i, "hub", f"p{i}") for i in range(4)]
    reqs.append(MeetingRequest("x", "p0", "p1"))
    prob = Problem(list(range(8)), reqs, tables_per_slot=2, fairness=2, must_place_all=True)
    sched = solve(prob, time_limit_s=10)
    rep = sched.report
    assert rep is not None and rep.status == STATUS_OPTIMAL
    assert rep.total_breaks == 0 and len(sched.assignments) == 5
    assert [p[0] for p in rep.phases] == ["greedy", "sat breaks"]
    assert check_schedule(prob, sched) == []


@pytest.mark.skipif(not INSTANCES.is_dir(), reason=f"benchmark instances not found at {INSTANCES}")
@pytest.mark.parametrize(("name", "optimum"), [("forumt-14", 5), ("tic-12crafc", 0)])
def test_published_optimum_on_real_events(name: str, optimum: int) -> None:
    prob = read_dzn(INSTANCES / f"{name}.original.dzn")
    sched = solve(prob, time_limit_s=60)
    rep = sched.report
    assert rep is not None and rep.status == STATUS_OPTIMAL
    assert rep.total_breaks == optimum == rep.breaks_lower_bound
    assert check_schedule(prob, sched) == []


def _day(n_people: int, n_slots: int) -> Problem:
    """A ring of people, each meeting both neighbours and the one opposite."""
    reqs = [MeetingRequest(f"n{i}", i, (i + 1) % n_people) for i in range(n_people)]
    reqs += [MeetingRequest(f"o{i}", i, i + n_people // 2) for i in range(n_people // 2)]
    return Problem(list(range(n_slots)), reqs, tables_per_slot=n_people // 2, fairness=2,
                   must_place_all=True)  # fmt: skip


def test_portfolio_processes_agree_with_one_search() -> None:
    prob = _day(12, 6)
    idx = Index(prob)
    alone = sat_breaks(idx, prob.fairness, time_limit_s=20)
    for configs in (
        (SatConfig(), SatConfig("cadical153", seed=3, window_pairs=False)),
        (KISSAT, SatConfig()),
        (KISSAT,),
    ):
        together = _portfolio(idx, prob.fairness, 20, None, None, configs)
        assert alone.status == together.status == "optimal"
        assert alone.assign is not None and together.assign is not None
        assert total_breaks(idx, together.assign) == total_breaks(idx, alone.assign)
        assert check_schedule(prob, _schedule(idx, together.assign)) == []


def test_cancelled_portfolio_stops_at_once() -> None:
    prob = _day(12, 6)
    token = CancelToken()
    token.cancel()
    t0 = time.perf_counter()
    out = _portfolio(Index(prob), prob.fairness, 30, token, None, (SatConfig(), SatConfig(seed=1)))
    assert out.status == "unknown" and out.assign is None
    assert time.perf_counter() - t0 < 10


def test_fixed_meetings_that_rule_out_fairness_give_the_fairest_schedule() -> None:
    # A and B are fixed to meet in slots 1, 3 and 5: two breaks each, while C and D (one
    # meeting) have none. No complete schedule has a spread <= 1; the fairest has 2.
    reqs = [MeetingRequest(f"ab{s}", "A", "B", pinned_slot=s) for s in (1, 3, 5)]
    reqs += [MeetingRequest("cd", "C", "D"), MeetingRequest("ce", "C", "E")]
    prob = Problem([1, 2, 3, 4, 5], reqs, tables_per_slot=2, fairness=1, must_place_all=True)
    assert fewest_breaks_placing_all(prob) is None
    sched = solve(prob, time_limit_s=10)
    rep = sched.report
    assert rep is not None and rep.status == STATUS_INFEASIBLE
    assert len(sched.assignments) == 5 and rep.fairness_spread == 2 and rep.total_breaks == 4
    assert ("fairness", "smallest spread 2") in [(p[0], p[1]) for p in rep.phases]
    assert check_schedule(prob, sched, strict=False) == []
    assert check_schedule(prob, sched) == ["break spread 2 > 1"]


def test_progress_carries_the_current_gap() -> None:
    # The fewest breaks here is 4 (see test_a_member_starts_from_the_bound_others_proved):
    # the break phase reports each refuted bound, then the schedule it found.
    only = {1: frozenset({1}), 3: frozenset({3}), 5: frozenset({5})}
    reqs = [MeetingRequest(f"ab{s}", "A", "B", allowed_slots=only[s]) for s in (1, 3, 5)]
    reqs += [MeetingRequest("cd", "C", "D"), MeetingRequest("de", "D", "E")]
    prob = Problem([1, 2, 3, 4, 5], reqs, tables_per_slot=2, fairness=2, must_place_all=True)
    seen: list[tuple[str, str]] = []
    solve(prob, time_limit_s=10, progress=lambda frac, phase, msg: seen.append((phase, msg)))
    figures = [progress_figures(msg) for phase, msg in seen if phase == "breaks"]
    assert ("breaks", None, 1) in figures and ("breaks", None, 4) in figures
    assert figures[-1] == ("breaks", 4, 4)
    assert progress_figures(progress_message(5208, "weight", 5210)) == ("weight", 5208, 5210)
    assert progress_figures("breaks <= 3: none") is None
