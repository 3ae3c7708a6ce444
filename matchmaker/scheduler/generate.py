"""Seeded generator of roundtable instances where wishes exceed capacity (tests, benches)."""

from __future__ import annotations

import random

from .model import MeetingRequest, Problem

# (weight, probability): mutual must-meet, must + would-like, mutual would-like, one-sided.
WEIGHTS = ((10, 0.15), (6, 0.25), (3, 0.35), (1, 0.25))


def rueda_instance(
    n_buyers: int,
    n_orgs: int,
    days: int,
    slots_per_day: int,
    tables: int,
    wishes: int,
    seed: int = 0,
    pin_share: float = 0.01,
) -> Problem:
    """Buyers wish to meet organisations (some with several reps); popular ones are over-asked."""
    rng = random.Random(seed)
    slots = list(range(1, days * slots_per_day + 1))
    block_of = {s: (s - 1) // slots_per_day for s in slots}
    buyers = [f"b{i}" for i in range(n_buyers)]
    orgs = [f"o{i}" for i in range(n_orgs)]
    capacity = {o: rng.choice((1, 1, 1, 2, 3)) for o in orgs}
    # Zipf-like popularity: a few organisations attract many more wishes than they can take.
    popularity = [1.0 / (i + 1) ** 0.6 for i in range(n_orgs)]
    pairs: set[tuple[str, str]] = set()
    wishes = min(wishes, n_buyers * n_orgs)
    while len(pairs) < wishes:
        b = rng.choice(buyers)
        o = rng.choices(orgs, popularity)[0]
        pairs.add((b, o))
    unavailable: dict[str, frozenset[int]] = {}
    for p in buyers + orgs:
        if rng.random() < 0.2:
            length = rng.randint(2, 6)
            start = rng.randint(1, len(slots) - length + 1)
            unavailable[p] = frozenset(range(start, start + length))
    w_values, w_probs = zip(*WEIGHTS, strict=True)
    requests = []
    used: dict[tuple[str, int], int] = {}
    per_slot: dict[int, int] = {}
    for k, (b, o) in enumerate(sorted(pairs)):
        weight = rng.choices(w_values, w_probs)[0]
        pin = None
        if rng.random() < pin_share:
            s = rng.choice(slots)
            # Pins are confirmed bookings, so they must be consistent with each other.
            if (
                used.get((b, s), 0) < 1
                and used.get((o, s), 0) < capacity[o]
                and per_slot.get(s, 0) < tables
            ):
                pin = s
                used[b, s] = used.get((b, s), 0) + 1
                used[o, s] = used.get((o, s), 0) + 1
                per_slot[s] = per_slot.get(s, 0) + 1
        requests.append(MeetingRequest(k, b, o, weight, None, pin))
    return Problem(
        slots=slots,
        requests=requests,
        block_of=block_of,
        tables_per_slot=tables,
        unavailable=unavailable,
        capacity=capacity,
    )


SIZES = {
    "small": dict(n_buyers=40, n_orgs=12, days=1, slots_per_day=8, tables=6, wishes=200),
    "fair": dict(n_buyers=200, n_orgs=60, days=2, slots_per_day=16, tables=20, wishes=2500),
    "large": dict(n_buyers=1000, n_orgs=300, days=2, slots_per_day=16, tables=100, wishes=15000),
    # Tight tables: 30 instead of 20, so neither the tables nor the participants' free slots
    # alone decide what fits; the greedy then stays 0.1-1 % below the bound (at 20 tables it
    # reaches the bound, at 40 too).
    "tight": dict(n_buyers=200, n_orgs=60, days=2, slots_per_day=16, tables=30, wishes=2500),
}
