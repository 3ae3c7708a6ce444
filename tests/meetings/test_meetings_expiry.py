"""Expiry is derived on read: an unanswered request past its time reads as expired everywhere,
pages never store it or mail about it, and the scheduled job does both."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import Meeting, OutboxMessage
from matchmaker.models.base import utcnow
from matchmaker.services.meetings import agenda, booking
from tests.factories import login, make_event, make_exhibitor, make_meeting, make_session, make_user
from tests.meetings.helpers import next_week, request_ctx  # noqa: F401


@pytest.fixture
def overdue(app):
    event = make_event(starts_on=next_week())
    session = make_session(event)
    organisation = make_exhibitor(event).organisation
    rep = make_user("rep", organisation=organisation)
    buyer = make_user("buyer")
    meeting = make_meeting(session.slots[0], buyer, organisation)
    meeting.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    return meeting, rep, buyer


def _mails() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))


def test_an_overdue_request_reads_as_expired_in_python_and_sql(overdue):
    meeting, _rep, buyer = overdue
    assert meeting.stored_status == "requested"
    assert meeting.status == "expired" and not meeting.is_pending and not meeting.is_active
    assert meeting.status_at(meeting.expires_at - timedelta(seconds=1)) == "requested"
    assert db.session.scalar(db.select(Meeting.id).where(Meeting.status == "expired")) == meeting.id
    assert db.session.scalar(db.select(Meeting.id).where(Meeting.status == "requested")) is None
    assert agenda.meetings_of(buyer) == []  # the agenda lists active meetings only


def test_pages_show_it_expired_without_storing_it_or_mailing(app, overdue):
    meeting, rep, buyer = overdue
    mails = _mails()
    for user in (buyer, rep):
        client = app.test_client()
        login(client, user)
        detail = client.get(f"/meetings/{meeting.id}")
        page = detail.get_data(as_text=True)
        assert detail.status_code == 200 and ("Expired" in page or "Vencida" in page)
        assert f"/meetings/{meeting.id}/accept" not in page
        assert client.get("/meetings/").status_code == 200
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).stored_status == "requested"
    assert _mails() == mails


@pytest.mark.usefixtures("request_ctx")
def test_the_slot_of_an_overdue_request_can_be_booked_again(overdue):
    meeting, _rep, buyer = overdue
    other = make_user("buyer")
    again = booking.request_meeting(other, meeting.organisation, meeting.slot)
    db.session.commit()
    assert again.status == "requested"
    # Taking the slot stored the old request's expiry (the unique indexes count stored rows).
    assert db.session.get(Meeting, meeting.id).stored_status == "expired"


def test_the_scheduled_job_stores_the_expiry_and_mails_both_sides(overdue, runner):
    meeting, rep, buyer = overdue
    mails = _mails()
    result = runner.invoke(args=["meetings-expire"])
    assert "1 expired" in result.output
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).stored_status == "expired"
    recipients = set(db.session.scalars(
        db.select(OutboxMessage.recipient_user_id).where(OutboxMessage.kind == "meeting_expired")))
    assert {rep.id, buyer.id} <= recipients and _mails() > mails
