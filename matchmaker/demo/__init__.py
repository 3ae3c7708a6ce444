"""Demo data for `flask seed-demo`: each feature adds a seeder to SEEDERS, run in order."""

from __future__ import annotations

from matchmaker.demo.dashboard import seed_dashboard
from matchmaker.demo.leads import seed_leads
from matchmaker.demo.lots import seed_lots
from matchmaker.demo.matching import seed_matching
from matchmaker.demo.meetings import seed_meetings
from matchmaker.demo.offers import seed_offers
from matchmaker.demo.people import DEMO_PASSWORD, seed_people
from matchmaker.demo.roundtable import seed_roundtable
from matchmaker.extensions import db
from matchmaker.models import Event

# Each seeder takes the dict of what earlier seeders made and adds its own keys.
SEEDERS = [seed_people, seed_lots, seed_meetings, seed_roundtable, seed_offers, seed_leads,
           seed_dashboard, seed_matching]


def seed_demo(*, force: bool = False) -> bool:
    """Load the demo once; returns False when the database already holds events."""
    if not force and db.session.scalar(db.select(db.func.count()).select_from(Event)):
        return False
    made: dict = {}
    for seeder in SEEDERS:
        seeder(made)
        db.session.flush()
    db.session.commit()
    return True


__all__ = ["DEMO_PASSWORD", "SEEDERS", "seed_demo"]
