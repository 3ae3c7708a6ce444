"""The .dzn reader against the README table of the B2B benchmark instances."""

from __future__ import annotations

import pytest

from matchmaker.scheduler import check_schedule, greedy
from matchmaker.scheduler.dzn import instances_dir, n_business, parse_dzn, read_dzn

INSTANCES = instances_dir()

# participants / meetings / slots / tables, from the instances' README.
README_TABLE = {
    "forum-13": (70, 154, 21, 14),
    "forum-13crafb": (76, 195, 22, 14),
    "forum-13crafc": (70, 154, 21, 12),
    "forum-14": (78, 302, 22, 22),
    "forumt-14": (60, 237, 10, 27),
    "forumt-14crafc": (60, 237, 10, 25),
    "forumt-14crafd": (60, 236, 10, 25),
    "forumt-14crafe": (60, 236, 10, 24),
    "tic-12": (42, 125, 8, 21),
    "tic-12crafc": (42, 125, 8, 16),
    "tic-13": (47, 180, 10, 21),
    "tic-13crafb": (46, 184, 10, 21),
    "tic-13crafc": (47, 180, 10, 19),
    "tic-14crafa": (60, 237, 10, 27),
    "tic-14crafc": (60, 237, 10, 25),
    "tic-14crafd": (60, 236, 10, 25),
    "ticf-13crafa": (70, 154, 21, 14),
    "ticf-13crafb": (76, 195, 22, 14),
    "ticf-13crafc": (70, 154, 21, 12),
    "ticf-14crafa": (78, 302, 22, 22),
}

TINY = """
nBusiness = 4; nMeetings = 3; nTables = 1; nTotalSlots = 3; nMorningSlots = 2;
requested = [|1, 2,1,
|3, 2,3,
|4, 1,2,
|];
forbidden = [{0},{0,3},{},{0}];
fixed = [0,0,3];
"""


def test_parse_tiny_instance() -> None:
    prob = parse_dzn(TINY)
    assert prob.slots == [1, 2, 3] and prob.tables(2) == 1
    assert prob.must_place_all and prob.fairness == 2
    r1, r2, r3 = prob.requests
    assert (r1.a, r1.b, r1.allowed_slots) == (1, 2, frozenset({1, 2}))
    assert r2.allowed_slots is None
    assert r3.pinned_slot == 3
    assert dict(prob.unavailable) == {2: frozenset({3})}


@pytest.mark.skipif(not INSTANCES.is_dir(), reason=f"benchmark instances not found at {INSTANCES}")
@pytest.mark.parametrize("name", sorted(README_TABLE))
def test_reader_matches_readme_counts(name: str) -> None:
    path = INSTANCES / f"{name}.original.dzn"
    prob = read_dzn(path)
    n_people, n_meetings, n_slots, n_tables = README_TABLE[name]
    assert n_business(path.read_text()) == n_people
    assert len(prob.participants()) <= n_people
    assert len(prob.requests) == n_meetings
    assert len(prob.slots) == n_slots
    assert {prob.tables(s) for s in prob.slots} == {n_tables}
    assert check_schedule(prob, greedy(prob), strict=False) == []


@pytest.mark.skipif(not INSTANCES.is_dir(), reason=f"benchmark instances not found at {INSTANCES}")
def test_reader_reads_fixed_meetings() -> None:
    prob = read_dzn(INSTANCES / "forum-13.fixed040-Forb.dzn")
    assert sum(r.pinned_slot is not None for r in prob.requests) > 0
