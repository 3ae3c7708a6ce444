"""The Huey tasks: one that runs any job row, and the periodic housekeeping.

Periodic tasks are enqueued by every consumer's scheduler, so with several workers they may run
more than once a minute; each is safe to repeat (conditional updates, claimed mail messages).
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.signals import SIGNAL_INTERRUPTED

from matchmaker.jobs import enqueue, huey, in_app_context, worker_name
from matchmaker.jobs.kinds import KINDS
from matchmaker.services.mail import after_mail_committed

log = logging.getLogger(__name__)


@huey.task(name="run_job")
def run_job(kind: str, row_id: int) -> None:
    """Run one job row; a row already taken, finished or deleted is skipped by its runner."""
    in_app_context(KINDS[kind].run)(row_id)


@huey.signal(SIGNAL_INTERRUPTED)
def hand_back_interrupted(_signal, task, *args, **kwargs) -> None:
    """A worker stopped on purpose (a deploy, `systemctl stop`, Ctrl+C) hands the jobs it was
    running back to the queue at once, rather than leaving them to the reaper."""
    if isinstance(task, run_job.task_class):
        _hand_back(*task.args)


@in_app_context
def _hand_back(kind: str, row_id: int) -> None:
    from sqlalchemy import update

    from matchmaker.extensions import db
    from matchmaker.models.base import utcnow

    job_kind = KINDS[kind]
    model = job_kind.model
    this_process = worker_name().rsplit(":", 1)[0] + ":"
    handed = db.session.execute(
        update(model).where(model.id == row_id, model.status == "running",
                            model.worker.startswith(this_process))
        .values(status="queued", worker="", heartbeat_at=utcnow(),
                **{job_kind.reason_column: "retrying: its worker was stopped"},
                **job_kind.requeue_values)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if handed:
        log.warning("job %s %s handed back to the queue: this worker is stopping", kind, row_id)
        enqueue(kind, row_id)


@in_app_context
def _reap() -> None:
    from matchmaker.jobs.reaper import reap

    result = reap()
    for name, row_id in result.requeued + result.resent:
        enqueue(name, row_id)


@huey.task(name="reap_jobs")
def reap_jobs() -> None:
    """Jobs whose worker died go back to the queue (or fail with a reason); every consumer's
    scheduler queues this every JOB_REAP_INTERVAL_S (consumer.py)."""
    _reap()


def _deliver() -> None:
    from matchmaker.services.mail import deliver_pending

    sent, failed = deliver_pending()
    if sent or failed:
        log.info("mail: sent %s, failed %s", sent, failed)


@huey.task(name="deliver_mail_soon")
@in_app_context
def deliver_mail_soon() -> None:
    """Send what a commit just queued (services/mail.py enqueues this after the commit), so a
    password reset does not wait for the minute's sweep."""
    _deliver()


after_mail_committed.append(deliver_mail_soon)


@huey.periodic_task(crontab(minute="*"), name="deliver_mail")
@in_app_context
def deliver_mail() -> None:
    """Every minute: send due outbox messages over SMTP (nothing without MAIL_SERVER); the
    safety net for retries and for a delivery task that was lost."""
    _deliver()


@huey.periodic_task(crontab(minute="*/5"), name="meeting_reminders")
@in_app_context
def meeting_reminders() -> None:
    """Every five minutes: reminders before accepted meetings, warnings before expiry."""
    from matchmaker.extensions import db
    from matchmaker.services.reminders import send_reminders

    send_reminders()
    db.session.commit()


@huey.periodic_task(crontab(minute="*/5"), name="expire_meetings")
@in_app_context
def expire_meetings() -> None:
    """Every five minutes: unanswered meeting requests whose time ran out expire."""
    from matchmaker.extensions import db
    from matchmaker.services.meetings import booking

    booking.expire_overdue()
    db.session.commit()


@huey.periodic_task(crontab(minute="17"), name="clean_job_files")
@in_app_context
def clean_job_files() -> None:
    """Hourly: finished job files older than JOB_FILE_RETENTION_DAYS are deleted."""
    from matchmaker.jobs.reaper import clean_job_files as clean

    removed = clean()
    if removed:
        log.info("removed %s old job files", removed)
