"""The demo seeder sets up a bookable roundtable with meetings, outside any request."""

from __future__ import annotations

import pytest

from matchmaker.demo import seed_demo
from matchmaker.extensions import db
from matchmaker.models import Meeting, RoundtableSession

pytestmark = pytest.mark.slow  # seeds the demo and solves its roundtable (~10 s)


def test_demo_roundtable(app):
    assert seed_demo()
    # demo/dashboard.py adds an opening-morning session whose meetings are already held.
    sessions = db.session.scalars(db.select(RoundtableSession).where(
        RoundtableSession.name.startswith("Rueda internacional"))).all()
    assert len(sessions) == 2 and all(len(s.tables) == 8 for s in sessions)
    assert all(s.meeting_minutes == 20 for s in sessions)
    statuses = [m.status for m in db.session.scalars(db.select(Meeting))]
    assert "accepted" in statuses and "requested" in statuses
    # Two Infierno reps attend, so two buyers share its first-session slot.
    infierno = [m for m in db.session.scalars(db.select(Meeting))
                if m.organisation.name.startswith("Asociación Agroforestal")]
    assert {m.org_seat for m in infierno if m.slot.index == 1} == {1, 2}
