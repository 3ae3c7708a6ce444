"""Huey's consumer, with a scheduler that also queues the reaper every JOB_REAP_INTERVAL_S.

Huey evaluates periodic tasks once a minute; a job whose worker was killed should not wait
that long on top of JOB_STALE_AFTER_S, and the reaper is two indexed queries per job kind.
"""

from __future__ import annotations

import time

from huey.consumer import Consumer, Scheduler


class ReapingScheduler(Scheduler):
    reap_every_s = 15.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._next_reap = time.monotonic()

    def loop(self, now=None):
        if self.periodic and time.monotonic() >= self._next_reap:
            self._next_reap = time.monotonic() + self.reap_every_s
            from matchmaker.jobs.tasks import reap_jobs

            try:
                reap_jobs()  # enqueue it for the workers
            except Exception:
                self._logger.exception("could not queue the job reaper")
        super().loop(now)


class MatchmakerConsumer(Consumer):
    scheduler_class = ReapingScheduler


def create_consumer(huey, *, reap_every_s: float, **options) -> MatchmakerConsumer:
    consumer = MatchmakerConsumer(huey, **options)
    consumer.scheduler_class.reap_every_s = reap_every_s
    return consumer
