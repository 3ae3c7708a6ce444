"""Whole-event printables as background jobs: queue, run in a thread with progress, fetch.

bench/printables.py measured a full event (100 booth posters with 300 lots, 500 badges) at
well over the ~10 s a request may take on a loaded server, so these run outside the request:
the view commits a queued PrintJob, starts a thread, and the page polls the progress.
"""

from __future__ import annotations

import secrets
import threading

from flask import Flask, current_app
from flask_babel import force_locale

from matchmaker.extensions import db
from matchmaker.models import Event, User
from matchmaker.models.base import utcnow
from matchmaker.models.qr import PrintJob
from matchmaker.services import printables

KINDS = ("posters", "badges")
# Progress is committed every few items: enough for a smooth bar, few writes.
PROGRESS_EVERY = 10
_threads: dict[int, threading.Thread] = {}


def queue_job(event: Event, kind: str, user: User, locale: str) -> PrintJob:
    """Insert a queued job; start it with start(job) after the commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown print job kind {kind!r}")
    total = (len(printables.event_exhibitors(event)) if kind == "posters"
             else len(printables.event_buyers(event)))
    job = PrintJob(public_id=secrets.token_urlsafe(12), kind=kind, event_id=event.id,
                   requested_by_id=user.id, locale=locale, status="queued", done=0, total=total)
    db.session.add(job)
    db.session.flush()
    return job


def start(job: PrintJob) -> None:
    """Run the committed job in a daemon thread of this process."""
    app = current_app._get_current_object()
    thread = threading.Thread(target=run_job, args=(app, job.id), daemon=True,
                              name=f"print-job-{job.id}")
    _threads[job.id] = thread
    thread.start()


def wait(job_id: int, timeout: float | None = None) -> None:
    """Wait for a job's thread (CLI and tests)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def run_job(app: Flask, job_id: int) -> None:
    """Render the job's PDF, committing progress as it goes; failures are recorded, not raised."""
    with app.app_context(), app.test_request_context("/"):
        job = db.session.get(PrintJob, job_id)
        if job is None or job.status != "queued":
            return
        job.status = "running"
        db.session.commit()

        def progress(done: int) -> None:
            if done % PROGRESS_EVERY == 0 or done == job.total:
                job.done = min(done, job.total)
                db.session.commit()

        try:
            with force_locale(job.locale):
                event = job.event
                if job.kind == "posters":
                    pdf = printables.booth_posters(printables.event_exhibitors(event),
                                                   progress=progress)
                else:
                    pdf = printables.badges(event, progress=progress)
            job.pdf = pdf
            job.done = job.total
            job.status = "done"
        except Exception as error:  # the page must show "failed" rather than spin forever
            db.session.rollback()
            job = db.session.get(PrintJob, job_id)
            job.status = "failed"
            job.error = type(error).__name__[:255]
            app.logger.exception("print job %s failed", job_id)
        job.finished_at = utcnow()
        db.session.commit()
        db.session.remove()
        _threads.pop(job_id, None)
