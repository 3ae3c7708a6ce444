"""Shared fixtures of the meetings tests (imported by the test modules)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g
from flask.testing import FlaskClient


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


class FreshUserClient(FlaskClient):
    """A test client that forgets the cached user between requests.

    Requests in tests share the fixture's app context, where Flask-Login caches the user in
    `g`; tests that switch between several people's clients must drop that cache.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        try:
            return super().open(*args, **kwargs)
        finally:
            g.pop("_login_user", None)
