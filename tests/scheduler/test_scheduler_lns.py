"""The break LNS keeps schedules complete and valid and never makes them worse."""

from __future__ import annotations

from matchmaker.scheduler import MeetingRequest, Problem, Schedule, check_schedule
from matchmaker.scheduler.index import Index, count_breaks
from matchmaker.scheduler.lns import lns_breaks
from matchmaker.scheduler.report import busy_sets


def _total(idx: Index, assign: list[int | None]) -> int:
    return sum(count_breaks(b, idx) for b in busy_sets(idx, assign))


def test_lns_removes_breaks_from_a_complete_schedule() -> None:
    # Hub meets four people; a deliberately gappy start: hub busy in slots 0, 2, 4, 6.
    reqs = [MeetingRequest(i, "hub", f"p{i}") for i in range(4)]
    reqs.append(MeetingRequest("x", "p0", "p1"))
    prob = Problem(list(range(8)), reqs, tables_per_slot=2, fairness=2, must_place_all=True)
    idx = Index(prob)
    start: list[int | None] = [0, 2, 4, 6, 7]
    assert _total(idx, start) == 5
    best, _ = lns_breaks(idx, start, prob.fairness, time_limit_s=5.0, target=0, seed=1)
    assert all(s is not None for s in best)
    assert _total(idx, best) < 5
    sched = Schedule({idx.requests[k].id: idx.slots[s] for k, s in enumerate(best)})
    assert check_schedule(prob, sched) == []
