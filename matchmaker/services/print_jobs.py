"""Slow files as background jobs (whole-event printables, large XLSX lead exports): queue,
run in a thread with progress, fetch.

bench/printables.py measured a full event (100 booth posters with 300 lots, 500 badges) at
well over the ~10 s a request may take on a loaded server, so these run outside the request:
the view commits a queued PrintJob, starts a thread, and the page polls the progress.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import threading
from datetime import date

from flask import Flask, current_app
from flask_babel import force_locale

from matchmaker.extensions import db
from matchmaker.models import Event, User
from matchmaker.models.base import utcnow
from matchmaker.models.qr import PrintJob
from matchmaker.services import printables

KINDS = ("posters", "badges")  # what organisers start from the printables page
MIMETYPES = {"posters": "application/pdf", "badges": "application/pdf",
             "leads_xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
EXTENSIONS = {"posters": "pdf", "badges": "pdf", "leads_xlsx": "xlsx"}
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


def queue_lead_export(user: User, lead_filter, total: int, locale: str) -> PrintJob:
    """Insert a queued XLSX lead export for user with the list's filters."""
    params = {key: (value.isoformat() if hasattr(value, "isoformat") else value)
              for key, value in dataclasses.asdict(lead_filter).items()}
    job = PrintJob(public_id=secrets.token_urlsafe(12), kind="leads_xlsx", event_id=None,
                   requested_by_id=user.id, locale=locale, status="queued", done=0,
                   total=total, params=json.dumps(params))
    db.session.add(job)
    db.session.flush()
    return job


def _lead_filter(params: str):
    from matchmaker.services.leads.queries import LeadFilter

    values = json.loads(params or "{}")
    for key in ("date_from", "date_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return LeadFilter(**values)


def _render(job: PrintJob, progress) -> bytes:
    if job.kind == "posters":
        return printables.booth_posters(printables.event_exhibitors(job.event), progress=progress)
    if job.kind == "badges":
        return printables.badges(job.event, progress=progress)
    from matchmaker.services.leads import exports

    # No progress during the export: committing would end the transaction that the
    # batched (server-side on PostgreSQL) cursor reads from.
    user = db.session.get(User, job.requested_by_id)
    with exports.xlsx_to_tempfile(user, _lead_filter(job.params)) as output:
        return output.read()


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
                content = _render(job, progress)
            job.content = content
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
