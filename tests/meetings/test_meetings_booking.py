"""Booking rules: every transition of a request, who may do which, expiry and the e-mails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models import Meeting, OutboxMessage
from matchmaker.services.meetings import booking, sessions
from matchmaker.services.meetings.availability import free_slots
from tests.factories import (
    make_event,
    make_exhibitor,
    make_meeting,
    make_session,
    make_user,
)
from tests.meetings.helpers import before, next_week, request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


@pytest.fixture
def fair(app):
    """An event next week with one session, an exhibiting organisation, its rep and a buyer."""
    event = make_event(starts_on=next_week())
    session = make_session(event)
    organisation = make_exhibitor(event).organisation
    rep = make_user("rep", organisation=organisation, locale="es")
    buyer = make_user("buyer", locale="en")

    class Fair:
        pass

    fair = Fair()
    fair.event, fair.session, fair.organisation, fair.rep, fair.buyer = (
        event, session, organisation, rep, buyer)
    fair.slot = session.slots[0]
    fair.now = before(fair.slot)
    return fair


def code_of(call, *args, **kwargs) -> str:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    db.session.rollback()
    return error.value.code


def mails_to(user) -> list[OutboxMessage]:
    return list(db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.recipient_user_id == user.id)
        .order_by(OutboxMessage.id)
    ))


def test_request_holds_slot_and_notifies_reps_in_their_language(fair):
    meeting = booking.request_meeting(fair.buyer, fair.organisation, fair.slot,
                                      message="Interested in 2 MT", now=fair.now)
    db.session.commit()
    assert meeting.status == "requested" and meeting.source == "booking"
    assert meeting.table.number == 1 and meeting.org_seat == 1
    assert meeting.expires_at == fair.now + timedelta(hours=24)
    assert [h.action for h in meeting.history] == ["requested"]
    mail = mails_to(fair.rep)[-1]
    assert mail.kind == "meeting_requested"
    assert "Solicitud de reunión" in mail.subject  # the rep reads Spanish
    assert "Interested in 2 MT" in mail.body_text
    assert fair.slot not in free_slots(fair.event, fair.organisation, None, now=fair.now)


def test_expiry_never_later_than_the_slot(fair):
    meeting = booking.request_meeting(fair.buyer, fair.organisation, fair.slot,
                                      now=fair.slot.starts_at - timedelta(hours=2))
    assert meeting.expires_at == fair.slot.starts_at


def test_rep_accepts_and_buyer_gets_ics(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    booking.accept(meeting, fair.rep, now=fair.now)
    db.session.commit()
    assert meeting.status == "accepted" and meeting.expires_at is None
    mail = mails_to(fair.buyer)[-1]
    assert mail.kind == "meeting_accepted" and mail.subject.startswith("Meeting confirmed")
    assert mail.attachment_type == "text/calendar"
    calendar = Calendar.from_ical(mail.attachment)
    assert calendar.walk("VEVENT")[0]["UID"] == f"{meeting.ics_uid}@matchmaker"


def test_buyer_cannot_accept_own_request_and_strangers_cannot_answer(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    assert code_of(booking.accept, meeting, fair.buyer, now=fair.now) == "not_your_turn"
    other_rep = make_user("rep")
    assert code_of(booking.accept, meeting, other_rep, now=fair.now) == "not_your_turn"
    other_buyer = make_user("buyer")
    assert code_of(booking.decline, meeting, other_buyer, "no", now=fair.now) == "not_your_turn"
    assert code_of(booking.cancel, meeting, other_buyer, now=fair.now) == "not_a_participant"


def test_organiser_may_answer_for_the_organisation(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    booking.accept(meeting, make_user("organiser"), now=fair.now)
    assert meeting.status == "accepted"


def test_decline_needs_a_reason_the_buyer_sees(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    assert code_of(booking.decline, meeting, fair.rep, "  ", now=fair.now) == "reason_required"
    meeting = db.session.get(Meeting, meeting.id)
    booking.decline(meeting, fair.rep, "Our lots are sold out", now=fair.now)
    db.session.commit()
    assert meeting.status == "declined" and meeting.decline_reason == "Our lots are sold out"
    mail = mails_to(fair.buyer)[-1]
    assert mail.kind == "meeting_declined" and "Our lots are sold out" in mail.body_text
    # The slot is free again.
    assert fair.slot in free_slots(fair.event, fair.organisation, fair.buyer, now=fair.now)


def test_propose_moves_the_meeting_and_buyer_accepts(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    other = fair.session.slots[2]
    booking.propose(meeting, fair.rep, other, "We are at the stand until 10", now=fair.now)
    db.session.commit()
    assert meeting.status == "proposed" and meeting.slot == other
    assert meeting.requested_slot == fair.slot
    assert mails_to(fair.buyer)[-1].kind == "meeting_proposed"
    free = free_slots(fair.event, fair.organisation, None, now=fair.now)
    assert fair.slot in free and other not in free
    # It is now the buyer's turn, not the rep's.
    assert code_of(booking.accept, meeting, fair.rep, now=fair.now) == "not_your_turn"
    meeting = db.session.get(Meeting, meeting.id)
    booking.accept(meeting, fair.buyer, now=fair.now)
    db.session.commit()
    assert meeting.status == "accepted"
    assert mails_to(fair.rep)[-1].kind == "meeting_accepted"
    assert [h.action for h in meeting.history] == ["requested", "proposed", "accepted"]


def test_buyer_declines_proposal_without_reason(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    booking.propose(meeting, fair.rep, fair.session.slots[1], now=fair.now)
    booking.decline(meeting, fair.buyer, now=fair.now)
    assert meeting.status == "declined"


def test_propose_rules(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    assert code_of(booking.propose, meeting, fair.buyer, fair.session.slots[1],
                   now=fair.now) == "not_your_turn"
    meeting = db.session.get(Meeting, meeting.id)
    assert code_of(booking.propose, meeting, fair.rep, meeting.slot, now=fair.now) == "same_slot"
    # A slot where the buyer is already busy cannot be proposed.
    other_org = make_exhibitor(fair.event).organisation
    make_meeting(fair.session.slots[1], fair.buyer, other_org, now=fair.now)
    meeting = db.session.get(Meeting, meeting.id)
    assert code_of(booking.propose, meeting, fair.rep, fair.session.slots[1],
                   now=fair.now) == "buyer_busy"


def test_both_sides_may_cancel_and_held_meetings_may_not(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    booking.cancel(meeting, fair.buyer, "Flight changed", now=fair.now)
    assert meeting.status == "cancelled"
    assert mails_to(fair.rep)[-1].kind == "meeting_cancelled"
    second = make_meeting(fair.slot, fair.buyer, fair.organisation, status="accepted",
                          now=fair.now)
    booking.cancel(second, fair.rep, now=fair.now)
    assert second.status == "cancelled"
    mail = mails_to(fair.buyer)[-1]
    event = Calendar.from_ical(mail.attachment).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"
    assert code_of(booking.cancel, second, fair.rep, now=fair.now) == "not_cancellable"


def test_unanswered_request_expires_and_frees_slot(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    assert booking.expire_overdue(fair.now + timedelta(hours=23)) == 0
    assert booking.expire_overdue(fair.now + timedelta(hours=24)) == 1
    db.session.commit()
    assert meeting.status == "expired"
    assert mails_to(fair.buyer)[-1].kind == "meeting_expired"
    assert mails_to(fair.rep)[-1].kind == "meeting_expired"
    # The buyer may book the same organisation and slot again.
    again = booking.request_meeting(fair.buyer, fair.organisation, fair.slot, now=fair.now)
    assert again.status == "requested"


def test_answering_after_expiry_fails(fair):
    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    late = fair.now + timedelta(hours=25)
    assert code_of(booking.accept, meeting, fair.rep, now=late) == "expired"


def test_organiser_sets_expiry(fair):
    sessions.save_session(fair.event, fair.session, sessions.SessionSetup(
        day=fair.session.day, starts_local=fair.session.starts_local,
        ends_local=fair.session.ends_local,
        breaks=[(b.starts_local, b.ends_local) for b in fair.session.breaks],
        table_count=3, expiry_hours=2,
    ))
    meeting = booking.request_meeting(fair.buyer, fair.organisation, fair.slot, now=fair.now)
    assert meeting.expires_at == fair.now + timedelta(hours=2)


def test_no_double_booking_rules(fair):
    booking.request_meeting(fair.buyer, fair.organisation, fair.slot, now=fair.now)
    db.session.commit()
    # Same organisation, same slot, one rep: taken.
    other_buyer = make_user("buyer")
    assert code_of(booking.request_meeting, other_buyer, fair.organisation, fair.slot,
                   now=fair.now) == "slot_taken"
    # Same buyer, same slot, another organisation: busy.
    other_org = make_exhibitor(fair.event).organisation
    assert code_of(booking.request_meeting, fair.buyer, other_org, fair.slot,
                   now=fair.now) == "buyer_busy"
    # Same buyer and organisation at another time: one meeting per pair is enough.
    assert code_of(booking.request_meeting, fair.buyer, fair.organisation,
                   fair.session.slots[1], now=fair.now) == "already_meeting"


def test_two_attending_reps_give_two_seats(fair):
    colleague = make_user("rep", organisation=fair.organisation)
    sessions.set_attendance(fair.event, fair.organisation, [fair.rep, colleague])
    first = booking.request_meeting(make_user("buyer"), fair.organisation, fair.slot,
                                    now=fair.now)
    second = booking.request_meeting(make_user("buyer"), fair.organisation, fair.slot,
                                     now=fair.now)
    assert {first.org_seat, second.org_seat} == {1, 2}
    assert first.table_id != second.table_id
    assert code_of(booking.request_meeting, make_user("buyer"), fair.organisation, fair.slot,
                   now=fair.now) == "slot_taken"


def test_tables_run_out(fair):
    for _ in range(3):  # three tables
        organisation = make_exhibitor(fair.event).organisation
        booking.request_meeting(make_user("buyer"), organisation, fair.slot, now=fair.now)
    db.session.commit()
    assert code_of(booking.request_meeting, fair.buyer, fair.organisation, fair.slot,
                   now=fair.now) == "no_table"
    assert fair.slot not in free_slots(fair.event, fair.organisation, fair.buyer, now=fair.now)


def test_unavailability_blocks_booking(fair):
    sessions.add_unavailability(fair.event, organisation=fair.organisation,
                                starts_at=fair.slot.starts_at, ends_at=fair.slot.ends_at)
    assert fair.slot not in free_slots(fair.event, fair.organisation, fair.buyer, now=fair.now)
    assert code_of(booking.request_meeting, fair.buyer, fair.organisation, fair.slot,
                   now=fair.now) == "unavailable"
    buyer_slot = fair.session.slots[1]
    sessions.add_unavailability(fair.event, user=fair.buyer, starts_at=buyer_slot.starts_at,
                                ends_at=buyer_slot.ends_at)
    assert code_of(booking.request_meeting, fair.buyer, fair.organisation, buyer_slot,
                   now=fair.now) == "unavailable"


def test_only_buyers_book_exhibitors_in_future_bookable_slots(fair):
    assert code_of(booking.request_meeting, fair.rep, fair.organisation, fair.slot,
                   now=fair.now) == "not_a_buyer"
    stranger = make_user("rep").organisation
    assert code_of(booking.request_meeting, fair.buyer, stranger, fair.slot,
                   now=fair.now) == "not_exhibiting"
    assert code_of(booking.request_meeting, fair.buyer, fair.organisation, fair.slot,
                   now=fair.slot.starts_at) == "slot_past"
    fair.session.is_bookable = False
    assert code_of(booking.request_meeting, fair.buyer, fair.organisation, fair.slot,
                   now=fair.now) == "not_bookable"


def test_database_refuses_double_booking_even_without_the_service(fair, db):
    from sqlalchemy.exc import IntegrityError

    meeting = make_meeting(fair.slot, fair.buyer, fair.organisation, now=fair.now)
    clone = Meeting(event_id=meeting.event_id, slot_id=meeting.slot_id,
                    table_id=fair.session.tables[1].id, buyer_id=make_user("buyer").id,
                    organisation_id=meeting.organisation_id, org_seat=1, status="accepted",
                    source="roundtable", ics_uid="x1")
    db.session.add(clone)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # An inactive meeting does not hold the slot.
    clone = Meeting(event_id=meeting.event_id, slot_id=meeting.slot_id,
                    table_id=meeting.table_id, buyer_id=meeting.buyer_id,
                    organisation_id=meeting.organisation_id, org_seat=1, status="cancelled",
                    source="booking", ics_uid="x2")
    db.session.add(clone)
    db.session.flush()
