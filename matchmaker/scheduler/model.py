"""Plain-data types of the meeting scheduler: requests, problems, schedules and reports."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

Participant = Hashable
RequestId = Hashable

#: progress(fraction 0..1, phase name, human-readable message)
ProgressFn = Callable[[float, str, str], None]

STATUS_OPTIMAL = "optimal"
STATUS_FEASIBLE = "feasible"
STATUS_GREEDY = "greedy-only"
STATUS_INFEASIBLE = "infeasible"


class ProblemError(ValueError):
    """The input contradicts itself (e.g. two pinned meetings of one person in one slot)."""


@dataclass(frozen=True)
class MeetingRequest:
    """One candidate meeting between participants a and b, worth `weight` if scheduled."""

    id: RequestId
    a: Participant
    b: Participant
    weight: int = 1
    allowed_slots: frozenset[int] | None = None
    # A pinned meeting is a confirmed booking: it overrides allowed_slots and availability.
    pinned_slot: int | None = None
    preferred_table: int | None = None


@dataclass(frozen=True)
class Problem:
    """Everything the scheduler needs; slots are ordered, consecutive slots are adjacent."""

    slots: Sequence[int]
    requests: Sequence[MeetingRequest]
    # slot -> block id (morning/afternoon/day); breaks never span two blocks.
    block_of: Mapping[int, int] = field(default_factory=dict)
    # One int for every slot, or slot -> number of tables.
    tables_per_slot: Mapping[int, int] | int = 10**9
    unavailable: Mapping[Participant, frozenset[int]] = field(default_factory=dict)
    # How many meetings a participant can hold in one slot (organisations with several reps).
    capacity: Mapping[Participant, int] = field(default_factory=dict)
    # Max allowed breaks(p) - min_q breaks(q); None = no fairness constraint.
    fairness: int | None = None
    must_place_all: bool = False

    def tables(self, slot: int) -> int:
        """Number of tables (meetings) available in `slot`."""
        if isinstance(self.tables_per_slot, int):
            return self.tables_per_slot
        return self.tables_per_slot.get(slot, 0)

    def block(self, slot: int) -> int:
        """Block id of `slot` (0 when the problem has a single block)."""
        return self.block_of.get(slot, 0)

    def cap(self, participant: Participant) -> int:
        """Meetings `participant` can attend simultaneously."""
        return self.capacity.get(participant, 1)

    def participants(self) -> list[Participant]:
        """Participants in order of first appearance in the requests."""
        seen: dict[Participant, None] = {}
        for r in self.requests:
            seen.setdefault(r.a, None)
            seen.setdefault(r.b, None)
        return list(seen)


@dataclass
class Report:
    """Quality report of a schedule."""

    status: str
    requested_count: int
    requested_weight: int
    placed_count: int
    placed_weight: int
    upper_bound_weight: int
    upper_bound_count: int
    breaks: dict[Participant, int]
    total_breaks: int
    fairness_spread: int
    unplaced: dict[RequestId, str]
    without_meetings: dict[Participant, str]
    time_s: float = 0.0
    breaks_lower_bound: int = 0
    phases: list[tuple[str, str, float]] = field(default_factory=list)

    @property
    def weight_ratio(self) -> float:
        """Placed weight / upper bound (1.0 when nothing could be placed at all)."""
        return self.placed_weight / self.upper_bound_weight if self.upper_bound_weight else 1.0


@dataclass
class Schedule:
    """Result: request id -> slot for every placed meeting, plus the report."""

    assignments: dict[RequestId, int]
    report: Report | None = None
    tables: dict[RequestId, int] | None = None
