"""Slow files as background jobs (whole-event printables, large XLSX lead exports): queue,
render in a worker with progress, store the file, fetch.

bench/printables.py measured a full event (100 booth posters with 300 lots, 500 badges) at
well over the ~10 s a request may take on a loaded server, so these run in a worker
(matchmaker/jobs/): the view commits a queued PrintJob and enqueues it, a worker claims and
renders it into the job file store, and the page polls the progress from the row.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
from datetime import date

from flask import current_app

from matchmaker import file_store, jobs
from matchmaker.extensions import db
from matchmaker.jobs.context import job_context
from matchmaker.jobs.lease import Lease, claim
from matchmaker.models import Event, User
from matchmaker.models.base import utcnow
from matchmaker.models.qr import PrintJob
from matchmaker.services import printables

log = logging.getLogger(__name__)

KINDS = ("posters", "badges")  # what organisers start from the printables page
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"posters": "application/pdf", "badges": "application/pdf", "leads_xlsx": XLSX,
             "report_pdf": "application/pdf", "report_xlsx": XLSX}
EXTENSIONS = {"posters": "pdf", "badges": "pdf", "leads_xlsx": "xlsx", "report_pdf": "pdf",
              "report_xlsx": "xlsx"}
# Files only the person who asked may fetch: what they hold depends on who they are.
PERSONAL_KINDS = ("leads_xlsx", "report_pdf", "report_xlsx")


def queue_job(event: Event, kind: str, user: User, locale: str) -> PrintJob:
    """Insert a queued job; hand it to the workers with start(job) after the commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown print job kind {kind!r}")
    total = (len(printables.event_exhibitors(event)) if kind == "posters"
             else len(printables.event_buyers(event)))
    job = PrintJob(public_id=secrets.token_urlsafe(12), kind=kind, event_id=event.id,
                   requested_by_id=user.id, locale=locale, status="queued", done=0, total=total,
                   heartbeat_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def queue_lead_export(user: User, lead_filter, total: int, locale: str) -> PrintJob:
    """Insert a queued XLSX lead export for user with the list's filters."""
    params = {key: (value.isoformat() if hasattr(value, "isoformat") else value)
              for key, value in dataclasses.asdict(lead_filter).items()}
    job = PrintJob(public_id=secrets.token_urlsafe(12), kind="leads_xlsx", event_id=None,
                   requested_by_id=user.id, locale=locale, status="queued", done=0,
                   total=total, params=json.dumps(params), heartbeat_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def queue_report(event: Event, organisation, kind: str, locale: str, user: User) -> PrintJob:
    """Insert a queued post-fair report (report_pdf or report_xlsx) for the event, or for one
    organisation's part of it, in `locale`."""
    if kind not in ("report_pdf", "report_xlsx"):
        raise ValueError(f"unknown report kind {kind!r}")
    params = {"org": organisation.slug if organisation is not None else None}
    job = PrintJob(public_id=secrets.token_urlsafe(12), kind=kind, event_id=event.id,
                   requested_by_id=user.id, locale=locale, status="queued", done=0, total=1,
                   params=json.dumps(params), heartbeat_at=utcnow())
    db.session.add(job)
    db.session.flush()
    return job


def requeue(job: PrintJob) -> None:
    """Put a failed job back in the queue (the "try again" button); start(job) after commit.

    Raises:
        ValueError: when the job has not failed.
    """
    if job.status != "failed":
        raise ValueError("only a failed job can be tried again")
    job.status, job.done, job.error, job.attempts = "queued", 0, "", 0
    job.heartbeat_at, job.finished_at = utcnow(), None
    db.session.flush()


def start(job: PrintJob) -> None:
    """Hand the committed, queued job to the workers."""
    jobs.enqueue("print", job.id)


def _lead_filter(params: str):
    from matchmaker.services.leads.queries import LeadFilter

    values = json.loads(params or "{}")
    for key in ("date_from", "date_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return LeadFilter(**values)


def _render(job: PrintJob, name: str, progress) -> file_store.StoredFile:
    if job.kind in ("posters", "badges"):
        printables.issue_codes(job.event, job.kind)
        db.session.commit()  # the codes are issued for good; drawing then writes nothing
    if job.kind == "posters":
        content = printables.booth_posters(printables.event_exhibitors(job.event),
                                           progress=progress)
        return file_store.save(name, content)
    if job.kind == "badges":
        return file_store.save(name, printables.badges(job.event, progress=progress))
    if job.kind in ("report_pdf", "report_xlsx"):
        from matchmaker.models import Organisation
        from matchmaker.services import report

        org_slug = json.loads(job.params or "{}").get("org")
        organisation = (db.session.scalar(db.select(Organisation).where(
            Organisation.slug == org_slug)) if org_slug else None)
        built = report.build_report(job.event, organisation)
        content = report.report_pdf(built) if job.kind == "report_pdf" else report.report_xlsx(built)
        progress(1)
        return file_store.save(name, content)
    from matchmaker.services.leads import exports

    # No progress during the export: the batched cursor (server-side on PostgreSQL) reads
    # while the rows stream into the file.
    user = db.session.get(User, job.requested_by_id)
    with exports.xlsx_to_tempfile(user, _lead_filter(job.params)) as output:
        return file_store.save(name, output)


def run_job(job_id: int) -> None:
    """Claim, render and store one job (the worker's side); failures are recorded on the row
    with their reason, never raised, and a job another worker holds is left alone."""
    attempt = claim(PrintJob, job_id, jobs.worker_name())
    if attempt is None:
        return
    job = db.session.get(PrintJob, job_id)
    log.info("print job %s (%s) started, attempt %s", job_id, job.kind, attempt)
    config = current_app.config
    name = f"{job.created_at:%Y/%m}/{job.public_id}-{attempt}.{EXTENSIONS[job.kind]}"
    stored = error = None
    with Lease(PrintJob, job_id, attempt, heartbeat_s=config["JOB_HEARTBEAT_S"]) as lease:
        try:
            with job_context(job.locale):
                stored = _render(job, name, lambda done: lease.report(done=min(done, job.total)))
        except Exception as exc:  # the page must show "failed" with a reason, not spin forever
            log.exception("print job %s failed", job_id)
            error = f"{type(exc).__name__}: {exc}"[:255]
    if stored is not None and lease.settle(
            status="done", done=job.total, file_path=stored.path, file_sha256=stored.sha256,
            file_size=stored.size, error="", finished_at=utcnow()):
        db.session.commit()
        log.info("print job %s (%s) done on attempt %s: %s, %s bytes", job_id, job.kind,
                 attempt, stored.path, stored.size)
        return
    db.session.rollback()
    if stored is not None:  # the hold was lost: another attempt owns the job now
        file_store.remove(stored.path)
        return
    if lease.settle(status="failed", error=error or "failed", finished_at=utcnow()):
        db.session.commit()
