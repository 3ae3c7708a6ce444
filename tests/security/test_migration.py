"""Migration 2206a44a7296 cancels the duplicate open meetings the old race let in (keeping
the accepted one, else the oldest) before it creates the unique index, on both databases.

Its clean-up statement runs here on the test schema with the index dropped for the while:
walking the migration chain down and up again would depend on later migrations' downgrades.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import Meeting
from matchmaker.models.meetings import OPEN_STATUSES
from matchmaker.services.meetings import booking
from tests.factories import make_event, make_exhibitor, make_session, make_user
from tests.meetings.helpers import before, next_week

MIGRATION = (Path(__file__).resolve().parents[2] / "migrations" / "versions"
             / "2206a44a7296_security_session_version_one_open_.py")


def _migration():
    spec = importlib.util.spec_from_file_location("migration_2206a44a7296", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _index() -> sa.Index:
    return next(i for i in Meeting.__table__.indexes if i.name == "uq_meeting_open_buyer_org")


def test_upgrade_cancels_duplicate_open_meetings(app):
    event = make_event(starts_on=next_week())
    session = make_session(event)
    organisation = make_exhibitor(event).organisation
    buyer, other_buyer = make_user("buyer"), make_user("buyer")
    slots = session.slots
    with app.test_request_context():
        first = booking.request_meeting(buyer, organisation, slots[0], now=before(slots[0]))
        alone = booking.request_meeting(other_buyer, organisation, slots[1],
                                        now=before(slots[1]))
    db.session.commit()
    first_uid, alone_uid, slot_ids = first.ics_uid, alone.ics_uid, [s.id for s in slots]
    db.session.commit()  # the reads above opened a transaction that DROP INDEX would wait for
    index = _index()
    index.drop(db.session.connection())
    try:
        columns = ("event_id, table_id, buyer_id, organisation_id, org_seat, source, is_pinned, "
                   "message, decline_reason, ics_sequence, created_at, updated_at")
        for n, status in ((1, "requested"), (2, "accepted")):
            db.session.execute(sa.text(
                f"INSERT INTO meeting (slot_id, status, ics_uid, {columns}) "
                f"SELECT :slot, :status, :uid, {columns} FROM meeting WHERE ics_uid = :first"),
                {"slot": slot_ids[1 + n], "status": status, "uid": f"dup-{n}",
                 "first": first_uid})
        db.session.commit()
        db.session.execute(sa.text(_migration().CANCEL_DUPLICATE_OPEN_MEETINGS))
        db.session.commit()
    finally:
        db.session.rollback()  # after a failure above; a no-op otherwise
        index.create(db.session.connection(), checkfirst=True)  # fails on a duplicate left
        db.session.commit()
    rows = dict(db.session.execute(sa.text("SELECT ics_uid, status FROM meeting")).all())
    assert rows == {first_uid: "cancelled", "dup-1": "cancelled", "dup-2": "accepted",
                    alone_uid: "requested"}
    assert sum(status in OPEN_STATUSES for status in rows.values()) == 2
