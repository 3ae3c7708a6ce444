"""Matching fixtures: the demo fair (lots, offer, buyers with stated demand)."""

from __future__ import annotations

import pytest
from flask import g
from flask.testing import FlaskClient

from matchmaker.demo import DEMO_PASSWORD
from matchmaker.extensions import db as _db
from matchmaker.models import Event, User
from tests.demo_snapshot import load_demo
from tests.factories import login


class FreshUserClient(FlaskClient):
    """Forgets Flask-Login's cached user between requests (tests share one app context)."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        try:
            return super().open(*args, **kwargs)
        finally:
            g.pop("_login_user", None)


@pytest.fixture
def demo(app, db):
    app.test_client_class = FreshUserClient
    with app.test_request_context(headers={"Accept-Language": "en"}):
        load_demo()
    return _db.session.scalar(_db.select(Event))


@pytest.fixture
def user():
    def _user(email: str) -> User:
        return _db.session.scalar(_db.select(User).where(User.email == email))
    return _user


@pytest.fixture
def demo_login(client):
    def _login(email: str):
        login(client, _db.session.scalar(_db.select(User).where(User.email == email)),
              DEMO_PASSWORD)
        return client
    return _login
