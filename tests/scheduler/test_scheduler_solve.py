"""solve()/greedy() against brute force and the validator on tiny instances."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from sched_brute import brute_force
from sched_strategies import tiny_problems

from matchmaker.scheduler import (
    STATUS_OPTIMAL,
    MeetingRequest,
    Problem,
    check_schedule,
    greedy,
    solve,
    upper_bound,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_problems())
def test_solve_matches_brute_force(problem: Problem) -> None:
    best_w, best_breaks = brute_force(problem)
    sched = solve(problem, time_limit_s=5.0, workers=1)
    rep = sched.report
    assert rep is not None
    assert check_schedule(problem, sched, strict=best_breaks is not None) == []
    assert rep.placed_weight == best_w
    assert upper_bound(problem) >= best_w
    assert rep.upper_bound_weight >= best_w
    if best_breaks is not None:
        assert rep.status == STATUS_OPTIMAL
        assert rep.total_breaks == best_breaks


@settings(max_examples=60, deadline=None)
@given(tiny_problems(max_requests=10))
def test_greedy_is_always_valid(problem: Problem) -> None:
    sched = greedy(problem)
    assert check_schedule(problem, sched, strict=False) == []
    assert sched.report is not None
    assert sched.report.placed_weight <= sched.report.upper_bound_weight


def test_weights_decide_who_gets_the_slot() -> None:
    reqs = [MeetingRequest("low", "A", "B", 1), MeetingRequest("high", "A", "C", 5)]
    only_one = {"B": frozenset({2}), "C": frozenset({2})}
    sched = solve(Problem([1, 2], reqs, unavailable=only_one), time_limit_s=2)
    assert sched.assignments == {"high": 1}
    assert sched.report is not None
    assert sched.report.unplaced == {"low": "lower priority than placed meetings"}


def test_breaks_are_minimised_within_blocks_only() -> None:
    # A meets B and C; slot 2 is the first slot of block 1, so 1 -> 2 is not a break anyway.
    reqs = [MeetingRequest("ab", "A", "B"), MeetingRequest("ac", "A", "C")]
    prob = Problem(
        [1, 2, 3, 4], reqs, block_of={1: 0, 2: 1, 3: 1, 4: 1}, unavailable={"A": frozenset({3})}
    )
    sched = solve(prob, time_limit_s=2)
    rep = sched.report
    assert rep is not None and rep.status == STATUS_OPTIMAL
    assert rep.total_breaks == 0
    assert check_schedule(prob, sched) == []


def test_a_break_is_counted_inside_a_block() -> None:
    # B is only free in 1, C only in 3: A must idle in slot 2.
    reqs = [MeetingRequest("ab", "A", "B"), MeetingRequest("ac", "A", "C")]
    prob = Problem(
        [1, 2, 3],
        reqs,
        unavailable={"B": frozenset({2, 3}), "C": frozenset({1, 2})},
    )
    rep = solve(prob, time_limit_s=2).report
    assert rep is not None
    assert rep.breaks["A"] == 1 and rep.total_breaks == 1 and rep.fairness_spread == 1


def test_fairness_bound_spreads_breaks() -> None:
    # Without fairness the cheapest schedule gives all breaks to one person.
    reqs = [
        MeetingRequest("ab", "A", "B", allowed_slots=frozenset({1})),
        MeetingRequest("ac", "A", "C", allowed_slots=frozenset({3})),
        MeetingRequest("bc", "B", "C", allowed_slots=frozenset({2, 4})),
        MeetingRequest("dc", "D", "C", allowed_slots=frozenset({1, 5})),
    ]
    free = Problem([1, 2, 3, 4, 5], reqs)
    fair = Problem([1, 2, 3, 4, 5], reqs, fairness=0)
    for prob in (free, fair):
        best_w, best_b = brute_force(prob)
        sched = solve(prob, time_limit_s=3)
        assert sched.report is not None
        assert sched.report.placed_weight == best_w
        if best_b is not None:
            assert sched.report.total_breaks == best_b
            assert check_schedule(prob, sched) == []
