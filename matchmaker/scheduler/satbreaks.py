"""SAT model of the break phase for complete schedules (every meeting placed, one seat each).

Bofill et al. (JAIR 2022) found a (Max)SAT encoding with implied constraints best at
minimising breaks on the B2B events; CP-SAT's linear machinery finds the few-break schedules
of the 21–22-slot events much later, if at all. Here the problem "every meeting placed, total
breaks <= K, fairness" is one CNF, K is lowered by assumptions on a totalizer, and a plain CDCL
solver (CaDiCaL, from python-sat) does the search.

Encoding, per participant p and slot s:
- x[k, s]: meeting k in slot s (exactly one slot per meeting, at most `tables` per slot);
- busy[p, s] <-> OR of p's x at s (at most one of them);
- before[p, s] <-> busy somewhere in p's block up to s; brk[p, s] <-> busy[p, s] and not
  busy[p, s-1] and before[p, s-2]: a break is counted where a meeting follows an idle stretch;
- implied: exactly n_p busy slots per participant, at most 2 * tables busy people per slot,
  and for a participant without breaks, one of the runs of n_p slots that can host all its
  meetings (windows.py) fixes the whole busy pattern, and two people who meet cannot both
  hold windows that leave that meeting no slot;
- fairness d: with exact unary counters c_p >= j, "someone has >= d + j breaks" forces
  "everyone has >= j breaks".
"""

from __future__ import annotations

import multiprocessing
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.queues import Queue
from queue import Empty

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.formula import IDPool
from pysat.solvers import Solver

from .cancel import CancelToken
from .index import Index, count_breaks
from .model import Problem
from .report import busy_sets
from .windows import feasible_windows

# Conflicts per solver call between two looks at the clock (~0.1-0.3 s on these events on a
# quiet machine, but up to 9 s under load average 8, so a 6 s limit once ran 10 s). Near the
# deadline the budget shrinks to what the last call's rate says still fits. Smaller slices
# throughout (sized to ~0.25 s) cost the proofs dearly: ticf-13crafc went from optimal in
# 43 s to no 'breaks <= 0' proof in 58 s, under the same load.
CONFLICT_SLICE = 5_000
CONFLICT_SLICE_MIN = 100
# A Kissat member starts a bound once CaDiCaL's quick proofs of the low bounds have left the
# shared bound alone this long (Kissat re-proves each bound from scratch, ~2.5 s each).
SETTLE_S = 0.5
# Share of the time an ascent keeps for a last 'any schedule' call when it finds none.
ANY_RESERVE = 0.15
# Break counts the totalizer can bound before it has to grow.
TOTALIZER_START = 24


@dataclass(frozen=True)
class SatConfig:
    """One way to run the search; the portfolio runs several at once on separate cores."""

    solver: str = "cadical195"
    # Non-zero: variables are created in a seeded random order of meetings and participants,
    # which sends the CDCL search down a different path.
    seed: int = 0
    # Binary clauses between the windows of two people who meet and cannot both hold them.
    # Neither variant was faster overall (118 vs 118 s on the six hardest events), but
    # they are fast on different events, which is what a portfolio wants.
    window_pairs: bool = True
    # Kissat has no phase API in python-sat and starts every variable true. With this, the
    # break, meeting-slot and window variables are encoded negated, so it starts from "no
    # break, nothing placed, no window" instead: forum-13crafb's "<= 6" 14.3 -> 7.4 s,
    # ticf-13crafb's "<= 3" 20.8 -> 7.7 s, ticf-13crafc's "<= 1" 31 -> 7.4 s (natural order;
    # seeded shuffles of the variables were slower, 10-28 s).
    start_false: bool = False

    @property
    def incremental(self) -> bool:
        """Kissat solves one formula and cannot be stopped: each bound is a fresh solver, run
        whole, so it only ever runs inside a portfolio process that the parent stops."""
        return not self.solver.startswith("kissat")


# Below this many (meeting, slot) variables one search is quick enough; starting processes
# (~0.5 s each) would cost more than it saves.
PORTFOLIO_MIN_VARS = 2_000
# Seconds a portfolio process may need to start and import before it searches.
SPAWN_S = 1.0
# Tried in this order, one per process (see docs/performance-scheduler.md). Kissat second:
# it finds the few-break schedules of the 22-slot events in 9-14 s where CaDiCaL needs
# 17-60 s, while CaDiCaL's incremental ascent is the faster one on others (ticf-13crafc).
PORTFOLIO = (
    SatConfig(),
    SatConfig("kissat404", start_false=True),
    SatConfig("cadical153", seed=2),
    SatConfig(seed=1, window_pairs=False),
)


class BreakSat:
    """CNF of a must-place-all problem with breaks; solve(bound) answers 'breaks <= bound?'."""

    def __init__(
        self, idx: Index, fairness: int | None, config: SatConfig = SatConfig()
    ) -> None:
        self.idx = idx
        self.config = config
        rng = random.Random(config.seed)
        self.req_order = list(range(len(idx.requests)))
        self.people_order = list(range(len(idx.people)))
        if config.seed:
            rng.shuffle(self.req_order)
            rng.shuffle(self.people_order)
        self.pool = IDPool()
        self.clauses: list[list[int]] = []
        self.x: list[dict[int, int]] = [{} for _ in idx.requests]
        self.false = self._new()
        self.clauses.append([-self.false])
        self._assignment()
        self.brk: list[list[int]] = [[] for _ in idx.people]
        self._breaks()
        self.windows: list[list[tuple[int, set[int]]]] = [[] for _ in idx.people]
        self._windows()
        if fairness is not None:
            self._fairness(fairness)
        # Counts the break literals up to TOTALIZER_START (grown later if needed). It is part
        # of the first CNF the solver sees: clauses added after a solve may mention variables
        # CaDiCaL's preprocessing eliminated, and bringing them back made proofs ~15x slower.
        every = [b for row in self.brk for b in row]
        self.total: ITotalizer | None = None
        if every:
            self.total = ITotalizer(
                every, ubound=min(len(every), TOTALIZER_START), top_id=self.pool.top
            )
            self.pool.occupy(self.pool.top + 1, self.total.top_id)
            self.pool.top = self.total.top_id
            self.clauses += self.total.cnf.clauses
        self.bound_mattered = False  # after an unsat answer: did the bound cause it?
        if config.incremental:
            self.solver = Solver(name=config.solver, bootstrap_with=self.clauses)
            self.clauses = []
        # Otherwise self.clauses is kept: every solve() starts a fresh solver from it, with
        # these variables encoded negated (start_false) and the clauses mapped so far.
        self._flip: set[int] = set()
        if config.start_false:
            self._flip = {b for row in self.brk for b in row}
            self._flip |= {v for xs in self.x for v in xs.values()}
            self._flip |= {w for ws in self.windows for w, _ in ws}
        self._mapped: list[list[int]] = []

    def _bound(self, bound: int) -> list[int]:
        """Assumptions meaning 'total breaks <= bound', growing the totalizer when needed."""
        if self.total is None or bound >= len(self.total.lits):
            return []
        if bound + 1 > self.total.ubound:
            self.total.increase(ubound=bound + 1, top_id=self.pool.top)
            if self.total.nof_new:
                new = self.total.cnf.clauses[-self.total.nof_new :]
                if self.config.incremental:
                    self.solver.append_formula(new)
                else:
                    self.clauses += new
            self.pool.occupy(self.pool.top + 1, self.total.top_id)
            self.pool.top = max(self.pool.top, self.total.top_id)
        return [-self.total.rhs[bound]]

    def _new(self) -> int:
        return self.pool.id()

    def _card(self, lits: list[int], bound: int, kind: str) -> None:
        if kind == "atmost" and len(lits) <= bound:
            return
        enc = EncType.seqcounter if bound == 1 else EncType.kmtotalizer
        make = CardEnc.atmost if kind == "atmost" else CardEnc.equals
        if kind == "equals":
            enc = EncType.totalizer
        cnf = make(lits, bound, vpool=self.pool, encoding=enc)
        self.clauses += cnf.clauses

    def _assignment(self) -> None:
        idx = self.idx
        per_slot: list[list[int]] = [[] for _ in range(idx.n_slots)]
        person_slot: list[dict[int, list[int]]] = [{} for _ in idx.people]
        for k in self.req_order:
            for s in idx.domain[k]:
                v = self._new()
                self.x[k][s] = v
                per_slot[s].append(v)
                for p in idx.ends[k]:
                    person_slot[p].setdefault(s, []).append(v)
            lits = list(self.x[k].values())
            self.clauses.append(lits)
            self._card(lits, 1, "atmost")
        for s, lits in enumerate(per_slot):
            self._card(lits, idx.tables[s], "atmost")
        self.busy: list[list[int]] = [[] for _ in idx.people]
        for p in self.people_order:
            by_slot = person_slot[p]
            row = self.busy[p]
            for s in range(idx.n_slots):
                lits = by_slot.get(s, [])
                if not lits:
                    row.append(self.false)
                elif len(lits) == 1:
                    row.append(lits[0])
                else:
                    b = self._new()
                    self.clauses += [[-v, b] for v in lits]
                    self.clauses.append([-b, *lits])
                    self._card(lits, 1, "atmost")
                    row.append(b)
            n = len(idx.by_person[p])
            usable = [b for b in row if b != self.false]
            if n and len(usable) > n:
                self._card(usable, n, "equals")
        for s in range(idx.n_slots):
            lits = [row[s] for row in self.busy if row[s] != self.false]
            self._card(lits, 2 * idx.tables[s], "atmost")

    def _or(self, a: int, b: int) -> int:
        if a == self.false:
            return b
        if b == self.false:
            return a
        v = self._new()
        self.clauses += [[-a, v], [-b, v], [-v, a, b]]
        return v

    def _breaks(self) -> None:
        for p in self.people_order:
            row = self.busy[p]
            for seq in self.idx.block_slots.values():
                before = self.false  # busy somewhere in this block up to two slots back
                prev = self.false
                for s in seq:
                    cur = row[s]
                    if cur != self.false and before != self.false:
                        g = self._new()
                        # g <-> cur and not prev and before
                        self.clauses += [[-g, cur], [-g, before]]
                        if prev != self.false:
                            self.clauses.append([-g, -prev])
                            self.clauses.append([g, -cur, prev, -before])
                        else:
                            self.clauses.append([g, -cur, -before])
                        self.brk[p].append(g)
                    before = self._or(before, prev)
                    prev = cur

    def _windows(self) -> None:
        """A participant without breaks sits in one run of n_p slots that can host them all."""
        idx = self.idx
        for p in self.people_order:
            row, reqs = self.busy[p], idx.by_person[p]
            if len(reqs) < 2 or not self.brk[p]:
                continue
            blocks = {idx.block[s] for k in reqs for s in idx.domain[k]}
            if len(blocks) != 1:
                continue
            seq = idx.block_slots[blocks.pop()]
            wins = feasible_windows([idx.domain[k] for k in reqs], seq)
            nb = self._new()  # nb <-> no break
            self.clauses += [[-nb, -g] for g in self.brk[p]]
            self.clauses.append([nb, *self.brk[p]])
            ws = []
            for win in wins:
                w = self._new()
                inside = set(win)
                for s, b in enumerate(row):
                    if b == self.false:
                        continue
                    self.clauses.append([-w, b] if s in inside else [-w, -b])
                ws.append(w)
                self.windows[p].append((w, inside))
            self.clauses.append([-nb, *ws])
            self._card(ws, 1, "atmost")
        if not self.config.window_pairs:
            return
        # Two people who meet cannot both sit in windows that leave that meeting no slot.
        for k, (p, q) in enumerate(idx.ends):
            dom = set(idx.domain[k])
            for wp, in_p in self.windows[p]:
                common = in_p & dom
                for wq, in_q in self.windows[q]:
                    if not common & in_q:
                        self.clauses.append([-wp, -wq])

    def _counter(self, lits: list[int], upto: int) -> list[int]:
        """Exact unary counter: out[j-1] <-> at least j of lits are true (j = 1..upto)."""
        prev = [self.false] * upto
        for lit in lits:
            cur = []
            for j in range(upto):
                below = lit if j == 0 else self._and(prev[j - 1], lit)
                cur.append(self._or(prev[j], below))
            prev = cur
        return prev

    def _and(self, a: int, b: int) -> int:
        if a == self.false or b == self.false:
            return self.false
        v = self._new()
        self.clauses += [[-v, a], [-v, b], [v, -a, -b]]
        return v

    def _fairness(self, d: int) -> None:
        """breaks(p) - min_q breaks(q) <= d, exactly."""
        people = [p for p in range(len(self.idx.people)) if self.idx.by_person[p]]
        can_be_zero = any(not self.brk[p] for p in people)
        if can_be_zero:
            for p in people:
                if len(self.brk[p]) > d:
                    self._card(self.brk[p], d, "atmost")
            return
        # The fewest breaks anyone has is at most what the least-breakable participant can have.
        levels = max(1, min(len(self.brk[p]) for p in people))
        counts = {p: self._counter(self.brk[p], d + levels + 1) for p in people}
        for j in range(1, levels + 1):
            m = self._new()  # someone has >= d + j breaks => everyone has >= j
            for p in people:
                if counts[p][d + j - 1] != self.false:
                    self.clauses.append([-counts[p][d + j - 1], m])
                self.clauses.append([-m, counts[p][j - 1]])
        top = d + levels + 1
        for p in people:  # beyond the levels counted, breaks are capped outright
            if counts[p][top - 1] != self.false:
                self.clauses.append([-counts[p][top - 1]])

    def solve(
        self,
        bound: int | None,
        time_limit_s: float,
        cancel: CancelToken | None = None,
        stale: Callable[[], bool] | None = None,
    ) -> tuple[bool | None, list[int | None] | None]:
        """Is there a complete fair schedule with at most `bound` breaks (None: any number)?

        (True, assignment), (False, None) when there is none, (None, None) when time ran out
        or `stale()` said the answer is no longer wanted (another search settled it).
        """
        assumptions = [] if bound is None else self._bound(bound)
        if not self.config.incremental:
            return self._solve_fresh(assumptions)
        end = time.perf_counter() + time_limit_s
        ok = None
        budget = CONFLICT_SLICE
        # CaDiCaL cannot be interrupted from another thread: run it in slices of conflicts
        # (learnt clauses survive between calls) and look at the clock in between.
        while ok is None:
            now = time.perf_counter()
            if now >= end or (cancel is not None and cancel.cancelled):
                break
            if stale is not None and stale():
                break
            self.solver.conf_budget(budget)
            ok = self.solver.solve_limited(assumptions=assumptions)
            rate = budget / max(time.perf_counter() - now, 1e-3)  # conflicts per second
            left = end - time.perf_counter()
            # A full slice unless it would overrun the deadline: then what should still fit.
            budget = int(max(CONFLICT_SLICE_MIN, min(CONFLICT_SLICE, rate * left)))
        if ok is False:
            # An empty core: unsatisfiable whatever the bound (no complete fair schedule).
            self.bound_mattered = bool(assumptions and self.solver.get_core())
        if ok is None or not ok:
            return ok, None
        return True, self._assignment_of(self.solver.get_model())

    def _solve_fresh(self, assumptions: list[int]) -> tuple[bool | None, list[int | None] | None]:
        """One whole run of a non-incremental solver, the bound as a unit clause."""
        flip = self._flip
        self._mapped += [[-v if abs(v) in flip else v for v in clause] if flip else clause
                         for clause in self.clauses[len(self._mapped) :]]
        cnf = self._mapped + [[-a if abs(a) in flip else a] for a in assumptions]
        solver = Solver(name=self.config.solver, bootstrap_with=cnf)
        try:
            ok = solver.solve()
            # Without cores: only an unbounded question proves that no schedule exists.
            self.bound_mattered = bool(assumptions)
            if not ok:
                return False, None
            model = [-v if abs(v) in flip else v for v in solver.get_model()]
            return True, self._assignment_of(model)
        finally:
            solver.delete()

    def _assignment_of(self, model: list[int]) -> list[int | None]:
        true = {v for v in model if v > 0}
        assign: list[int | None] = [None] * len(self.idx.requests)
        for k, xs in enumerate(self.x):
            for s, v in xs.items():
                if v in true:
                    assign[k] = s
        return assign

    def close(self) -> None:
        """Free the solver."""
        if self.config.incremental:
            self.solver.delete()


@dataclass
class SatOutcome:
    """Result of sat_breaks: best complete schedule (None if none), proven bound, status."""

    assign: list[int | None] | None
    lower_bound: int
    status: str  # "optimal", "feasible", "infeasible" (no complete fair schedule), "unknown"


def sat_breaks(
    idx: Index,
    fairness: int | None,
    time_limit_s: float,
    cancel: CancelToken | None = None,
    on_step: Callable[[int | None, str], None] | None = None,
    workers: int = 1,
) -> SatOutcome:
    """Find a complete fair schedule, then ascend 'breaks <= lb' from 0: the first bound with
    a schedule is optimal (proofs of the bounds below are quick on the B2B events).

    workers > 1 runs that many differently configured searches in separate processes (a
    portfolio: CDCL run times vary a lot with the search path) and takes the first to finish.
    """
    n_vars = sum(len(d) for d in idx.domain)
    procs = min(workers, len(PORTFOLIO), os.cpu_count() or 1)
    if procs > 1 and n_vars >= PORTFOLIO_MIN_VARS and time_limit_s > 2:
        return _portfolio(idx, fairness, time_limit_s, cancel, on_step, PORTFOLIO[:procs])
    return _ascend(idx, fairness, time.perf_counter() + time_limit_s, cancel, on_step)


def _ascend(
    idx: Index,
    fairness: int | None,
    t_end: float,
    cancel: CancelToken | None,
    on_step: Callable[[int | None, str], None] | None,
    config: SatConfig = SatConfig(),
    on_found: Callable[[SatOutcome], None] | None = None,
    shared: SharedBound | None = None,
    reserve_share: float = ANY_RESERVE,
) -> SatOutcome:
    """One search: 'breaks <= lb' from lb = 0 upwards on one incremental solver.

    In a portfolio, `shared` holds the best lower bound any member has proven: a member
    skips bounds another has refuted, and drops a call that such a proof made pointless.

    Asking for any schedule first would be natural, but the solver then starts the proofs
    from a many-break schedule's phases: the 'breaks <= 0' proof of ticf-13crafc went from
    1.5 s to 20 s. So the ascent comes first, and only when it runs out of time (or of
    bounds) does one last call look for any schedule, in a reserve kept for it, and the rest
    of the reserve descends from there.
    """
    model = BreakSat(idx, fairness, config)
    reserve = reserve_share * max(0.0, t_end - time.perf_counter())

    def step(
        bound: int | None, until: float, stale: Callable[[], bool] | None = None
    ) -> tuple[bool | None, list[int | None] | None]:
        ok, assign = model.solve(bound, until - time.perf_counter(), cancel, stale)
        if on_step is not None:
            on_step(bound, {True: "found", False: "none", None: "timed out"}[ok])
        return ok, assign

    try:
        lb = 0
        while time.perf_counter() < t_end - reserve - 0.05:
            if shared is not None and shared.helped and not config.incremental:
                # A fresh solver per bound re-proves what an incremental member refutes in
                # a fraction of the time: let those quick proofs settle first.
                shared.settle(SETTLE_S, t_end - reserve)
            lb = max(lb, shared.get() if shared is not None else 0)
            stale = None if shared is None else (lambda b=lb: shared.get() > b)
            ok, assign = step(lb, t_end - reserve, stale)
            if ok and assign is not None:
                return SatOutcome(assign, lb, "optimal")
            if ok is None:
                if stale is not None and stale():
                    continue  # another member proved this bound: go on from its proof
                break
            if not model.bound_mattered:
                return SatOutcome(None, 0, "infeasible")
            lb += 1
            if shared is not None:
                shared.raise_to(lb)
        ok, best = step(None, t_end)  # any schedule at all
        if ok is False:
            return SatOutcome(None, 0, "infeasible")
        if not ok or best is None:
            return SatOutcome(None, lb, "unknown")
        # What time is left goes to descending from that schedule: "breaks <= total - 1".
        ub = total_breaks(idx, best)
        while lb < ub and time.perf_counter() < t_end - 0.05:
            if on_found is not None:
                on_found(SatOutcome(best, lb, "feasible"))
            ok, assign = step(ub - 1, t_end)
            if ok is None:
                break
            if not ok or assign is None:
                lb = ub
                break
            best, ub = assign, total_breaks(idx, assign)
        return SatOutcome(best, lb, "optimal" if lb >= ub else "feasible")
    finally:
        model.close()


class SharedBound:
    """A lower bound on the breaks that portfolio processes read and raise (shared memory).

    Only ever a proven bound: 'breaks <= b - 1' was refuted by some member. If no complete
    fair schedule exists at all, Kissat (no cores) climbs regardless, so the bound only
    counts once a schedule is in hand, which is how the portfolio uses it.
    """

    def __init__(self, ctx: multiprocessing.context.BaseContext, helped: bool = False) -> None:
        self.value = ctx.Value("i", 0)
        # True when an incremental (CaDiCaL) member runs, whose quick proofs are worth a wait.
        self.helped = helped

    def settle(self, quiet_s: float, until: float) -> None:
        """Wait until the bound has not moved for quiet_s seconds (or until `until`)."""
        seen, since = self.get(), time.perf_counter()
        while time.perf_counter() - since < quiet_s and time.perf_counter() < until:
            time.sleep(0.02)
            if self.get() != seen:
                seen, since = self.get(), time.perf_counter()

    def get(self) -> int:
        return int(self.value.value)

    def raise_to(self, bound: int) -> None:
        with self.value.get_lock():
            if bound > self.value.value:
                self.value.value = bound


def _child(
    problem: Problem,
    fairness: int | None,
    time_limit_s: float,
    config: SatConfig,
    queue: Queue,
    shared: SharedBound | None = None,
    reserve_share: float = ANY_RESERVE,
) -> None:
    """Portfolio member: report steps, the first schedule and the outcome through `queue`."""
    t_end = time.perf_counter() + time_limit_s
    try:
        out = _ascend(
            Index(problem),
            fairness,
            t_end,
            None,
            lambda bound, result: queue.put(("step", bound, result)),
            config,
            lambda found: queue.put(("found", found)),
            shared,
            reserve_share,
        )
        queue.put(("done", out))
    except Exception as exc:  # pragma: no cover - reported to the parent, which goes on
        queue.put(("error", repr(exc)))


def _portfolio(
    idx: Index,
    fairness: int | None,
    time_limit_s: float,
    cancel: CancelToken | None,
    on_step: Callable[[int | None, str], None] | None,
    configs: tuple[SatConfig, ...],
) -> SatOutcome:
    """Run one search per config in its own process; the first conclusive answer wins."""
    t_end = time.perf_counter() + time_limit_s
    # spawn, not fork: the web process has threads (and a database pool) a fork would copy.
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    shared = SharedBound(ctx, helped=any(c.incremental for c in configs))
    # Only the first member keeps a reserve for "any schedule" when its ascent times out;
    # the others ascend to the end (tic-13crafc with 20 s: the optimum's "<= 4" needed the
    # last 3 s that the reserve had kept from every member).
    procs = [
        ctx.Process(
            target=_child,
            args=(
                idx.problem, fairness, max(0.5, time_limit_s - SPAWN_S), c, queue, shared,
                ANY_RESERVE if i == 0 else 0.0,
            ),
            daemon=True,
        )
        for i, c in enumerate(configs)
    ]
    for proc in procs:
        proc.start()
    best: SatOutcome | None = None
    lower = 0
    finished = 0
    try:
        while finished < len(procs):
            if cancel is not None and cancel.cancelled:
                break
            wait = t_end + SPAWN_S - time.perf_counter()
            if wait <= 0:
                break
            try:
                kind, *data = queue.get(timeout=min(0.1, wait))
            except Empty:
                # A member that died without a word (killed, out of memory, a crash inside
                # the SAT library) never sends "done": stop waiting once none is alive.
                if not any(proc.is_alive() for proc in procs) and queue.empty():
                    break
                continue
            if kind == "step" and on_step is not None:
                on_step(*data)
            elif kind in ("found", "done"):
                out: SatOutcome = data[0]
                finished += kind == "done"
                if out.status in ("optimal", "infeasible"):
                    return out
                lower = max(lower, out.lower_bound)
                if out.assign is not None and (
                    best is None
                    or total_breaks(idx, out.assign) < total_breaks(idx, best.assign or [])
                ):
                    best = out
            if best is not None and best.assign is not None:
                # One member's schedule meets another's proof: optimal by the two together.
                lower = max(lower, shared.get())
                if lower >= total_breaks(idx, best.assign):
                    return SatOutcome(best.assign, lower, "optimal")
            elif kind == "error":
                finished += 1
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(1)
        queue.close()
    if best is None or best.assign is None:
        return SatOutcome(None, lower, "unknown")
    lower = max(lower, shared.get())
    done = lower >= total_breaks(idx, best.assign)
    return SatOutcome(best.assign, lower, "optimal" if done else "feasible")


def fairest_spread(
    idx: Index, fairness: int, time_limit_s: float, cancel: CancelToken | None = None
) -> int | None:
    """When no complete schedule meets `fairness`: the smallest spread any complete schedule
    has (None if none is placed in full at all, or time ran out before an answer)."""
    t_end = time.perf_counter() + time_limit_s
    free = BreakSat(idx, None)
    try:
        ok, assign = free.solve(None, time_limit_s, cancel)
    finally:
        free.close()
    if not ok or assign is None:
        return None
    per = [count_breaks(b, idx) for b in busy_sets(idx, assign)]
    widest = max(per) - min(per)
    for d in range(fairness + 1, widest):
        model = BreakSat(idx, d)
        try:
            ok, _ = model.solve(None, t_end - time.perf_counter(), cancel)
        finally:
            model.close()
        if ok is None:
            return None
        if ok:
            return d
    return widest


def total_breaks(idx: Index, assign: list[int | None]) -> int:
    """Total breaks of an assignment."""
    return sum(count_breaks(b, idx) for b in busy_sets(idx, assign))
