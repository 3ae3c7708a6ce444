"""A worker's hold on one job row: an atomic claim, a heartbeat while it works, a settle that
only lands while the hold is still valid.

The heartbeat runs on a small ticker thread with its own connections (the job's own thread is
busy rendering or solving, and CP-SAT reports progress from its threads). It is plumbing, not
application work: it writes heartbeat_at and the latest progress, reads a cancel flag, and
stops the job (through its cancel callback) when the hold is lost or the hard deadline passes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy import select, update

from matchmaker.extensions import db
from matchmaker.models.base import utcnow

log = logging.getLogger(__name__)


def claim(model, row_id: int, worker: str, **values) -> int | None:
    """Take a queued row (queued → running, attempts + 1); the attempt number, or None when
    another worker has it, it is finished, or it is gone. Commits."""
    result = db.session.execute(
        update(model).where(model.id == row_id, model.status == "queued")
        .values(status="running", attempts=model.attempts + 1, heartbeat_at=utcnow(),
                worker=worker, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return None
    attempt = db.session.scalar(select(model.attempts).where(model.id == row_id))
    db.session.commit()
    return attempt


class Lease:
    """Heartbeat and progress for a claimed row; use as a context manager around the work.

    Args:
        tick_s: how often the ticker wakes (progress at most this often).
        heartbeat_s: a heartbeat is written at least this often even without progress.
        cancel_column: a boolean column that, once true, calls on_cancel (the cancel button).
        deadline_s: after this many seconds on_cancel is called (a hard time limit).
    """

    def __init__(self, model, row_id: int, attempt: int, *, tick_s: float = 0.5,
                 heartbeat_s: float = 5.0, cancel_column: str | None = None,
                 deadline_s: float | None = None, on_cancel: Callable[[], None] | None = None):
        self.model, self.row_id, self.attempt = model, row_id, attempt
        self.tick_s, self.heartbeat_s = tick_s, heartbeat_s
        self.cancel_column, self.on_cancel = cancel_column, on_cancel
        self.deadline = time.monotonic() + deadline_s if deadline_s else None
        self.engine = db.engine
        self.lost = False
        self.cancel_requested = False
        self.deadline_passed = False
        self._pending: dict = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._last_beat = 0.0
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name=f"lease-{model.__tablename__}-{row_id}")

    def _mine(self):
        model = self.model
        return (model.id == self.row_id, model.status == "running",
                model.attempts == self.attempt)

    def report(self, **values) -> None:
        """Column values (progress, phase, done…) for the next tick to write."""
        with self._lock:
            self._pending.update(values)

    def beat(self) -> None:
        """Write the heartbeat and any pending progress; notice a lost hold or a cancel."""
        with self._lock:
            values, self._pending = self._pending, {}
        now = time.monotonic()
        if not values and now - self._last_beat < self.heartbeat_s:
            return
        with self.engine.begin() as conn:
            result = conn.execute(update(self.model).where(*self._mine())
                                  .values(heartbeat_at=utcnow(), **values))
            flag = False
            if self.cancel_column and result.rowcount == 1:
                flag = bool(conn.execute(select(getattr(self.model, self.cancel_column))
                                         .where(self.model.id == self.row_id)).scalar())
        self._last_beat = now
        if result.rowcount != 1 and not self.lost:
            log.warning("%s %s: the hold was lost (reaped or finished elsewhere); stopping",
                        self.model.__tablename__, self.row_id)
            self.lost = True
            self._cancel()
        if flag and not self.cancel_requested:
            self.cancel_requested = True
            self._cancel()

    def _cancel(self) -> None:
        if self.on_cancel is not None:
            self.on_cancel()

    def _loop(self) -> None:
        while not self._stop.wait(self.tick_s):
            if self.deadline is not None and not self.deadline_passed \
                    and time.monotonic() > self.deadline:
                self.deadline_passed = True
                self._cancel()
            try:
                self.beat()
            except Exception:  # a busy database must not kill the job; the next tick retries
                log.warning("heartbeat of %s %s failed", self.model.__tablename__, self.row_id,
                            exc_info=True)

    def settle(self, **values) -> bool:
        """Set the row's final values in the session's transaction, only while this hold is
        valid; the caller commits on True and rolls back on False."""
        result = db.session.execute(update(self.model).where(*self._mine()).values(**values)
                                    .execution_options(synchronize_session=False))
        return result.rowcount == 1

    def __enter__(self):
        self._last_beat = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
