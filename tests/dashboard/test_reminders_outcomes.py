"""Reminders (idempotent), meeting outcomes feeding the lead, and the follow-up list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from matchmaker.errors import DomainError
from matchmaker.models import Lead, MeetingOutcome, Notice, OutboxMessage
from matchmaker.services.outcomes import OutcomeInput, follow_ups, record_outcome
from matchmaker.services.reminders import send_reminders
from tests.factories import make_meeting, make_user


def test_reminders_are_sent_once_per_meeting_and_person(app, db, runner):
    meeting = make_meeting(status="accepted")
    starts = meeting.slot.starts_at
    too_early = send_reminders(now=starts - timedelta(minutes=90), minutes=60)
    assert too_early.reminders == 0
    run = send_reminders(now=starts - timedelta(minutes=30), minutes=60)
    db.session.commit()
    assert run.reminders == 2  # the buyer and the organisation's rep
    again = send_reminders(now=starts - timedelta(minutes=20), minutes=60)
    db.session.commit()
    assert again.reminders == 0
    mails = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "meeting_reminder")).all()
    assert len(mails) == 2 and all(m.attachment_name.endswith(".ics") for m in mails)
    result = runner.invoke(args=["send-reminders", "--minutes", "100000"])
    assert "reminders 0" in result.output


def test_expiry_warning_goes_to_the_side_that_must_answer(app, db):
    meeting = make_meeting()  # requested: the reps must answer
    rep = make_user("rep", organisation=meeting.organisation)
    run = send_reminders(now=meeting.expires_at - timedelta(hours=1))
    db.session.commit()
    assert run.expiry_warnings == 1
    assert db.session.scalar(db.select(Notice).where(Notice.kind == "meeting_expiring")).user_id == rep.id


@pytest.fixture
def held(app, request_context):
    meeting = make_meeting(status="accepted")
    rep = make_user("rep", organisation=meeting.organisation)
    after = meeting.slot.starts_at + timedelta(minutes=5)
    return meeting, rep, after


def test_rep_outcome_marks_attendance_and_updates_the_lead(held, db):
    from tests.factories import make_lot

    meeting, rep, after = held
    lot = make_lot(meeting.organisation, lot_code=f"OUT-{meeting.id}")
    record_outcome(meeting, rep, OutcomeInput(
        attendance="held", interest_level="high", lot_ids=[lot.id], samples_requested=True,
        volume_range="5_20", price_discussed="4200 USD/t", next_step="Send 2 kg sample",
        next_step_due=date(2026, 10, 1), deal_value_range="25k_100k"), now=after)
    db.session.commit()
    db.session.expire_all()
    assert meeting.status == "held"
    outcome = db.session.scalar(db.select(MeetingOutcome))
    assert [x.lot_code for x in outcome.lots] == [lot.lot_code]
    lead = db.session.scalar(db.select(Lead).where(Lead.buyer_id == meeting.buyer_id))
    assert lead.rating == "hot" and lead.follow_up_action == "Send 2 kg sample"
    assert lead.follow_up_due == date(2026, 10, 1)
    assert lot.id in {x.id for x in lead.lots}
    [item] = follow_ups(rep)
    assert item.action == "Send 2 kg sample" and item.lead_id == lead.id


def test_buyer_outcome_keeps_the_reps_rating(held, db):
    meeting, rep, after = held
    record_outcome(meeting, meeting.buyer, OutcomeInput(interest_level="low", next_step="Wait",
                                                        next_step_due=date(2026, 9, 1)), now=after)
    db.session.commit()
    lead = db.session.scalar(db.select(Lead).where(Lead.buyer_id == meeting.buyer_id))
    assert lead.rating is None and meeting.status == "accepted"
    [item] = follow_ups(rep)  # the buyer's next step shows from the outcome
    assert item.meeting_id == meeting.id


@pytest.mark.parametrize("who, data, code", [
    ("stranger", OutcomeInput(), "not_your_meeting"),
    ("rep", OutcomeInput(interest_level="ecstatic"), "bad_value"),
    ("rep", OutcomeInput(deal_value_range="1M"), "bad_value"),
])
def test_outcome_refusals_have_codes(held, who, data, code):
    meeting, rep, after = held
    actor = rep if who == "rep" else make_user("rep")
    with pytest.raises(DomainError) as error:
        record_outcome(meeting, actor, data, now=after)
    assert error.value.code == code


def test_outcome_before_the_meeting_and_foreign_lots_are_refused(held):
    from tests.factories import make_lot, make_organisation

    meeting, rep, after = held
    with pytest.raises(DomainError) as error:
        record_outcome(meeting, rep, OutcomeInput(), now=meeting.slot.starts_at - timedelta(hours=1))
    assert error.value.code == "too_early"
    foreign = make_lot(make_organisation(), lot_code=f"FOR-{meeting.id}")
    with pytest.raises(DomainError) as error:
        record_outcome(meeting, rep, OutcomeInput(lot_ids=[foreign.id]), now=after)
    assert error.value.code == "foreign_lot"


def test_outcome_page_saves_and_keeps_input_on_error(app, db, login_as):
    meeting = make_meeting(status="accepted",
                           slot=None)
    rep = make_user("rep", organisation=meeting.organisation)
    client = login_as(rep)
    url = f"/dashboard/meetings/{meeting.id}/outcome"
    assert client.get(url).status_code == 200
    # The meeting is next week: too early, and the typed next step stays in the form.
    response = client.post(url, data={"interest_level": "high", "next_step": "Llamar el lunes"})
    assert response.status_code == 422
    assert "Llamar el lunes" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(MeetingOutcome)) is None
    client.post("/logout")
    outsider = login_as(make_user("buyer"))
    assert outsider.get(url).status_code == 403


def test_follow_up_list_is_sorted_and_scoped(app, db, login_as):
    from matchmaker.services.leads.recording import record_lead
    from tests.factories import make_event, make_organisation

    event = make_event()
    mine, theirs = make_organisation(), make_organisation()
    rep = make_user("rep", organisation=mine)
    now = datetime.now(UTC)
    for org, due, action in [(mine, date(2026, 12, 1), "Later"), (mine, date(2026, 11, 1), "Sooner"),
                             (theirs, date(2026, 10, 1), "Not mine")]:
        lead = record_lead(make_user("buyer"), org, "interest", event=event, at=now)
        lead.follow_up_due, lead.follow_up_action = due, action
    db.session.commit()
    client = login_as(rep)
    page = client.get("/dashboard/follow-up").get_data(as_text=True)
    assert page.index("Sooner") < page.index("Later") and "Not mine" not in page
    client.post("/logout")
    assert login_as(make_user("buyer")).get("/dashboard/follow-up").status_code == 403
