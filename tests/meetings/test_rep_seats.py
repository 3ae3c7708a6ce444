"""Reps with two seats: who sits at which of two meetings at the same time, the reps' choice
(stored, swapped), the database rule that a rep is in one meeting per slot, and where it
shows (meeting page, agenda, table sheet)."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from sqlalchemy.exc import IntegrityError

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models import Meeting
from matchmaker.services.meetings import booking, seats, sessions
from tests.factories import (
    login,
    make_event,
    make_exhibitor,
    make_meeting,
    make_session,
    make_user,
)
from tests.meetings.helpers import FreshUserClient, next_week, request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


@pytest.fixture
def two_seats(app):
    """An organisation with two attending reps and two accepted meetings in one slot."""
    event = make_event(starts_on=next_week())
    slot = make_session(event).slots[0]
    organisation = make_exhibitor(event).organisation
    ana = make_user("rep", organisation=organisation, name="Ana Quispe", locale="en")
    beto = make_user("rep", organisation=organisation, name="Beto Ramos")
    sessions.set_attendance(event, organisation, [beto, ana])
    db.session.commit()
    first = make_meeting(slot, make_user("buyer"), organisation)
    second = make_meeting(slot, make_user("buyer"), organisation)
    for meeting in (first, second):
        booking.accept(meeting, ana)
    db.session.commit()
    return event, slot, organisation, ana, beto, first, second


def test_each_seat_has_its_rep_by_default(two_seats):
    _event, _slot, _org, ana, beto, first, second = two_seats
    assert {first.org_seat, second.org_seat} == {1, 2}
    covering = seats.covering_reps([first, second])
    by_seat = {m.org_seat: covering[m.id] for m in (first, second)}
    assert by_seat == {1: ana, 2: beto}


def test_reps_split_their_meetings_and_the_choice_is_stored(two_seats):
    _event, _slot, _org, ana, beto, first, second = two_seats
    seat_one, seat_two = sorted((first, second), key=lambda m: m.org_seat)
    seats.assign_rep(seat_two, ana)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Meeting, seat_two.id).rep_id == ana.id
    assert seats.covering_reps([seat_one, seat_two]) == {seat_one.id: beto, seat_two.id: ana}
    # Choosing again swaps back; never two meetings for one rep.
    seats.assign_rep(seat_one, ana)
    db.session.commit()
    assert seats.covering_reps([seat_one, seat_two]) == {seat_one.id: ana, seat_two.id: beto}


def test_only_the_organisations_reps_may_sit(two_seats):
    _event, _slot, _org, _ana, _beto, first, _second = two_seats
    with pytest.raises(DomainError) as error:
        seats.assign_rep(first, make_user("rep"))
    assert error.value.code == "not_a_rep"


def test_the_database_keeps_a_rep_in_one_meeting_per_slot(two_seats):
    _event, _slot, _org, ana, _beto, first, second = two_seats
    first.rep_id = ana.id
    db.session.flush()
    second.rep_id = ana.id
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_moved_meeting_goes_back_to_its_seats_rep(two_seats):
    _event, slot, _org, ana, _beto, first, _second = two_seats
    seats.assign_rep(first, ana)
    db.session.commit()
    first.slot_id = slot.session.slots[1].id
    assert first.rep_id is None


def test_meeting_page_agenda_and_table_sheet_name_the_rep(two_seats, app):
    app.test_client_class = FreshUserClient
    event, _slot, _org, ana, beto, first, second = two_seats
    seat_two = max((first, second), key=lambda m: m.org_seat)
    client = app.test_client()
    login(client, ana)
    page = client.get(f"/meetings/{seat_two.id}").get_data(as_text=True)
    assert "Beto Ramos" in page and 'name="rep_id"' in page
    response = client.post(f"/meetings/{seat_two.id}/rep", data={"rep_id": ana.id})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, seat_two.id).rep_id == ana.id
    agenda = client.get(f"/agenda/?event={event.slug}").get_data(as_text=True)
    assert agenda.count('class="meeting-rep"') == 2
    assert "Beto Ramos" in agenda and ">you<" in agenda

    buyer_client = app.test_client()
    login(buyer_client, seat_two.buyer)
    assert buyer_client.post(f"/meetings/{seat_two.id}/rep",
                             data={"rep_id": beto.id}).status_code == 403

    organiser = app.test_client()
    login(organiser, make_user("organiser", locale="en"))
    sheet = organiser.get(f"/admin/events/{event.slug}/roundtable/tables.pdf")
    assert sheet.status_code == 200
    with pdfplumber.open(io.BytesIO(sheet.data)) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert "Rep: Ana Quispe" in text and "Rep: Beto Ramos" in text


def _mails_to(user) -> list[str]:
    from matchmaker.models import OutboxMessage

    return list(db.session.scalars(db.select(OutboxMessage.body_text)
                                   .where(OutboxMessage.recipient == user.email)
                                   .order_by(OutboxMessage.id)))


def test_every_meeting_mail_names_the_rep_and_the_table(two_seats):
    """Confirmed, moved and cancelled: the buyer's and the reps' mails say who sits at the
    meeting and at which table (two meetings of one organisation run at the same time)."""
    _event, slot, organisation, ana, beto, first, second = two_seats
    seat_one, seat_two = sorted((first, second), key=lambda m: m.org_seat)
    assert seat_one.table_id != seat_two.table_id
    for meeting, rep in ((seat_one, ana), (seat_two, beto)):
        confirmed = _mails_to(meeting.buyer)[-1]
        assert "is confirmed" in confirmed
        assert f"Rep at the table: {rep.name}\n" in confirmed
        assert f"Table: {meeting.table.display_name}\n" in confirmed

    # A rep who sits at the other meeting is named; the one at this meeting reads "you".
    seats.assign_rep(seat_two, ana)
    beto.locale = "es"
    db.session.commit()
    booking.cancel(seat_two, seat_two.buyer, "Flight delayed")
    db.session.commit()
    assert "Rep at the table: you (Ana Quispe)\n" in _mails_to(ana)[-1]
    assert f"Table: {seat_two.table.display_name}\n" in _mails_to(ana)[-1]
    assert "Representante en la mesa: Ana Quispe" in _mails_to(beto)[-1]

    # A new time proposed for the other meeting names its rep and new table too.
    buyer = make_user("buyer", locale="en")
    request = make_meeting(slot.session.slots[2], buyer, organisation)
    booking.propose(request, beto, slot.session.slots[3])
    db.session.commit()
    proposed = _mails_to(buyer)[-1]
    assert "proposes this one instead" in proposed
    rep = seats.covering_reps([request])[request.id]
    assert rep is not None and f"Rep at the table: {rep.name}\n" in proposed
    assert f"Table: {request.table.display_name}\n" in proposed
