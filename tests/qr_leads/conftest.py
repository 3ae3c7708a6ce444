"""Fixtures for QR codes, printables and leads: a fair with a booth, a published lot, a buyer."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import Event, Exhibitor, Lot, Organisation, User
from matchmaker.services import events as event_service
from tests.factories import make_event, make_lot, make_organisation, make_user

_counter = itertools.count(1)


@pytest.fixture
def request_context(app):
    """Services translate their messages, which needs a request (for the locale)."""
    with app.test_request_context():
        yield


@dataclass
class Fair:
    event: Event
    organisation: Organisation
    exhibitor: Exhibitor
    lot: Lot
    rep: User
    buyer: User
    organiser: User


@pytest.fixture
def fair(app) -> Fair:
    event = make_event(starts_on=date.today(), name="ExpoAmazónica Test")
    organisation = make_organisation(name=f"Asociación Infierno {next(_counter)}")
    exhibitor = event_service.register_exhibitor(event, organisation, "A-1")
    db.session.commit()
    lot = make_lot(organisation)
    rep = make_user("rep", organisation=organisation)
    buyer = make_user("buyer", company="Chocolates Ñandú", country="DE", phone="+49 30 1234")
    organiser = make_user("organiser")
    return Fair(event, organisation, exhibitor, lot, rep, buyer, organiser)


@pytest.fixture
def other_org_rep(app, fair):
    """An approved rep of a second organisation exhibiting at the same event."""
    organisation = make_organisation()
    event_service.register_exhibitor(fair.event, organisation, "B-2")
    db.session.commit()
    return make_user("rep", organisation=organisation)


def days_ago(n: int):
    from datetime import UTC, datetime

    return datetime.now(UTC) - timedelta(days=n)
