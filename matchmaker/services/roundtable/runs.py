"""Scheduler runs: start, execute (in a background thread or synchronously), progress, cancel.

A run reads the database once into a plain Problem, solves it with a time limit and writes
its timetable as DraftMeeting rows. While it solves, a ticker thread writes progress into the
run's row at most twice a second (own short transactions through the engine, since CP-SAT
reports from its own threads) and reads the cancel flag, so the cancel button works from
any app server. With ``ROUNDTABLE_SYNC`` set (tests, `flask roundtable-run`) the view runs it
inline instead of in a thread.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import Engine, select, update

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Event, Meeting, User
from matchmaker.models.base import utcnow
from matchmaker.models.roundtable import (
    ACTIVE_RUN_STATUSES,
    DraftMeeting,
    DraftSource,
    RunStatus,
    ScheduleRun,
)
from matchmaker.scheduler import CancelToken, assign_tables, solve
from matchmaker.services.roundtable.problem import build_problem, event_slots
from matchmaker.services.roundtable.report import report_to_dict

log = logging.getLogger(__name__)

TICK_S = 0.5  # at most two progress writes per second
WORKERS = 2
# A run still "running" this long after its time limit died with its process.
STALE_AFTER = timedelta(minutes=2)
MIN_LIMIT, MAX_LIMIT = 1, 600

# Runs solving in this process: run id -> token, so a cancel here stops them at once.
_TOKENS: dict[int, CancelToken] = {}
_TOKENS_LOCK = threading.Lock()


def latest_run(event: Event) -> ScheduleRun | None:
    return db.session.scalar(db.select(ScheduleRun).where(ScheduleRun.event_id == event.id)
                             .order_by(ScheduleRun.id.desc()).limit(1))


def runs_of(event: Event) -> list[ScheduleRun]:
    return list(db.session.scalars(db.select(ScheduleRun).where(ScheduleRun.event_id == event.id)
                                   .order_by(ScheduleRun.id.desc())))


def _fail_stale(event: Event) -> None:
    now = utcnow()
    for run in db.session.scalars(db.select(ScheduleRun).where(
            ScheduleRun.event_id == event.id, ScheduleRun.status.in_(ACTIVE_RUN_STATUSES))):
        since = run.started_at or run.created_at
        if since + timedelta(seconds=run.time_limit_s) + STALE_AFTER < now:
            run.status = RunStatus.FAILED
            run.message = "stale: the process running it stopped"
            run.finished_at = now


def start_run(event: Event, user: User | None, *, time_limit_s: int = 10,
              parent: ScheduleRun | None = None) -> ScheduleRun:
    """Queue a run for the event; `parent` is a run whose pinned meetings the new one keeps.

    Raises:
        Conflict: ``run_in_progress`` while another run of the event is queued or running.
        ValidationFailed: ``no_slots`` when the event has no roundtable session yet,
            ``bad_time_limit``.
    """
    if not MIN_LIMIT <= time_limit_s <= MAX_LIMIT:
        raise ValidationFailed(_("The time limit must be between %(min)d and %(max)d seconds.",
                                 min=MIN_LIMIT, max=MAX_LIMIT), code="bad_time_limit")
    _fail_stale(event)
    busy = db.session.scalar(db.select(ScheduleRun.id).where(
        ScheduleRun.event_id == event.id, ScheduleRun.status.in_(ACTIVE_RUN_STATUSES)).limit(1))
    if busy is not None:
        raise Conflict(_("A scheduler run of this event is already in progress."),
                       code="run_in_progress")
    if not event_slots(event):
        raise ValidationFailed(_("Set up a roundtable session with slots and tables first."),
                               code="no_slots")
    run = ScheduleRun(event_id=event.id, time_limit_s=time_limit_s,
                      started_by_id=user.id if user is not None else None,
                      parent_id=parent.id if parent is not None else None,
                      status=RunStatus.QUEUED, progress=0.0, phase="queued")
    db.session.add(run)
    db.session.flush()
    return run


def launch(run_id: int) -> None:
    """Execute a committed, queued run: inline with ROUNDTABLE_SYNC, else in a thread."""
    app = current_app._get_current_object()
    if app.config.get("ROUNDTABLE_SYNC"):
        execute(run_id)
        return
    thread = threading.Thread(target=_thread_main, args=(app, run_id),
                              name=f"roundtable-run-{run_id}", daemon=True)
    thread.start()


def _thread_main(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            execute(run_id)
        finally:
            db.session.remove()


class _Ticker:
    """Writes the latest progress and polls the cancel flag, from its own thread."""

    def __init__(self, engine: Engine, run_id: int, token: CancelToken):
        self.engine, self.run_id, self.token = engine, run_id, token
        self.latest: tuple[float, str, str] | None = None
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=f"roundtable-tick-{run_id}",
                                       daemon=True)

    def report(self, fraction: float, phase: str, message: str) -> None:
        with self.lock:
            self.latest = (max(0.0, min(1.0, fraction)), phase[:20], message[:255])

    def _write(self) -> None:
        with self.lock:
            latest, self.latest = self.latest, None
        with self.engine.begin() as conn:
            if latest is not None:
                conn.execute(update(ScheduleRun).where(ScheduleRun.id == self.run_id).values(
                    progress=latest[0], phase=latest[1], message=latest[2]))
            flag = conn.execute(select(ScheduleRun.cancel_requested)
                                .where(ScheduleRun.id == self.run_id)).scalar()
        if flag:
            self.token.cancel()

    def _loop(self) -> None:
        while not self.stop.wait(TICK_S):
            try:
                self._write()
            except Exception:  # a busy database must not kill the run; the next tick retries
                log.warning("roundtable progress write failed", exc_info=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def execute(run_id: int) -> ScheduleRun | None:
    """Solve a queued run and store its drafts and report; the run ends done, cancelled or
    failed (never raises for solver errors: they are recorded on the run)."""
    run = db.session.get(ScheduleRun, run_id)
    if run is None or run.status != RunStatus.QUEUED:
        return run
    if run.cancel_requested:
        run.status, run.finished_at = RunStatus.CANCELLED, utcnow()
        db.session.commit()
        return run
    run.status, run.started_at, run.phase = RunStatus.RUNNING, utcnow(), "reading"
    db.session.commit()
    token = CancelToken()
    with _TOKENS_LOCK:
        _TOKENS[run_id] = token
    try:
        parent = db.session.get(ScheduleRun, run.parent_id) if run.parent_id else None
        pinned = [d for d in parent.drafts if d.is_pinned] if parent is not None else []
        built = build_problem(run.event, pinned_drafts=pinned)
        with _Ticker(db.engine, run_id, token) as ticker:
            schedule = solve(built.problem, time_limit_s=run.time_limit_s, workers=WORKERS,
                             progress=ticker.report, cancel=token)
        tables = assign_tables(schedule, built.problem)
        run = db.session.get(ScheduleRun, run_id, populate_existing=True)
        for rid, slot_id in schedule.assignments.items():
            meta = built.info[rid]
            table_id = built.table_id(slot_id, tables[rid])
            if meta.source == DraftSource.EXISTING:
                table_id = db.session.get(Meeting, meta.meeting_id).table_id
            run.drafts.append(DraftMeeting(
                buyer_id=meta.buyer_id, organisation_id=meta.organisation_id, slot_id=slot_id,
                table_id=table_id, weight=meta.weight, is_pinned=meta.pinned,
                source=meta.source, meeting_id=meta.meeting_id))
        run.report_json = json.dumps(report_to_dict(schedule.report, built.info,
                                                    built.dropped_pins))
        run.status = RunStatus.CANCELLED if token.cancelled else RunStatus.DONE
        run.progress, run.phase = 1.0, "done"
        run.message = schedule.report.status
        run.finished_at = utcnow()
        db.session.commit()
    except Exception as error:
        log.exception("roundtable run %s failed", run_id)
        db.session.rollback()
        run = db.session.get(ScheduleRun, run_id, populate_existing=True)
        run.status, run.finished_at = RunStatus.FAILED, utcnow()
        run.message = f"{type(error).__name__}: {error}"[:255]
        db.session.commit()
    finally:
        with _TOKENS_LOCK:
            _TOKENS.pop(run_id, None)
    return run


def cancel_run(run: ScheduleRun) -> None:
    """Ask a queued or running run to stop; it keeps the best timetable found so far.

    Raises:
        Conflict: ``not_running`` when the run has already finished.
    """
    if not run.is_active:
        raise Conflict(_("This run has already finished."), code="not_running")
    run.cancel_requested = True
    if run.status == RunStatus.QUEUED:
        run.status, run.finished_at = RunStatus.CANCELLED, utcnow()
    db.session.flush()
    with _TOKENS_LOCK:
        token = _TOKENS.get(run.id)
    if token is not None:
        token.cancel()


def progress_of(run: ScheduleRun) -> dict:
    """What the progress page polls."""
    return {"id": run.id, "status": run.status, "progress": round(run.progress, 3),
            "phase": run.phase, "message": run.message, "finished": not run.is_active}
