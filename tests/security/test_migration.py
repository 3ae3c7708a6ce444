"""The migration that adds the open-meeting index first cancels duplicates the old race let
in (keeping the accepted meeting, else the oldest), on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker import create_app
from matchmaker.config import TestConfig
from matchmaker.extensions import db
from tests.conftest import BACKENDS, fresh_database_url
from tests.foundation.test_migrations import keep_logging  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow  # upgrades a fresh database through the migrations

BEFORE = "84d186ff1c53"


@pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.usefixtures("keep_logging")
def test_upgrade_cancels_duplicate_open_meetings(backend, tmp_path):
    import flask_migrate

    from matchmaker.models.meetings import OPEN_STATUSES
    from matchmaker.services.meetings import booking
    from tests.factories import make_event, make_exhibitor, make_session, make_user
    from tests.meetings.helpers import before, next_week

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url(backend, "dedupe", tmp_path)

    app = create_app(Config)
    with app.app_context(), app.test_request_context():
        try:
            flask_migrate.upgrade()
            event = make_event(starts_on=next_week())
            session = make_session(event)
            organisation = make_exhibitor(event).organisation
            buyer, other_buyer = make_user("buyer"), make_user("buyer")
            slots = session.slots
            first = booking.request_meeting(buyer, organisation, slots[0], now=before(slots[0]))
            alone = booking.request_meeting(other_buyer, organisation, slots[1],
                                            now=before(slots[1]))
            db.session.commit()
            first_id, alone_id = first.id, alone.id
            slot_ids = [slot.id for slot in session.slots]
            db.session.remove()
            flask_migrate.downgrade(revision=BEFORE)
            # Two more open meetings of the same pair, as the race let in; one accepted.
            columns = ("event_id, table_id, buyer_id, organisation_id, org_seat, source, "
                       "is_pinned, message, decline_reason, ics_sequence, created_at, "
                       "updated_at")
            for n, status in ((1, "requested"), (2, "accepted")):
                db.session.execute(sa.text(
                    f"INSERT INTO meeting (slot_id, status, ics_uid, {columns}) "
                    f"SELECT :slot, :status, :uid, {columns} FROM meeting WHERE id = :id"),
                    {"slot": slot_ids[1 + n], "status": status, "uid": f"dup-{n}",
                     "id": first_id})
            db.session.commit()
            flask_migrate.upgrade()
            rows = dict(db.session.execute(sa.text(
                "SELECT ics_uid, status FROM meeting")).all())
            first_uid = db.session.execute(sa.text(
                "SELECT ics_uid FROM meeting WHERE id = :id"), {"id": first_id}).scalar_one()
            alone_uid = db.session.execute(sa.text(
                "SELECT ics_uid FROM meeting WHERE id = :id"), {"id": alone_id}).scalar_one()
            assert rows["dup-2"] == "accepted"  # the accepted one is kept
            assert rows[first_uid] == "cancelled" and rows["dup-1"] == "cancelled"
            assert rows[alone_uid] == "requested"  # other pairs untouched
            assert sum(status in OPEN_STATUSES for status in rows.values()) == 2
        finally:
            db.session.remove()
            flask_migrate.downgrade(revision="base")
            db.engine.dispose()

