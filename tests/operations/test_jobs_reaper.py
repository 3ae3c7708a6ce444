"""The reaper: a job whose worker stopped is queued again, or failed with a reason after
JOB_MAX_ATTEMPTS, and a queued job nobody took is handed to the queue again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker import file_store
from matchmaker.extensions import db
from matchmaker.jobs import lease
from matchmaker.jobs.reaper import clean_job_files, reap
from matchmaker.models.base import utcnow
from matchmaker.models.qr import PrintJob
from matchmaker.models.roundtable import ScheduleRun
from tests.factories import make_event, make_user


@pytest.fixture
def organiser(app):
    return make_user("organiser")


def _job(event, organiser, **values) -> PrintJob:
    job = PrintJob(public_id=f"pj-{len(values)}-{values.get('attempts', 0)}-{values.get('status')}",
                   kind="badges", event_id=event.id, requested_by_id=organiser.id, total=3,
                   **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_a_job_whose_heartbeat_stopped_is_queued_again_then_failed_with_a_reason(app, organiser):
    event = make_event()
    now = utcnow()
    old = now - timedelta(seconds=app.config["JOB_STALE_AFTER_S"] + 1)
    retry = _job(event, organiser, status="running", attempts=1, heartbeat_at=old, worker="h:1:W",
                 done=2)
    give_up = _job(event, organiser, status="running", attempts=app.config["JOB_MAX_ATTEMPTS"],
                   heartbeat_at=old, worker="h:2:W")
    alive = _job(event, organiser, status="running", attempts=1, heartbeat_at=now, worker="h:3:W")

    result = reap(now)

    assert result.requeued == [("print", retry.id)] and result.failed == [("print", give_up.id)]
    db.session.expire_all()
    assert (retry.status, retry.done, retry.worker) == ("queued", 0, "")
    assert "h:1:W" in retry.error
    assert give_up.status == "failed" and give_up.finished_at is not None
    assert "worker stopped" in give_up.error and "h:2:W" in give_up.error
    assert alive.status == "running"


def test_a_stale_roundtable_run_is_queued_again_with_its_progress_reset(app, organiser):
    event = make_event()
    now = utcnow()
    run = ScheduleRun(event_id=event.id, status="running", attempts=1, progress=0.6,
                      phase="solving", started_at=now, worker="h:9:W",
                      heartbeat_at=now - timedelta(minutes=5))
    db.session.add(run)
    db.session.commit()

    assert reap(now).requeued == [("roundtable", run.id)]
    db.session.expire_all()
    assert (run.status, run.progress, run.phase, run.started_at) == ("queued", 0.0, "queued", None)
    assert "h:9:W" in run.message


def test_a_queued_job_nobody_took_is_sent_again_once(app, organiser):
    event = make_event()
    now = utcnow()
    lost = _job(event, organiser, status="queued",
                heartbeat_at=now - timedelta(seconds=app.config["JOB_REQUEUE_AFTER_S"] + 1))
    fresh = _job(event, organiser, status="queued", heartbeat_at=now, attempts=0, done=0)

    assert reap(now).resent == [("print", lost.id)]
    assert reap(now).resent == []  # its timestamp moved: not again at once
    db.session.expire_all()
    assert lost.status == fresh.status == "queued"


def test_a_claim_is_taken_once_and_a_settle_needs_the_current_hold(app, organiser):
    job = _job(make_event(), organiser, status="queued")
    first = lease.claim(PrintJob, job.id, "a")
    assert first == 1
    assert lease.claim(PrintJob, job.id, "b") is None  # already running
    # The reaper gave it to someone else (attempt 2): the first holder may no longer settle.
    db.session.execute(db.update(PrintJob).where(PrintJob.id == job.id)
                       .values(status="queued"))
    db.session.commit()
    assert lease.claim(PrintJob, job.id, "b") == 2
    stale = lease.Lease(PrintJob, job.id, first)
    assert stale.settle(status="failed", error="late") is False
    db.session.rollback()
    current = lease.Lease(PrintJob, job.id, 2)
    assert current.settle(status="failed", error="really failed") is True
    db.session.commit()
    db.session.expire_all()
    assert (job.status, job.error, job.worker) == ("failed", "really failed", "b")


def test_old_job_files_and_rows_are_removed_after_the_retention(app, organiser):
    event = make_event()
    now = utcnow()
    days = app.config["JOB_FILE_RETENTION_DAYS"]
    old_file = file_store.save("2026/01/old.pdf", b"%PDF old")
    new_file = file_store.save("2026/12/new.pdf", b"%PDF new")
    old = _job(event, organiser, status="done", file_path=old_file.path,
               file_sha256=old_file.sha256, finished_at=now - timedelta(days=days + 1), done=3)
    new = _job(event, organiser, status="done", file_path=new_file.path,
               file_sha256=new_file.sha256, finished_at=now, attempts=1, done=3)
    old_id, new_id = old.id, new.id

    assert clean_job_files(now) == 1
    db.session.expire_all()
    assert db.session.get(PrintJob, old_id) is None and db.session.get(PrintJob, new_id)
    assert not file_store.resolve(old_file.path).exists()
    assert file_store.resolve(new_file.path).read_bytes() == b"%PDF new"


def test_a_stored_name_cannot_leave_the_store(app):
    with pytest.raises(ValueError):
        file_store.resolve("../secret_key")


def test_jobs_status_lists_what_is_running_and_why_a_job_failed(app, runner, organiser):
    event = make_event()
    now = utcnow()
    _job(event, organiser, status="running", attempts=2, heartbeat_at=now, worker="box:42:Worker-1")
    _job(event, organiser, status="failed", error="failed: the worker stopped during each of 3",
         finished_at=now, attempts=3)
    _job(event, organiser, status="done", file_path="x.pdf", finished_at=now, done=3)

    result = runner.invoke(args=["jobs-status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("running" in line and "attempt 2" in line and "box:42:Worker-1" in line
               for line in lines)
    assert any("failed" in line and "worker stopped during each of 3" in line for line in lines)
    assert not any(" done " in line for line in lines)
    assert lines[-1].startswith("queue: 0 waiting")
