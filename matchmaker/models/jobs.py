"""Columns every background job row carries, so that any worker may claim it and a dead one
is noticed (see matchmaker/jobs/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from matchmaker.models.base import UTCDateTime


class LeasedJob:
    """Mixin: the worker holding the job, how often it was tried, and its last sign of life.

    A worker claims a queued row with one conditional UPDATE (status queued → running,
    attempts + 1) and then writes heartbeat_at every few seconds; the reaper re-queues or
    fails a running row whose heartbeat stopped. While queued, heartbeat_at is when it was
    last handed to the queue.
    """

    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str] = mapped_column(String(120), default="", server_default="")
