"""Publishing: meetings written in one transaction, checked again from the database; a clash
with a meeting booked since the run aborts everything."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import Meeting, OutboxMessage
from matchmaker.scheduler import Schedule, check_schedule
from matchmaker.services.roundtable import publish, runs
from matchmaker.services.roundtable.problem import build_problem
from tests.factories import make_meeting, make_user


def _run(fair):
    run = runs.start_run(fair.event, fair.organiser, time_limit_s=5)
    db.session.commit()
    return runs.execute(run.id)


def _active(fair):
    return list(db.session.scalars(db.select(Meeting).where(
        Meeting.event_id == fair.event.id,
        Meeting.status.in_(("requested", "accepted")))))


def test_publish_writes_meetings_that_obey_every_hard_constraint(wished_fair, request_ctx):
    fair = wished_fair
    booked = make_meeting(fair.slots[3], fair.buyers[1], fair.orgs[2], status="accepted")
    run = _run(fair)
    result = publish.publish(run, fair.organiser)
    db.session.commit()
    assert len(result.created) == 11 and run.published_at is not None
    meetings = _active(fair)
    assert len(meetings) == 12
    assert {m.source for m in meetings if m.id != booked.id} == {"roundtable"}
    assert all(m.status == "accepted" for m in meetings)
    # Rebuild the problem from the database and check the published timetable against it.
    built = build_problem(fair.event)
    assignments, tables = {}, {}
    for m in meetings:
        rid = f"m{m.id}" if m.id == booked.id else f"p{m.buyer_id}-{m.organisation_id}"
        assignments[rid] = m.slot_id
        tables[rid] = built.table_index(m.slot_id, m.table_id)
    assert check_schedule(built.problem, Schedule(assignments, tables=tables),
                          strict=False) == []
    # One e-mail per buyer and per rep whose timetable changed, in their language.
    mails = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "roundtable_published")).all()
    # (make_meeting's accepted booking added a second rep to the third organisation)
    assert len(mails) == len(fair.buyers) + len(fair.reps) + 1
    rep_mail = next(m for m in mails if m.recipient == fair.reps[0].email)
    assert rep_mail.subject.startswith("Su agenda de la rueda")  # reps default to Spanish
    buyer_mail = next(m for m in mails if m.recipient == fair.buyers[0].email)
    assert buyer_mail.subject.startswith("Your roundtable timetable")


def test_publish_conflict_writes_nothing(wished_fair, request_ctx):
    fair = wished_fair
    run = _run(fair)
    draft = run.drafts[0]
    # Someone else books the buyer in that very slot after the run.
    other_org = make_user("rep").organisation
    make_meeting(draft.slot, draft.buyer, other_org)
    before = {m.id for m in db.session.scalars(db.select(Meeting))}
    with pytest.raises(publish.PublishConflict) as error:
        publish.publish(run, fair.organiser)
    assert error.value.code == "publish_conflict"
    assert any("the buyer has another meeting then" in c for c in error.value.clashes)
    db.session.rollback()
    assert {m.id for m in db.session.scalars(db.select(Meeting))} == before
    assert db.session.get(type(run), run.id).published_at is None
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "roundtable_published")) == 0


def test_publish_conflict_over_http_lists_clashes(wished_fair, request_ctx, login_as):
    fair = wished_fair
    run = _run(fair)
    draft = run.drafts[0]
    make_meeting(draft.slot, draft.buyer, make_user("rep").organisation)
    response = login_as(fair.organiser).post(f"/roundtable/runs/{run.id}/publish")
    assert response.status_code == 409
    assert "nothing was changed" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Meeting).where(
        Meeting.source == "roundtable")) == 0


def test_republish_keeps_unchanged_cancels_dropped_and_rerun_keeps_pins(wished_fair, request_ctx):
    fair = wished_fair
    first = _run(fair)
    pinned = first.drafts[1]
    pinned.is_pinned = True
    publish.publish(first, fair.organiser)
    db.session.commit()
    # One side now says "no": the next run drops that meeting and publishing cancels it.
    dropped = next(d for d in first.drafts if not d.is_pinned)
    fair.wish(dropped.buyer, dropped.organisation, "no")
    second = runs.start_run(fair.event, fair.organiser, time_limit_s=5, parent=first)
    db.session.commit()
    runs.execute(second.id)
    keys = {(d.buyer_id, d.organisation_id): d for d in second.drafts}
    kept_pin = next(d for d in second.drafts if d.is_existing
                    and (d.buyer_id, d.organisation_id) == (pinned.buyer_id,
                                                           pinned.organisation_id))
    assert kept_pin.slot_id == pinned.slot_id  # published pinned meeting stays put
    assert (dropped.buyer_id, dropped.organisation_id) not in keys
    result = publish.publish(second, fair.organiser)
    db.session.commit()
    cancelled = {(m.buyer_id, m.organisation_id) for m in result.cancelled}
    assert (dropped.buyer_id, dropped.organisation_id) in cancelled
    assert len(_active(fair)) == 11
