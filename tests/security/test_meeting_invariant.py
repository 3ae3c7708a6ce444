"""Issue #12 item 6: one buyer holds at most one open meeting (requested, proposed or
accepted) with one organisation per event, enforced by a partial unique index; a booking
that loses the race is a friendly, translated 409."""

from __future__ import annotations

import threading
from datetime import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from matchmaker.errors import Conflict
from matchmaker.extensions import db
from matchmaker.models import Meeting, Organisation, Slot, User
from matchmaker.models.meetings import OPEN_STATUSES
from matchmaker.services.meetings import booking
from tests.factories import login, make_event, make_exhibitor, make_session, make_user
from tests.meetings.helpers import before, next_week

PARALLEL = 8


@pytest.fixture
def stand(app):
    """A bookable session (11 slots of 3 tables) and one exhibiting organisation."""
    event = make_event(starts_on=next_week())
    session = make_session(event, table_count=3, ends_local=time(13, 0))
    organisation = make_exhibitor(event).organisation
    buyer = make_user("buyer")
    return session, organisation, buyer


def _open(buyer_id: int, organisation_id: int) -> list[Meeting]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Meeting).where(
        Meeting.buyer_id == buyer_id, Meeting.organisation_id == organisation_id,
        Meeting.status.in_(OPEN_STATUSES))))


def test_the_database_refuses_a_second_open_meeting(app, stand):
    session, organisation, buyer = stand
    first = booking.request_meeting(buyer, organisation, session.slots[0],
                                    now=before(session.slots[0]))
    db.session.commit()
    twin = Meeting(event_id=first.event_id, slot_id=session.slots[1].id,
                   table_id=session.tables[1].id, buyer_id=buyer.id,
                   organisation_id=organisation.id, status="accepted", ics_uid="twin")
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Closed meetings do not count: after a cancellation the pair may meet again.
    first = db.session.get(Meeting, first.id)
    first.status = "cancelled"
    db.session.commit()
    again = booking.request_meeting(buyer, organisation, session.slots[1],
                                    now=before(session.slots[1]))
    db.session.commit()
    assert [m.id for m in _open(buyer.id, organisation.id)] == [again.id]


def test_a_lost_race_is_already_meeting(app, stand, monkeypatch):
    """Both requests pass the service's check (as in a race); the index decides."""
    session, organisation, buyer = stand
    booking.request_meeting(buyer, organisation, session.slots[0], now=before(session.slots[0]))
    db.session.commit()
    real_check = booking._check_no_open_meeting
    calls = []

    def blind_first(*args, **kwargs):
        calls.append(args)
        if len(calls) > 1:  # the check after the index refused the insert
            return real_check(*args, **kwargs)
        return None

    monkeypatch.setattr(booking, "_check_no_open_meeting", blind_first)
    with app.test_request_context(headers={"Accept-Language": "es"}), \
            pytest.raises(Conflict) as error:
        booking.request_meeting(buyer, organisation, session.slots[1],
                                now=before(session.slots[1]))
    assert error.value.code == "already_meeting" and error.value.status == 409
    assert "Ya tiene una reunión con esta organización" in error.value.message
    db.session.rollback()
    assert len(_open(buyer.id, organisation.id)) == 1


def test_the_booking_page_answers_a_lost_race_with_409(app, stand, monkeypatch):
    session, organisation, buyer = stand
    client = app.test_client()
    login(client, buyer)
    free = [slot.id for slot in session.slots[:2]]
    assert client.post(f"/meetings/book/{organisation.slug}",
                       data={"slot_id": free[0]}).status_code == 302
    # The page's own check is skipped, as when two tabs post at the same moment.
    real_check = booking._check_no_open_meeting
    calls = []

    def blind_first(*args, **kwargs):
        calls.append(args)
        return real_check(*args, **kwargs) if len(calls) > 1 else None

    monkeypatch.setattr(booking, "_check_no_open_meeting", blind_first)
    response = client.post(f"/meetings/book/{organisation.slug}", data={"slot_id": free[1]},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "You already have a meeting with this organisation at this event." in \
        response.get_data(as_text=True)
    assert len(_open(buyer.id, organisation.id)) == 1


def _fire(app, buyer_id: int, organisation_id: int, slot_ids: list[int]) -> list[str]:
    """One booking per slot, each in its own thread and session, released together."""
    barrier = threading.Barrier(len(slot_ids))
    outcomes = [""] * len(slot_ids)

    def run(position: int, slot_id: int) -> None:
        with app.app_context(), app.test_request_context():
            try:
                buyer = db.session.get(User, buyer_id)
                organisation = db.session.get(Organisation, organisation_id)
                slot = db.session.get(Slot, slot_id)
                _ = slot.session.tables, slot.session.event  # loaded before the race
                now = before(slot)
                barrier.wait(timeout=20)
                booking.request_meeting(buyer, organisation, slot, now=now)
                db.session.commit()
                outcomes[position] = "ok"
            except Conflict as error:
                db.session.rollback()
                outcomes[position] = error.code
            except Exception as error:  # reported by the assertions
                db.session.rollback()
                outcomes[position] = f"{type(error).__name__}: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, slot_id))
               for i, slot_id in enumerate(slot_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.parametrize("service_check", [True, False], ids=["with-check", "index-only"])
def test_parallel_bookings_on_different_slots_leave_one_open_meeting(
        app, backend, stand, monkeypatch, service_check):
    if backend != "postgres":
        pytest.skip("SQLite serialises all writers on one file lock, so there is no race to "
                    "test; this runs on PostgreSQL (TEST_DATABASE_URL)")
    session, organisation, buyer = stand
    if not service_check:
        # Every thread passes the read-before-write check; only the index can refuse.
        real_check = booking._check_no_open_meeting
        seen = threading.local()

        def first_call_blind(*args, **kwargs):
            if getattr(seen, "called", False):
                return real_check(*args, **kwargs)
            seen.called = True
            return None

        monkeypatch.setattr(booking, "_check_no_open_meeting", first_call_blind)
    slot_ids = [slot.id for slot in session.slots[:PARALLEL]]
    assert len(slot_ids) == PARALLEL
    outcomes = _fire(app, buyer.id, organisation.id, slot_ids)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) == {"ok", "already_meeting"}, outcomes
    assert len(_open(buyer.id, organisation.id)) == 1
