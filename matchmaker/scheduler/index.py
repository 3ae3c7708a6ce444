"""Integer-indexed view of a Problem shared by the greedy, the bounds and the CP-SAT models."""

from __future__ import annotations

from collections import Counter

from .model import MeetingRequest, Participant, Problem, ProblemError


class Index:
    """Requests, participants and slots renumbered 0..n-1 with precomputed feasible slots."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.slots: list[int] = list(problem.slots)
        if len(set(self.slots)) != len(self.slots):
            raise ProblemError("duplicate slot ids")
        self.pos: dict[int, int] = {s: i for i, s in enumerate(self.slots)}
        self.n_slots = len(self.slots)
        self.tables: list[int] = [max(0, problem.tables(s)) for s in self.slots]
        self.block: list[int] = [problem.block(s) for s in self.slots]
        # Slots of each block in schedule order; a break is a gap inside one of these sequences.
        self.block_slots: dict[int, list[int]] = {}
        for i, b in enumerate(self.block):
            self.block_slots.setdefault(b, []).append(i)
        self.prev: list[int | None] = [None] * self.n_slots
        for seq in self.block_slots.values():
            for j in range(1, len(seq)):
                self.prev[seq[j]] = seq[j - 1]

        self.people: list[Participant] = problem.participants()
        self.pid: dict[Participant, int] = {p: i for i, p in enumerate(self.people)}
        self.cap: list[int] = [max(1, problem.cap(p)) for p in self.people]
        self.requests: list[MeetingRequest] = list(problem.requests)
        ids = Counter(r.id for r in self.requests)
        dup = [i for i, c in ids.items() if c > 1]
        if dup:
            raise ProblemError(f"duplicate request ids: {dup[:5]}")
        self.rid = {r.id: k for k, r in enumerate(self.requests)}
        self.ends: list[tuple[int, int]] = []
        self.by_person: list[list[int]] = [[] for _ in self.people]
        self.free: list[set[int]] = []
        for p in self.people:
            off = problem.unavailable.get(p, frozenset())
            self.free.append({i for i, s in enumerate(self.slots) if s not in off})
        self.domain: list[list[int]] = []
        self.pinned: list[int | None] = []
        for k, r in enumerate(self.requests):
            if r.a == r.b:
                raise ProblemError(f"request {r.id!r} pairs {r.a!r} with itself")
            a, b = self.pid[r.a], self.pid[r.b]
            self.ends.append((a, b))
            self.by_person[a].append(k)
            self.by_person[b].append(k)
            if r.pinned_slot is not None:
                if r.pinned_slot not in self.pos:
                    raise ProblemError(f"request {r.id!r} pinned to unknown slot {r.pinned_slot}")
                pin = self.pos[r.pinned_slot]
                self.pinned.append(pin)
                self.domain.append([pin])
                continue
            self.pinned.append(None)
            dom = self.free[a] & self.free[b]
            if r.allowed_slots is not None:
                dom &= {self.pos[s] for s in r.allowed_slots if s in self.pos}
            self.domain.append(sorted(i for i in dom if self.tables[i] > 0))
        self._check_pins()

    def _check_pins(self) -> None:
        per_slot: Counter[int] = Counter()
        per_person: Counter[tuple[int, int]] = Counter()
        for k, pin in enumerate(self.pinned):
            if pin is None:
                continue
            per_slot[pin] += 1
            for p in self.ends[k]:
                per_person[p, pin] += 1
        for s, c in per_slot.items():
            if c > self.tables[s]:
                raise ProblemError(
                    f"{c} meetings pinned to slot {self.slots[s]} with {self.tables[s]} tables"
                )
        for (p, s), c in per_person.items():
            if c > self.cap[p]:
                raise ProblemError(
                    f"{self.people[p]!r} has {c} meetings pinned to slot {self.slots[s]}"
                )

    def free_count(self, p: int) -> int:
        """Slots where participant p could sit at all (times its capacity)."""
        return len(self.free[p]) * self.cap[p]


def count_breaks(busy_positions: set[int] | list[int], idx: Index) -> int:
    """Idle stretches between busy slots of one participant, counted inside each block."""
    busy = set(busy_positions)
    n = 0
    for seq in idx.block_slots.values():
        seen = False
        idle = False
        for s in seq:
            if s in busy:
                if seen and idle:
                    n += 1
                seen, idle = True, False
            elif seen:
                idle = True
    return n
