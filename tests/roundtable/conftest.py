"""Roundtable fixtures: an event next week with one session (8 slots in two blocks, 3 tables),
three exhibiting associations and four buyers, runs executed synchronously."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from flask import g
from flask.testing import FlaskClient

from matchmaker.extensions import db
from matchmaker.models.roundtable import DraftMeeting, ScheduleRun, WishDirection
from matchmaker.services.roundtable.wishes import set_wish
from tests.factories import make_event, make_exhibitor, make_session, make_user


class FreshUserClient(FlaskClient):
    """Forgets Flask-Login's cached user between requests (tests share one app context)."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        try:
            return super().open(*args, **kwargs)
        finally:
            g.pop("_login_user", None)


@pytest.fixture(autouse=True)
def _fresh_user_client(app):
    app.test_client_class = FreshUserClient


@pytest.fixture
def request_ctx(app):
    """Services translate their messages, which needs a request's locale."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@dataclass
class Fair:
    event: object
    session: object
    orgs: list
    buyers: list
    reps: list
    organiser: object
    extra: dict = field(default_factory=dict)

    @property
    def slots(self):
        return self.session.slots

    def wish(self, buyer, org, buyer_level=None, org_level=None):
        if buyer_level:
            set_wish(self.event, buyer, org, WishDirection.BUYER, buyer_level)
        if org_level:
            set_wish(self.event, buyer, org, WishDirection.ORGANISATION, org_level)
        db.session.commit()


@pytest.fixture
def fair(app) -> Fair:
    event = make_event(starts_on=date.today() + timedelta(days=7))
    session = make_session(event)
    orgs = [make_exhibitor(event).organisation for _ in range(3)]
    reps = [make_user("rep", organisation=org) for org in orgs]
    buyers = [make_user("buyer", company=f"Chocolatier {n}") for n in range(4)]
    organiser = make_user("organiser", locale="en")
    return Fair(event, session, orgs, buyers, reps, organiser)


@pytest.fixture
def wished_fair(fair) -> Fair:
    """Every buyer must-meets every organisation from both sides (12 mutual musts)."""
    for buyer in fair.buyers:
        for org in fair.orgs:
            fair.wish(buyer, org, "must", "must")
    return fair


def hand_run(fair, placements):
    """A finished run whose draft is exactly `placements` (buyer, org, slot, table indexes)."""
    run = ScheduleRun(event_id=fair.event.id, status="done", report_json="{}")
    tables = fair.session.tables
    for b, o, s, t in placements:
        run.drafts.append(DraftMeeting(buyer_id=fair.buyers[b].id,
                                       organisation_id=fair.orgs[o].id,
                                       slot_id=fair.slots[s].id, table_id=tables[t].id,
                                       weight=100))
    db.session.add(run)
    db.session.commit()
    return run


def browser_log_in(page, user):
    """Log `user` in through the log-in page (any earlier session forgotten)."""
    import re

    from tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Iniciar|Ingresar|Entrar")).last.click()
    page.wait_for_load_state()
