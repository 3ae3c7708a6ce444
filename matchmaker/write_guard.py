"""Writes that a GET request may make, because a service says why (`permitted(reason)`).

GET requests never write (`matchmaker/web.py` refuses it), with one kind of exception: an
opaque token that must exist before a page can show it (a QR code's) is issued on first
use. The service that issues it wraps the insert in `permitted(...)`; the request kernel then
lets the write through and commits it. Plain stdlib, so services may use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_reason: ContextVar[str | None] = ContextVar("get_write_reason", default=None)


@contextmanager
def permitted(reason: str) -> Iterator[None]:
    """Let the writes inside this block happen even while a GET request is served."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


def permitted_reason() -> str | None:
    """Why the current write is permitted during a GET, or None if it is not."""
    return _reason.get()
