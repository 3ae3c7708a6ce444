"""Session set-up: slots cut in the event's zone, breaks, tables, attendance, unavailability."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.services.meetings import sessions
from matchmaker.services.meetings.sessions import SessionSetup, cut_slots
from tests.factories import make_event, make_meeting, make_session, make_user
from tests.meetings.helpers import request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


def test_cut_slots_skips_breaks_and_converts_lima_to_utc():
    setup = SessionSetup(day=date(2026, 5, 12), starts_local=time(9), ends_local=time(12),
                         meeting_minutes=20, breaks=[(time(10, 20), time(10, 40))])
    slots = cut_slots(setup, "America/Lima")
    # 9:00–10:20 gives 4 slots, 10:40–12:00 another 4.
    assert len(slots) == 8
    assert slots[0].starts_at == datetime(2026, 5, 12, 14, 0, tzinfo=UTC)  # Lima is UTC-5
    assert slots[3].ends_at == datetime(2026, 5, 12, 15, 20, tzinfo=UTC)
    assert slots[4].starts_at == datetime(2026, 5, 12, 15, 40, tzinfo=UTC)
    assert [s.block for s in slots] == [0, 0, 0, 0, 1, 1, 1, 1]


def test_cut_slots_with_changeover_and_dst_zone():
    setup = SessionSetup(day=date(2026, 3, 29), starts_local=time(1), ends_local=time(4),
                         meeting_minutes=25, changeover_minutes=5)
    slots = cut_slots(setup, "Europe/Madrid")  # clocks jump 02:00 → 03:00 that night
    assert [s.index for s in slots] == list(range(6))
    assert slots[0].starts_at == datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    assert slots[1].starts_at - slots[0].starts_at == timedelta(minutes=30)


def test_save_session_materialises_slots_and_tables(app):
    session = make_session(table_count=4)
    assert len(session.slots) == 8 and [t.number for t in session.tables] == [1, 2, 3, 4]
    assert all(s.starts_at.tzinfo is not None for s in session.slots)


def test_session_must_fall_inside_event_and_not_overlap(app):
    event = make_event()
    with pytest.raises(DomainError) as error:
        make_session(event, day=event.ends_on + timedelta(days=1))
    assert error.value.code == "outside_event"
    db.session.rollback()
    make_session(event)
    with pytest.raises(DomainError) as error:
        make_session(event, starts_local=time(11), ends_local=time(13), breaks=[])
    assert error.value.code == "sessions_overlap"


def test_break_outside_session_is_refused(app):
    with pytest.raises(DomainError) as error:
        make_session(breaks=[(time(8), time(9, 30))])
    assert error.value.code == "bad_break"


def test_timing_is_locked_once_meetings_exist_but_tables_can_grow(app):
    meeting = make_meeting()
    session = meeting.slot.session
    setup = SessionSetup(day=session.day, starts_local=time(9), ends_local=time(12),
                         breaks=[(time(10, 20), time(10, 40))], table_count=5)
    sessions.save_session(session.event, session, setup)
    assert len(session.tables) == 5
    setup.ends_local = time(13)
    with pytest.raises(DomainError) as error:
        sessions.save_session(session.event, session, setup)
    assert error.value.code == "session_has_meetings"


def test_table_in_use_cannot_be_removed(app):
    meeting = make_meeting()
    session = meeting.slot.session
    assert meeting.table.number == 1
    sessions.set_table_count(session, 2)
    with pytest.raises(DomainError) as error:
        sessions.set_table_count(session, 0)
    assert error.value.code == "no_tables"


def test_video_link_must_be_http(app):
    table = make_session().tables[0]
    with pytest.raises(DomainError):
        sessions.update_table(table, label="Virtual", video_url="javascript:alert(1)")
    sessions.update_table(table, label="Sala virtual", video_url="https://meet.example/abc")
    assert table.display_name == "Sala virtual"


def test_attendance_gives_seats(app):
    event = make_event()
    rep = make_user("rep")
    colleague = make_user("rep", organisation=rep.organisation)
    assert sessions.seat_count(event.id, rep.organisation_id) == 1
    sessions.set_attendance(event, rep.organisation, [rep, colleague])
    assert sessions.seat_count(event.id, rep.organisation_id) == 2
    assert {u.id for u in sessions.attending_reps(event, rep.organisation)} == {rep.id, colleague.id}
    stranger = make_user("rep")
    with pytest.raises(DomainError) as error:
        sessions.set_attendance(event, rep.organisation, [stranger])
    assert error.value.code == "not_a_member"


def test_unavailability_must_be_in_event(app):
    event = make_event(starts_on=date(2026, 5, 12))
    buyer = make_user("buyer")
    start = datetime(2026, 5, 12, 15, tzinfo=UTC)
    period = sessions.add_unavailability(event, user=buyer, starts_at=start,
                                         ends_at=start + timedelta(hours=1))
    assert sessions.unavailability_of(event, user=buyer) == [period]
    with pytest.raises(DomainError) as error:
        sessions.add_unavailability(event, user=buyer, starts_at=start - timedelta(days=30),
                                    ends_at=start - timedelta(days=29))
    assert error.value.code == "outside_event"
