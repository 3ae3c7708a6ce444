"""Greedy construction with one-step repair; always returns a valid (maybe partial) schedule."""

from __future__ import annotations

import time

from .bounds import lp_bound
from .index import Index
from .model import STATUS_GREEDY, Problem, Schedule
from .report import build_report


class GreedyState:
    """Mutable partial schedule over an Index with O(1) feasibility checks."""

    def __init__(self, idx: Index) -> None:
        self.idx = idx
        self.load = [[0] * idx.n_slots for _ in idx.people]
        self.used = [0] * idx.n_slots
        self.at: list[int | None] = [None] * len(idx.requests)
        self.nxt: list[int | None] = [None] * idx.n_slots
        for s, p in enumerate(idx.prev):
            if p is not None:
                self.nxt[p] = s

    def fits(self, k: int, s: int) -> bool:
        """True if request k can go to slot position s now."""
        a, b = self.idx.ends[k]
        return (
            self.used[s] < self.idx.tables[s]
            and self.load[a][s] < self.idx.cap[a]
            and self.load[b][s] < self.idx.cap[b]
        )

    def put(self, k: int, s: int) -> None:
        """Place request k in slot position s."""
        a, b = self.idx.ends[k]
        self.load[a][s] += 1
        self.load[b][s] += 1
        self.used[s] += 1
        self.at[k] = s

    def remove(self, k: int) -> None:
        """Unplace request k."""
        s = self.at[k]
        assert s is not None
        a, b = self.idx.ends[k]
        self.load[a][s] -= 1
        self.load[b][s] -= 1
        self.used[s] -= 1
        self.at[k] = None

    def score(self, k: int, s: int) -> int:
        """Higher = keeps both participants' days compact."""
        idx = self.idx
        sc = 0
        pv, nx = idx.prev[s], self.nxt[s]
        blk = idx.block[s]
        for p in idx.ends[k]:
            row = self.load[p]
            adj = (pv is not None and row[pv] > 0) + (nx is not None and row[nx] > 0)
            if adj:
                sc += 2 * adj
            elif any(row[t] for t in idx.block_slots[blk]):
                sc -= 1
        return sc

    def best_slot(self, k: int) -> int | None:
        """Feasible slot with the best compactness score (earliest on ties)."""
        best, best_sc = None, -(10**9)
        for s in self.idx.domain[k]:
            if self.fits(k, s):
                sc = self.score(k, s)
                if sc > best_sc:
                    best, best_sc = s, sc
        return best

    def try_relocate(self, k: int) -> bool:
        """Place k by moving one blocking, unpinned meeting elsewhere."""
        idx = self.idx
        a, b = idx.ends[k]
        for s in idx.domain[k]:
            blockers = self._blockers(k, s, a, b)
            if blockers is None or len(blockers) != 1:
                continue
            m = blockers[0]
            if idx.pinned[m] is not None:
                continue
            self.remove(m)
            if not self.fits(k, s):
                self.put(m, s)
                continue
            self.put(k, s)
            alt = self.best_slot(m)
            if alt is not None:
                self.put(m, alt)
                return True
            self.remove(k)
            self.put(m, s)
        return False

    def _blockers(self, k: int, s: int, a: int, b: int) -> list[int] | None:
        idx = self.idx
        out: set[int] = set()
        for p in (a, b):
            if self.load[p][s] >= idx.cap[p]:
                here = [m for m in idx.by_person[p] if self.at[m] == s]
                if len(here) != 1:
                    return None
                out.add(here[0])
        if self.used[s] >= idx.tables[s] and not out:
            return None  # a full slot needs any meeting moved; too broad for one-step repair
        return list(out)


def greedy_state(idx: Index, order: list[int] | None = None) -> GreedyState:
    """Run the greedy on an Index and return its state."""
    st = GreedyState(idx)
    for k, pin in enumerate(idx.pinned):
        if pin is not None:
            st.put(k, pin)
    if order is None:
        demand = [len(rs) for rs in idx.by_person]
        order = sorted(
            (k for k in range(len(idx.requests)) if idx.pinned[k] is None),
            key=lambda k: (
                -idx.requests[k].weight,
                len(idx.domain[k]),
                -max(demand[p] for p in idx.ends[k]),
            ),
        )
    left = []
    for k in order:
        s = st.best_slot(k)
        if s is None:
            left.append(k)
        else:
            st.put(k, s)
    capacity = sum(idx.tables)
    for k in left:
        # Once every table is taken, moving meetings around cannot place anything more.
        if sum(st.used) >= capacity:
            break
        if st.at[k] is None:
            st.try_relocate(k)
    return st


def greedy(problem: Problem) -> Schedule:
    """Greedy schedule by weight, then scarcity, with a report (status greedy-only)."""
    t0 = time.perf_counter()
    idx = Index(problem)
    st = greedy_state(idx)
    assignments = {idx.requests[k].id: idx.slots[s] for k, s in enumerate(st.at) if s is not None}
    elapsed = time.perf_counter() - t0
    report = build_report(
        idx,
        st.at,
        STATUS_GREEDY,
        lp_bound(idx, True),
        lp_bound(idx, False),
        elapsed,
        [("greedy", "done", elapsed)],
    )
    return Schedule(assignments, report)
