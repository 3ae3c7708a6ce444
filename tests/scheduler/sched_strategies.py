"""Hypothesis strategy for tiny random scheduling problems (tests only)."""

from __future__ import annotations

from hypothesis import strategies as st

from matchmaker.scheduler.model import MeetingRequest, Problem


@st.composite
def tiny_problems(draw: st.DrawFn, max_requests: int = 6) -> Problem:
    """Problems small enough for brute force: <= 5 slots, <= 6 requests."""
    n_slots = draw(st.integers(2, 5))
    slots = [10 * (i + 1) for i in range(n_slots)]
    split = draw(st.integers(0, n_slots))
    block_of = {s: int(i >= split) for i, s in enumerate(slots)}
    if draw(st.booleans()):
        tables: dict[int, int] | int = draw(st.integers(1, 3))
    else:
        tables = {s: draw(st.integers(0, 3)) for s in slots}
    people = list("ABCDE")[: draw(st.integers(2, 5))]
    n_req = draw(st.integers(1, max_requests))
    requests = []
    for k in range(n_req):
        a, b = draw(st.lists(st.sampled_from(people), min_size=2, max_size=2, unique=True))
        allowed = None
        if draw(st.integers(0, 3)) == 0:
            allowed = frozenset(draw(st.lists(st.sampled_from(slots), max_size=3)))
        requests.append(MeetingRequest(f"m{k}", a, b, draw(st.integers(1, 3)), allowed))
    unavailable = {
        p: frozenset(draw(st.lists(st.sampled_from(slots), max_size=2)))
        for p in people
        if draw(st.integers(0, 2)) == 0
    }
    capacity = {p: 2 for p in people if draw(st.integers(0, 4)) == 0}
    if draw(st.booleans()):
        # One pinned meeting in a slot with at least one table keeps the pins consistent.
        open_slots = [s for s in slots if (tables if isinstance(tables, int) else tables[s]) > 0]
        if open_slots:
            r = requests[0]
            requests[0] = MeetingRequest(
                r.id, r.a, r.b, r.weight, None, draw(st.sampled_from(open_slots))
            )
    fairness = draw(st.sampled_from([None, None, 0, 1]))
    return Problem(slots, requests, block_of, tables, unavailable, capacity, fairness)
