"""Durable background work on Huey: the queue, how jobs reach it, and the app they run in.

Every long job is a row (PrintJob, ScheduleRun) plus a Huey message naming it. The row is the
truth: a worker claims it atomically, keeps a heartbeat on it while working (lease.py) and
settles it; the reaper (reaper.py, a periodic task) re-queues or fails rows whose worker died.
So the queue only has to deliver "look at row N" at least once, and losing or repeating a
message is harmless. The queue's storage comes from JOBS_QUEUE_URL: an SQLite file under
instance/ by default (no extra service), `redis://…` or `postgresql://…` for several servers.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, PostgresStorage, RedisStorage, SqliteStorage

QUEUE_NAME = "matchmaker"

# Tasks are registered on this instance at import time; init_app points it at the configured
# storage. results=False: callers read outcomes from the job rows, never from Huey.
huey = Huey(QUEUE_NAME, results=False, utc=True, storage_class=MemoryStorage)

_worker_app: Flask | None = None  # the app `flask worker` runs tasks in


def storage_for(url: str, instance_path: str) -> tuple[type, dict]:
    """Huey storage class and arguments for a JOBS_QUEUE_URL.

    Raises:
        ValueError: for a scheme Huey has no storage for.
    """
    if not url:
        return SqliteStorage, {"filename": str(Path(instance_path) / "queue.sqlite")}
    if url.startswith("sqlite:///"):
        return SqliteStorage, {"filename": url[len("sqlite:///"):]}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": url}
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresStorage, {"dsn": "postgresql://" + url.split("://", 1)[1]}
    if url == "memory://":
        return MemoryStorage, {}
    raise ValueError(f"JOBS_QUEUE_URL {url!r}: use sqlite:///, redis:// or postgresql://")


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage; JOBS_IMMEDIATE runs each job inside enqueue()."""
    global _worker_app
    storage_class, kwargs = storage_for(app.config.get("JOBS_QUEUE_URL", ""), app.instance_path)
    huey.storage_class, huey.storage_kwargs = storage_class, kwargs
    huey._immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    huey.storage = huey.create_storage()
    _worker_app = app
    from matchmaker.jobs import tasks  # noqa: F401 (registers the tasks and periodic tasks)


def worker_name() -> str:
    """host:pid:thread of the running worker, stored on the rows it claims."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"[:120]


def in_app_context(fn):
    """Run a task inside an app context with its own database session.

    In a worker that is the app `flask worker` built; with JOBS_IMMEDIATE (tests) it is the app
    of the request that enqueued it, in a fresh context so that the job uses its own session
    exactly as it would in a worker."""
    @functools.wraps(fn)
    def inner(*args, **kwargs):
        from matchmaker.extensions import db

        app = current_app._get_current_object() if has_app_context() else _worker_app
        if app is None:
            raise RuntimeError("no Flask app for the job: start workers with `flask worker`")
        with app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()
    return inner


def enqueue(kind: str, row_id: int) -> None:
    """Hand a committed, queued job row to the workers (call after the commit)."""
    from matchmaker.jobs.tasks import run_job

    run_job(kind, row_id)
