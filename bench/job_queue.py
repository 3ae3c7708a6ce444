"""Measure Huey's storages as matchmaker uses them: how fast a view can enqueue, and how long
a message waits before a worker starts it, for SQLite (the embedded default), Redis and
PostgreSQL. Run by hand; figures go to docs/architecture.md.

Run: .venv/bin/python bench/job_queue.py [--redis redis://127.0.0.1:6379/5]
                                         [--postgres postgresql://postgres@127.0.0.1:5432/jobs_bench]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path

from huey import Huey
from huey.consumer import Consumer
from huey.storage import PostgresStorage, RedisStorage, SqliteStorage

ENQUEUES = 500
SAMPLES = 100


def measure(label: str, storage_class, **kwargs) -> None:
    huey = Huey(f"bench-{int(time.time())}", results=False, storage_class=storage_class,
                **kwargs)
    started: dict[int, float] = {}
    done = threading.Event()

    @huey.task()
    def noop(n: int, sent: float) -> None:
        started[n] = time.perf_counter() - sent
        if len(started) >= SAMPLES:
            done.set()

    huey.flush()
    t0 = time.perf_counter()
    for n in range(ENQUEUES):
        noop(-n - 1, time.perf_counter())
    enqueue_ms = (time.perf_counter() - t0) / ENQUEUES * 1000
    huey.flush()  # measure latency on an empty queue
    consumer = Consumer(huey, workers=2, worker_type="thread", periodic=False, max_delay=1.0)
    thread = threading.Thread(target=consumer.run, daemon=True)  # the bench's own consumer
    consumer._set_signal_handlers = lambda: None  # not the main thread
    thread.start()
    time.sleep(1.0)
    for n in range(SAMPLES):
        noop(n, time.perf_counter())
        time.sleep(0.05)
    done.wait(60)
    consumer.stop()
    latencies = sorted(v * 1000 for k, v in started.items() if k >= 0)
    p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    print(f"{label:<10} enqueue {enqueue_ms:6.2f} ms each   start latency median "
          f"{statistics.median(latencies):7.1f} ms, p95 {p95:7.1f} ms  ({len(latencies)} samples)")
    huey.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        measure("sqlite", SqliteStorage, filename=str(Path(tmp) / "queue.sqlite"))
    if args.redis:
        measure("redis", RedisStorage, url=args.redis)
    if args.postgres:
        measure("postgres", PostgresStorage, dsn=args.postgres)


if __name__ == "__main__":
    main()
