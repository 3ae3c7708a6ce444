"""The demo seed makes the dashboard, the follow-up list and the report meaningful at once."""

from __future__ import annotations

import re

import pytest

from matchmaker.demo import DEMO_PASSWORD
from matchmaker.extensions import db
from matchmaker.models import CheckIn, Event, Meeting, MeetingOutcome, User
from matchmaker.services.dashboard import event_figures
from tests.demo_snapshot import load_demo
from tests.factories import login

pytestmark = pytest.mark.slow  # seeds the whole demo fair


def test_seeded_figures_show_a_fair_in_progress(app):
    assert load_demo()
    event = db.session.scalar(db.select(Event))
    figures = event_figures(event)
    assert figures.buyers_checked_in >= 5
    assert figures.meetings_held >= 4 and figures.meetings_no_show == 1
    assert figures.deals_reported >= 3 and figures.samples_requested >= 3
    assert sum(figures.deal_values.values()) == figures.deals_reported
    # Every held meeting has its outcome; check-ins are unique per buyer.
    held = db.session.scalars(db.select(Meeting).where(Meeting.status == "held")).all()
    outcome_ids = set(db.session.scalars(db.select(MeetingOutcome.meeting_id)))
    assert {m.id for m in held} <= outcome_ids
    assert db.session.scalar(db.select(db.func.count(db.func.distinct(CheckIn.buyer_id)))) == \
        figures.buyers_checked_in


def test_seeded_dashboard_page_shows_non_zero_figures(app, client):
    load_demo()
    organiser = db.session.scalar(db.select(User).where(User.role == "organiser"))
    event = db.session.scalar(db.select(Event))
    login(client, organiser, DEMO_PASSWORD)
    html = client.get(f"/dashboard/events/{event.slug}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    for english, spanish in (("Buyers checked in", "Compradores registrados en la feria"),
                             ("Meetings held", "Reuniones realizadas"),
                             ("Deals reported", "Negocios reportados")):
        value = figures.get(english, figures.get(spanish))
        assert value is not None and int(value) > 0, english
    follow_up = client.get(f"/dashboard/follow-up?event={event.id}").get_data(as_text=True)
    assert "Cotizar un contenedor FOB Callao" in follow_up
