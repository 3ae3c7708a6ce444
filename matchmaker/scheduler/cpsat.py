"""CP-SAT models: phase 1 maximises placed weight, phase 2 minimises breaks under fairness."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from . import cancel as cancellable
from .cancel import CancelToken
from .index import Index, count_breaks
from .windows import feasible_windows


@dataclass
class PhaseResult:
    """Outcome of one CP-SAT run."""

    status: str  # "optimal", "feasible", "infeasible", "unknown"
    assign: list[int | None] | None
    objective: int
    bound: int
    time_s: float


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_solution: Callable[[int, int, float], None]) -> None:
        super().__init__()
        self._on = on_solution
        self._t0 = time.perf_counter()

    def on_solution_callback(self) -> None:
        self._on(
            int(self.objective_value),
            int(self.best_objective_bound),
            time.perf_counter() - self._t0,
        )


class SatModel:
    """Assignment model x[k, s]; optional break variables for phase 2."""

    def __init__(self, idx: Index, keep: list[int] | None = None, force: bool = False) -> None:
        """Build x for requests in `keep` (all by default); others stay unplaced.

        force=True: every kept request with a feasible slot must be placed.
        """
        self.idx = idx
        self.forced = force
        self.m = cp_model.CpModel()
        self.x: list[dict[int, cp_model.IntVar]] = [{} for _ in idx.requests]
        keep_set = set(range(len(idx.requests))) if keep is None else set(keep)
        per_slot: list[list[cp_model.IntVar]] = [[] for _ in range(idx.n_slots)]
        self.person_slot: list[dict[int, list[cp_model.IntVar]]] = [{} for _ in idx.people]
        for k in sorted(keep_set):
            for s in idx.domain[k]:
                v = self.m.new_bool_var(f"x{k}_{s}")
                self.x[k][s] = v
                per_slot[s].append(v)
                for p in idx.ends[k]:
                    self.person_slot[p].setdefault(s, []).append(v)
            if self.x[k]:
                if force:
                    self.m.add_exactly_one(self.x[k].values())
                else:
                    self.m.add_at_most_one(self.x[k].values())
            if idx.pinned[k] is not None:
                self.m.add(self.x[k][idx.pinned[k]] == 1)
        for s, vs in enumerate(per_slot):
            if len(vs) > idx.tables[s]:
                self.m.add(sum(vs) <= idx.tables[s])
        for p, by_slot in enumerate(self.person_slot):
            for vs in by_slot.values():
                if len(vs) > idx.cap[p]:
                    if idx.cap[p] == 1:
                        self.m.add_at_most_one(vs)
                    else:
                        self.m.add(sum(vs) <= idx.cap[p])
        self.placed_weight = sum(
            idx.requests[k].weight * v for k in range(len(idx.requests)) for v in self.x[k].values()
        )
        self.aux: list[tuple[cp_model.IntVar, Callable[[list[set[int]]], int]]] = []
        self.breaks: list[cp_model.LinearExprT] = []
        self.no_break: list[cp_model.IntVar] = []
        self.window_vars: list[cp_model.IntVar] = []

    def add_breaks(self, fairness: int | None) -> cp_model.LinearExprT:
        """Add exact break counting per participant; return the total-breaks expression."""
        idx, m = self.idx, self.m
        total = []
        self.breaks = [0] * len(idx.people)
        self._add_implied()
        could_be_zero = False
        for p, by_slot in enumerate(self.person_slot):
            n_req = sum(1 for k in idx.by_person[p] if self.x[k])
            if n_req <= 1:
                could_be_zero = True
                continue
            terms = []
            for seq in idx.block_slots.values():
                if sum(1 for s in seq if s in by_slot) <= 1:
                    continue  # at most one usable slot in this block: never a break here
                terms += self._block_breaks(p, seq, by_slot)
            if terms:
                self.breaks[p] = sum(terms)
                total += terms
                self._add_windows(p, terms)
            else:
                could_be_zero = True
        if fairness is not None:
            lo = 0 if could_be_zero else None
            if lo is None:
                minb = m.new_int_var(0, idx.n_slots, "minb")
                for b in self.breaks:
                    m.add(minb <= b)
            else:
                minb = 0
            for b in self.breaks:
                if not isinstance(b, int):
                    m.add(b <= minb + fairness)
        return sum(total)

    def _add_windows(self, p: int, gaps: list) -> None:
        """Redundant window view of 'p has no break' when p's meetings all fall in one block.

        Zero breaks means the busy slots are one run of n consecutive slots; listing the runs
        that can host all of p's meetings lets propagation place whole days at once.
        """
        idx, m = self.idx, self.m
        if not self.forced or idx.cap[p] != 1:
            return
        reqs = [k for k in idx.by_person[p] if self.x[k]]
        blocks = {idx.block[s] for k in reqs for s in self.x[k]}
        if len(blocks) != 1:
            return
        seq = idx.block_slots[blocks.pop()]
        wins = feasible_windows([list(self.x[k]) for k in reqs], seq)
        nb = m.new_bool_var("")
        self.no_break.append(nb)
        m.add(sum(gaps) == 0).only_enforce_if(nb)
        m.add(sum(gaps) >= 1).only_enforce_if(nb.Not())
        self.aux.append((nb, lambda bs, p=p: int(count_breaks(bs[p], idx) == 0)))
        if not wins:
            m.add(nb == 0)
            return
        ws = []
        for win in wins:
            w = m.new_bool_var("")
            self.aux.append((w, lambda bs, p=p, win=set(win): int(bs[p] == win)))
            ws.append((w, set(win)))
            self.window_vars.append(w)
        # Clauses rather than enforced linear sums: unit propagation places a whole day at once.
        m.add_at_most_one(w for w, _ in ws)
        m.add_bool_or([w for w, _ in ws]).only_enforce_if(nb)
        for w, win in ws:
            m.add_implication(w, nb)
            for s, b in self.busy[p].items():
                m.add_implication(w, b if s in win else b.Not())

    def _add_implied(self) -> None:
        """Busy literals for everyone, with the cardinalities they imply when all are placed."""
        idx, m = self.idx, self.m
        self.busy: list[dict[int, cp_model.IntVar]] = [
            {s: self._new_busy(p, s, vs) for s, vs in by_slot.items()}
            for p, by_slot in enumerate(self.person_slot)
        ]
        if not self.forced or any(c > 1 for c in idx.cap):
            return
        # Redundant, but they let propagation reason on busy patterns before meetings are chosen.
        for p, row in enumerate(self.busy):
            n = sum(1 for k in idx.by_person[p] if self.x[k])
            if row:
                m.add(sum(row.values()) == n)
        per_slot: list[list[cp_model.IntVar]] = [[] for _ in range(idx.n_slots)]
        for row in self.busy:
            for s, b in row.items():
                per_slot[s].append(b)
        for s, bs in enumerate(per_slot):
            if len(bs) > 2 * idx.tables[s]:
                m.add(sum(bs) <= 2 * idx.tables[s])

    def _busy(self, p: int, s: int, vs: list) -> cp_model.IntVar:
        """Cached busy literal of p in slot s."""
        return self.busy[p][s]

    def _new_busy(self, p: int, s: int, vs: list) -> cp_model.IntVar:
        """Literal 'p has a meeting in slot s' (the x itself when only one request can be there)."""
        if len(vs) == 1:
            return vs[0]
        m = self.m
        b = m.new_bool_var("")
        if self.idx.cap[p] == 1:
            m.add(b == sum(vs))
        else:
            m.add_bool_or(vs).only_enforce_if(b)
            for v in vs:
                m.add_implication(v, b)
        self.aux.append((b, lambda bs, p=p, s=s: int(s in bs[p])))
        return b

    def _block_breaks(self, p: int, seq: list[int], by_slot: dict[int, list]) -> list:
        """Gap literals of participant p in one block; a gap starts at s if busy before, idle at s
        and busy again later (after[s] = 'a meeting at s or later')."""
        m = self.m
        usable = [i for i, s in enumerate(seq) if s in by_slot]
        seq = seq[usable[0] : usable[-1] + 1]
        busy = {s: self._busy(p, s, by_slot[s]) for s in seq if s in by_slot}
        after: dict[int, cp_model.IntVar] = {}
        nxt: cp_model.IntVar | None = None
        for s in reversed(seq):
            b = busy.get(s)
            if b is None:
                after[s] = nxt  # type: ignore[assignment]
                continue
            if nxt is None:
                after[s] = b
            else:
                a = m.new_bool_var("")
                m.add_bool_or([b, nxt]).only_enforce_if(a)
                m.add_implication(b, a)
                m.add_implication(nxt, a)
                self.aux.append(
                    (
                        a,
                        lambda bs, p=p, rest=seq[seq.index(s) :]: int(
                            any(t in bs[p] for t in rest)
                        ),
                    )
                )
                after[s] = a
            nxt = after[s]
        gaps = []
        for i in range(1, len(seq) - 1):
            s, prev, later = seq[i], busy.get(seq[i - 1]), after[seq[i + 1]]
            if prev is None or later is None:
                continue
            g = m.new_bool_var("")
            cur = busy.get(s)
            conj = [prev, later] if cur is None else [prev, later, cur.Not()]
            m.add_bool_and(conj).only_enforce_if(g)
            m.add_bool_or([c.Not() for c in conj] + [g])
            pv, rest = seq[i - 1], seq[i + 1 :]
            self.aux.append(
                (
                    g,
                    lambda bs, p=p, s=s, pv=pv, rest=rest: int(
                        pv in bs[p] and s not in bs[p] and any(t in bs[p] for t in rest)
                    ),
                )
            )
            gaps.append(g)
        return gaps

    def hint(self, assign: list[int | None]) -> None:
        """Hint a complete solution (x and all auxiliary literals)."""
        self.m.clear_hints()
        busy_sets: list[set[int]] = [set() for _ in self.idx.people]
        for k, s in enumerate(assign):
            if s is not None and s in self.x[k]:
                for p in self.idx.ends[k]:
                    busy_sets[p].add(s)
        for k, xs in enumerate(self.x):
            for s, v in xs.items():
                self.m.add_hint(v, assign[k] == s)
        for v, f in self.aux:
            self.m.add_hint(v, f(busy_sets))

    def solve(
        self,
        time_limit_s: float,
        workers: int,
        on_solution: Callable[[int, int, float], None] | None = None,
        cancel: CancelToken | None = None,
        params: dict | None = None,
    ) -> PhaseResult:
        """Run CP-SAT and read back the assignment."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
        solver.parameters.num_workers = workers
        for key, val in (params or {}).items():
            setattr(solver.parameters, key, val)
        t0 = time.perf_counter()
        cb = _Callback(on_solution) if on_solution else None
        code = cancellable.solve(solver, self.m, cancel, cb)
        elapsed = time.perf_counter() - t0
        status = {
            cp_model.OPTIMAL: "optimal",
            cp_model.FEASIBLE: "feasible",
            cp_model.INFEASIBLE: "infeasible",
        }.get(code, "unknown")
        if status not in ("optimal", "feasible"):
            return PhaseResult(status, None, 0, 0, elapsed)
        sol = solver.response_proto.solution
        assign: list[int | None] = [None] * len(self.idx.requests)
        for k, xs in enumerate(self.x):
            for s, v in xs.items():
                if sol[v.index]:
                    assign[k] = s
        return PhaseResult(
            status,
            assign,
            int(round(solver.objective_value)),
            int(round(solver.best_objective_bound)),
            elapsed,
        )
