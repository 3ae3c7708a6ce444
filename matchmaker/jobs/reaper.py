"""Housekeeping the workers run on a schedule: jobs whose worker died, old job files."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, update

from matchmaker import file_store
from matchmaker.extensions import db
from matchmaker.jobs.kinds import KINDS
from matchmaker.models.base import utcnow

log = logging.getLogger(__name__)


@dataclass
class Reaped:
    """What one pass did: rows handed back to the queue, rows failed for good."""

    requeued: list[tuple[str, int]] = field(default_factory=list)
    failed: list[tuple[str, int]] = field(default_factory=list)
    resent: list[tuple[str, int]] = field(default_factory=list)


def reap(now: datetime | None = None) -> Reaped:
    """Re-queue running rows whose heartbeat stopped (their worker was killed or lost its
    machine), or fail them with a reason after JOB_MAX_ATTEMPTS tries; re-send queued rows
    that no worker took for JOB_REQUEUE_AFTER_S (a lost queue message). Commits; the caller
    enqueues the rows in `requeued` and `resent` (see tasks.reap_jobs)."""
    config = current_app.config
    now = now or utcnow()
    stale_before = now - timedelta(seconds=config["JOB_STALE_AFTER_S"])
    resend_before = now - timedelta(seconds=config["JOB_REQUEUE_AFTER_S"])
    max_attempts = config["JOB_MAX_ATTEMPTS"]
    done = Reaped()
    for kind in KINDS.values():
        model = kind.model
        dead = db.session.execute(db.select(model.id, model.attempts, model.worker).where(
            model.status == "running",
            or_(model.heartbeat_at.is_(None), model.heartbeat_at < stale_before))).all()
        for row_id, attempts, worker in dead:
            guard = (model.id == row_id, model.status == "running", model.attempts == attempts)
            if attempts < max_attempts:
                values = {"status": "queued", "heartbeat_at": now, "worker": "",
                          kind.reason_column: f"retrying: worker {worker} stopped"[:255],
                          **kind.requeue_values}
                target = done.requeued
            else:
                values = {"status": "failed", "finished_at": now,
                          kind.reason_column: (f"failed: the worker stopped during each of "
                                               f"{attempts} attempts (last {worker})")[:255]}
                target = done.failed
            if db.session.execute(update(model).where(*guard).values(**values)
                                  .execution_options(synchronize_session=False)).rowcount:
                target.append((kind.name, row_id))
        lost = db.session.scalars(db.select(model.id).where(
            model.status == "queued",
            or_(model.heartbeat_at.is_(None), model.heartbeat_at < resend_before))).all()
        for row_id in lost:
            db.session.execute(update(model).where(model.id == row_id, model.status == "queued")
                               .values(heartbeat_at=now)
                               .execution_options(synchronize_session=False))
            done.resent.append((kind.name, row_id))
    db.session.commit()
    for name, row_id in done.requeued:
        log.warning("job %s %s re-queued: its worker stopped", name, row_id)
    for name, row_id in done.failed:
        log.error("job %s %s failed: its worker stopped too often", name, row_id)
    return done


def clean_job_files(now: datetime | None = None) -> int:
    """Delete finished print jobs older than JOB_FILE_RETENTION_DAYS with their files, and
    files no row names any more (a worker killed between writing and settling) of that age.
    Returns how many files were removed. Commits."""
    from matchmaker.models.qr import PrintJob

    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["JOB_FILE_RETENTION_DAYS"])
    old = db.session.scalars(db.select(PrintJob).where(
        PrintJob.status.in_(("done", "failed")), PrintJob.finished_at < cutoff)).all()
    removed = 0
    for job in old:
        if job.file_path:
            file_store.remove(job.file_path)
            removed += 1
        db.session.delete(job)
    db.session.commit()
    known = set(db.session.scalars(db.select(PrintJob.file_path).where(PrintJob.file_path != "")))
    root = file_store.job_files_root()
    for path in root.rglob("*"):
        relative = str(path.relative_to(root))
        if path.is_file() and relative not in known and _older_than(path, cutoff):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _older_than(path: Path, cutoff: datetime) -> bool:
    return path.stat().st_mtime < cutoff.timestamp()
