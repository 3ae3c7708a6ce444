"""Scheduler runs: start, execute in a worker, progress, cancel, time limit.

A run reads the database once into a plain Problem, solves it with a time limit and writes
its timetable as DraftMeeting rows. The view only queues it: a worker process (matchmaker/jobs/,
`flask worker`) claims the row, so the CP-SAT/SAT solve and its memory never sit in a web
server. While it solves, the lease's ticker writes progress into the run's row at most twice a
second and reads the cancel flag, so progress and the cancel button work from any app server;
past the time limit plus a grace period the ticker stops the solver, whatever it is doing. A
worker killed mid-run leaves a row whose heartbeat stops; the reaper queues it again.
"""

from __future__ import annotations

import dataclasses
import json
import logging

from flask import current_app
from flask_babel import gettext as _

from matchmaker import jobs
from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.jobs.lease import Lease, claim
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
# Past its time limit a solve gets this long to stop on its own before the ticker cancels it
# (reading the problem and writing drafts are outside the solver's own limit).
GRACE_S = 60
MIN_LIMIT, MAX_LIMIT = 1, 600


def latest_run(event: Event) -> ScheduleRun | None:
    return db.session.scalar(db.select(ScheduleRun).where(ScheduleRun.event_id == event.id)
                             .order_by(ScheduleRun.id.desc()).limit(1))


def runs_of(event: Event) -> list[ScheduleRun]:
    return list(db.session.scalars(db.select(ScheduleRun).where(ScheduleRun.event_id == event.id)
                                   .order_by(ScheduleRun.id.desc())))


def start_run(event: Event, user: User | None, *, time_limit_s: int = 10,
              parent: ScheduleRun | None = None, must_place_all: bool = False) -> ScheduleRun:
    """Queue a run for the event; `parent` is a run whose pinned meetings the new one keeps.
    `must_place_all`: every wished meeting must be placed; the scheduler then minimises the
    waits among complete timetables, or proves that not all of them fit.

    Raises:
        Conflict: ``run_in_progress`` while another run of the event is queued or running.
        ValidationFailed: ``no_slots`` when the event has no roundtable session yet,
            ``bad_time_limit``.
    """
    if not MIN_LIMIT <= time_limit_s <= MAX_LIMIT:
        raise ValidationFailed(_("The time limit must be between %(min)d and %(max)d seconds.",
                                 min=MIN_LIMIT, max=MAX_LIMIT), code="bad_time_limit")
    busy = db.session.scalar(db.select(ScheduleRun.id).where(
        ScheduleRun.event_id == event.id, ScheduleRun.status.in_(ACTIVE_RUN_STATUSES)).limit(1))
    if busy is not None:
        raise Conflict(_("A scheduler run of this event is already in progress."),
                       code="run_in_progress")
    if not event_slots(event):
        raise ValidationFailed(_("Set up a roundtable session with slots and tables first."),
                               code="no_slots")
    run = ScheduleRun(event_id=event.id, time_limit_s=time_limit_s,
                      must_place_all=must_place_all,
                      started_by_id=user.id if user is not None else None,
                      parent_id=parent.id if parent is not None else None,
                      status=RunStatus.QUEUED, progress=0.0, phase="queued",
                      heartbeat_at=utcnow())
    db.session.add(run)
    db.session.flush()
    return run


def launch(run_id: int) -> None:
    """Hand a committed, queued run to the workers."""
    jobs.enqueue("roundtable", run_id)


def execute(run_id: int) -> ScheduleRun | None:
    """Claim a queued run, solve it and store its drafts and report; the run ends done,
    cancelled or failed (solver errors are recorded on the run, never raised). A run that is
    not queued (another worker has it, it finished, it was cancelled) is left as it is."""
    run = db.session.get(ScheduleRun, run_id)
    if run is None:
        return None
    if run.status == RunStatus.QUEUED and run.cancel_requested:
        run.status, run.finished_at = RunStatus.CANCELLED, utcnow()
        db.session.commit()
        return run
    attempt = claim(ScheduleRun, run_id, jobs.worker_name(), started_at=utcnow(),
                    phase="reading")
    if attempt is None:
        return db.session.get(ScheduleRun, run_id, populate_existing=True)
    run = db.session.get(ScheduleRun, run_id, populate_existing=True)
    time_limit_s, must_place_all = run.time_limit_s, run.must_place_all
    token = CancelToken()
    lease = Lease(ScheduleRun, run_id, attempt, tick_s=TICK_S,
                  heartbeat_s=current_app.config["JOB_HEARTBEAT_S"],
                  cancel_column="cancel_requested", deadline_s=time_limit_s + GRACE_S,
                  on_cancel=token.cancel)
    try:
        parent = db.session.get(ScheduleRun, run.parent_id) if run.parent_id else None
        pinned = [d for d in parent.drafts if d.is_pinned] if parent is not None else []
        with lease:
            built = build_problem(run.event, pinned_drafts=pinned)
            # End the read transaction (and touch no ORM attribute until the solve is over):
            # on SQLite an open read would block the ticker's writes to the same file.
            db.session.rollback()

            def report(fraction: float, phase: str, message: str) -> None:
                lease.report(progress=max(0.0, min(1.0, fraction)), phase=phase[:20],
                             message=message[:255])

            problem = built.problem
            if must_place_all:
                problem = dataclasses.replace(problem, must_place_all=True)
            schedule = solve(problem, time_limit_s=time_limit_s, workers=WORKERS,
                             progress=report, cancel=token)
        if lease.lost:
            db.session.rollback()
            return db.session.get(ScheduleRun, run_id, populate_existing=True)
        tables = assign_tables(schedule, built.problem)
        status = RunStatus.CANCELLED if token.cancelled else RunStatus.DONE
        message = schedule.report.status
        if lease.deadline_passed and not lease.cancel_requested:
            message = f"time limit: stopped after {time_limit_s + GRACE_S} s; {message}"
        if not lease.settle(status=status, progress=1.0, phase="done", message=message[:255],
                            report_json=json.dumps(report_to_dict(
                                schedule.report, built.info, built.dropped_pins)),
                            finished_at=utcnow()):
            db.session.rollback()
            return db.session.get(ScheduleRun, run_id, populate_existing=True)
        for rid, slot_id in schedule.assignments.items():
            meta = built.info[rid]
            table_id = built.table_id(slot_id, tables[rid])
            if meta.source == DraftSource.EXISTING:
                table_id = db.session.get(Meeting, meta.meeting_id).table_id
            db.session.add(DraftMeeting(
                run_id=run_id, buyer_id=meta.buyer_id, organisation_id=meta.organisation_id,
                slot_id=slot_id, table_id=table_id, weight=meta.weight,
                is_pinned=meta.pinned, source=meta.source, meeting_id=meta.meeting_id))
        db.session.commit()
        log.info("roundtable run %s %s on attempt %s: %s", run_id, status, attempt, message)
    except Exception as error:
        log.exception("roundtable run %s failed", run_id)
        db.session.rollback()
        if lease.settle(status=RunStatus.FAILED, finished_at=utcnow(),
                        message=f"{type(error).__name__}: {error}"[:255]):
            db.session.commit()
    return db.session.get(ScheduleRun, run_id, populate_existing=True)


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


def progress_of(run: ScheduleRun) -> dict:
    """What the progress page polls."""
    return {"id": run.id, "status": run.status, "progress": round(run.progress, 3),
            "phase": run.phase, "message": run.message, "finished": not run.is_active}
