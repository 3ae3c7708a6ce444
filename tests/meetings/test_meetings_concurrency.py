"""Simultaneous booking requests on PostgreSQL: exactly one meeting per contested slot."""

from __future__ import annotations

import threading

import pytest

from matchmaker.errors import Conflict
from matchmaker.extensions import db
from matchmaker.models import Meeting, Organisation, Slot, User
from matchmaker.models.meetings import ACTIVE_STATUSES
from matchmaker.services.meetings import booking
from tests.factories import make_event, make_exhibitor, make_session, make_user
from tests.meetings.helpers import before, next_week

pytestmark = pytest.mark.postgres_only

THREADS = 6


def _fire(app, calls) -> list[str]:
    """Run each (buyer_id, organisation_id, slot_id) booking in its own thread and session,
    released together by a barrier; return each outcome ("ok" or the conflict code)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(position: int, buyer_id: int, organisation_id: int, slot_id: int) -> None:
        with app.app_context(), app.test_request_context():
            try:
                buyer = db.session.get(User, buyer_id)
                organisation = db.session.get(Organisation, organisation_id)
                slot = db.session.get(Slot, slot_id)
                now = before(slot)
                _ = slot.session.tables  # load before the race, not during it
                barrier.wait(timeout=20)
                booking.request_meeting(buyer, organisation, slot, now=now)
                db.session.commit()
                outcomes[position] = "ok"
            except Conflict as error:
                db.session.rollback()
                outcomes[position] = error.code
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                outcomes[position] = f"{type(error).__name__}: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.fixture
def contested(app, backend):
    if backend != "postgres":
        pytest.skip("SQLite serialises all writers on one file lock, so there is no race to "
                    "test; this runs on PostgreSQL (TEST_DATABASE_URL)")
    event = make_event(starts_on=next_week())
    session = make_session(event, table_count=THREADS + 2)
    organisations = [make_exhibitor(event).organisation for _ in range(THREADS)]
    buyers = [make_user("buyer") for _ in range(THREADS)]
    db.session.commit()
    return session.slots[0], organisations, buyers


def _active(slot_id: int) -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.scalars(
        db.select(Meeting).where(Meeting.slot_id == slot_id, Meeting.status.in_(ACTIVE_STATUSES))
    ))


@pytest.mark.parametrize("row_lock", [True, False], ids=["row-lock", "indexes-only"])
def test_many_buyers_one_organisation_one_slot(app, contested, monkeypatch, row_lock):
    slot, organisations, buyers = contested
    if not row_lock:
        # Without the slot lock every thread passes the checks; the unique index must refuse.
        monkeypatch.setattr(booking, "lock_slot", lambda slot: None)
    outcomes = _fire(app, [(b.id, organisations[0].id, slot.id) for b in buyers])
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) == {"ok", "slot_taken"}, outcomes
    assert len(_active(slot.id)) == 1


@pytest.mark.parametrize("row_lock", [True, False], ids=["row-lock", "indexes-only"])
def test_one_buyer_many_organisations_one_slot(app, contested, monkeypatch, row_lock):
    slot, organisations, buyers = contested
    if not row_lock:
        monkeypatch.setattr(booking, "lock_slot", lambda slot: None)
    outcomes = _fire(app, [(buyers[0].id, o.id, slot.id) for o in organisations])
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) <= {"ok", "slot_taken", "buyer_busy"}, outcomes
    assert len(_active(slot.id)) == 1
