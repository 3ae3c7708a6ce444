"""Shared fixtures of the meetings tests (imported by the test modules)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest


@pytest.fixture
def request_ctx(app):
    """Services translate their error messages, which needs a request's locale."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def next_week() -> date:
    return date.today() + timedelta(days=7)


def before(slot, **delta) -> datetime:
    """A moment before the slot starts (default: one day)."""
    return slot.starts_at - (timedelta(**delta) if delta else timedelta(days=1))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)
