"""Cancellation token shared between a web thread and a running solve (no OR-Tools import)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover - typing only
    from ortools.sat.python import cp_model


class CancelToken:
    """Lets another thread stop a running solve; the best schedule so far is still returned."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._solver: cp_model.CpSolver | None = None

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()

    def cancel(self) -> None:
        """Request the solve to stop as soon as possible."""
        self._event.set()
        with self._lock:
            if self._solver is not None:
                self._solver.stop_search()

    def attach(self, solver: cp_model.CpSolver | None) -> None:
        """Register the solver currently running (None when between phases)."""
        with self._lock:
            self._solver = solver
        if solver is not None and self.cancelled:
            solver.stop_search()


def solve(solver: cp_model.CpSolver, model: cp_model.CpModel, cancel: CancelToken | None,
          callback=None):
    """`solver.solve(model, callback)`, stoppable through `cancel` while it runs."""
    if cancel is not None:
        cancel.attach(solver)
    try:
        return solver.solve(model, callback)
    finally:
        if cancel is not None:
            cancel.attach(None)
