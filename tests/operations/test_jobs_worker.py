"""A real `flask worker` process: a badge job whose worker is killed with SIGKILL half-way is
taken over by another worker and completes, with its file stored and its QR codes on BASE_URL."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from matchmaker import file_store, jobs
from matchmaker.extensions import db
from matchmaker.models import BuyerProfile, User
from matchmaker.models.base import utcnow
from matchmaker.models.qr import PrintJob
from matchmaker.services import print_jobs
from tests.conftest import ROOT
from tests.factories import make_event, make_user
from tests.printing.test_printing_pdf import rasterise_filled_rectangles

BUYERS = 160  # enough pages that the job is still running when it is caught


@pytest.fixture
def real_queue(app, tmp_path):
    """Jobs go through an SQLite queue file to separate worker processes, as in production."""
    app.config.update(JOBS_IMMEDIATE=False, JOBS_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite'}")
    jobs.init_app(app)
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        env = {**os.environ, "FLASK_APP": "app.py", "SECRET_KEY": "worker-test",
               "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "JOBS_QUEUE_URL": app.config["JOBS_QUEUE_URL"],
               "JOB_FILES_FOLDER": app.config["JOB_FILES_FOLDER"],
               "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "BASE_URL": "http://fair.test",
               "JOB_HEARTBEAT_S": "0.5", "JOB_STALE_AFTER_S": "3", "JOB_REAP_INTERVAL_S": "1"}
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and command)
            [sys.executable, "-m", "flask", "worker", "--workers", "1"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        workers.append(process)
        return process

    yield start_worker
    for process in workers:
        if process.poll() is None:
            process.kill()
        process.wait(30)
        process.stderr.close()
    app.config.update(JOBS_IMMEDIATE=True, JOBS_QUEUE_URL="memory://")
    jobs.init_app(app)


def _row(job_id: int) -> PrintJob:
    db.session.expire_all()
    return db.session.get(PrintJob, job_id)


def _wait_for(what: str, probe, timeout_s: float = 180):
    # A bound on the wait so a broken worker fails the test instead of hanging it.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"{what}: not within {timeout_s} s")


def _seed_buyers(count: int) -> None:
    now = utcnow()
    db.session.execute(sa.insert(User), [
        {"email": f"b{i}@worker.test", "password_hash": "x", "role": "buyer",
         "name": f"Compradora {i}", "created_at": now} for i in range(count)])
    ids = db.session.scalars(sa.select(User.id).where(User.email.like("%@worker.test")))
    db.session.execute(sa.insert(BuyerProfile), [
        {"user_id": user_id, "company": f"Chocolaterie {user_id}", "country": "FR",
         "buyer_type": "chocolate_maker"} for user_id in ids])
    db.session.commit()


def test_a_job_survives_its_worker_being_killed(app, real_queue):
    event = make_event()
    organiser = make_user("organiser")
    _seed_buyers(BUYERS)
    job = print_jobs.queue_job(event, "badges", organiser, "en")
    db.session.commit()
    job_id = job.id
    print_jobs.start(job)

    first = real_queue()
    caught = False
    for _try in range(3):
        _wait_for("the first worker to take the job", lambda: _row(job_id).status == "running")
        first.send_signal(signal.SIGSTOP)  # frozen: what the row says now stays true
        if _row(job_id).status == "running":
            caught = True
            break
        # It finished between the two reads: put it back and catch it next time.
        first.send_signal(signal.SIGCONT)
        db.session.execute(sa.update(PrintJob).where(PrintJob.id == job_id).values(
            status="queued", attempts=0, file_path="", heartbeat_at=utcnow()))
        db.session.commit()
        print_jobs.start(job)
    assert caught, "the job always finished before it could be caught running"
    held_by = _row(job_id).worker
    assert f":{first.pid}:" in held_by
    first.send_signal(signal.SIGKILL)
    first.wait(30)

    real_queue()
    finished = _wait_for("the job to finish on the second worker",
                         lambda: _row(job_id) if _row(job_id).status in ("done", "failed")
                         else None)
    assert finished.status == "done", finished.error
    assert finished.attempts == 2 and f":{first.pid}:" not in finished.worker
    assert finished.done == finished.total == BUYERS
    path = file_store.resolve(finished.file_path)
    assert file_store.sha256_of(path) == finished.file_sha256
    assert path.stat().st_size == finished.file_size
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    names = "".join(page.extract_text() for page in reader.pages)
    assert all(f"Compradora {i}" in names for i in (0, BUYERS // 2, BUYERS - 1))
    urls = [code.text for code in zxingcpp.read_barcodes(rasterise_filled_rectangles(reader, 0))]
    assert urls and all(url.startswith("http://fair.test/q/") for url in urls)


def test_a_worker_stopped_on_purpose_hands_its_job_back_at_once(app, real_queue):
    event = make_event()
    organiser = make_user("organiser")
    _seed_buyers(BUYERS)
    job = print_jobs.queue_job(event, "badges", organiser, "en")
    db.session.commit()
    job_id = job.id
    row = None
    for _try in range(3):
        print_jobs.start(job)
        worker = real_queue()
        _wait_for("the worker to take the job", lambda: _row(job_id).status == "running")
        worker.send_signal(signal.SIGTERM)  # what systemctl stop sends
        worker.wait(60)
        row = _row(job_id)
        if row.status != "done":
            break
        # It finished just before the signal: nothing to hand back; try again.
        db.session.execute(sa.update(PrintJob).where(PrintJob.id == job_id).values(
            status="queued", attempts=0, file_path="", heartbeat_at=utcnow()))
        db.session.commit()
    # Handed back before the process ended: queued again, not left to the reaper.
    assert (row.status, row.worker, row.attempts) == ("queued", "", 1)
    assert "stopped" in row.error
