"""Building the scheduler's Problem from database rows."""

from __future__ import annotations

from datetime import timedelta

from matchmaker.extensions import db
from matchmaker.services.meetings.sessions import add_unavailability, set_attendance
from matchmaker.services.roundtable.problem import build_problem
from tests.factories import make_meeting, make_user


def test_slots_blocks_and_tables(fair, request_ctx):
    fair.wish(fair.buyers[0], fair.orgs[0], "must")
    fair.session.tables[0].is_active = False
    db.session.commit()
    built = build_problem(fair.event)
    problem = built.problem
    slots = fair.session.slots
    assert list(problem.slots) == [s.id for s in slots]
    # The 10:20 break splits the session in two blocks: 4 slots, then 4.
    assert [problem.block(s.id) for s in slots] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert all(problem.tables(s.id) == 2 for s in slots)
    assert built.tables[slots[0].id] == [t.id for t in fair.session.tables[1:]]


def test_candidates_weights_and_refusals(fair, request_ctx):
    b0, b1 = fair.buyers[:2]
    o0, o1 = fair.orgs[:2]
    fair.wish(b0, o0, "must", "must")
    fair.wish(b0, o1, "like", "no")
    fair.wish(b1, o1, None, "like")
    requests = {r.id: r for r in build_problem(fair.event).problem.requests}
    assert set(requests) == {f"p{b0.id}-{o0.id}", f"p{b1.id}-{o1.id}"}
    assert requests[f"p{b0.id}-{o0.id}"].weight == 100
    assert requests[f"p{b1.id}-{o1.id}"].weight == 10
    assert requests[f"p{b0.id}-{o0.id}"].a == ("b", b0.id)
    assert requests[f"p{b0.id}-{o0.id}"].b == ("o", o0.id)


def test_existing_booking_is_pinned_and_replaces_the_candidate(fair, request_ctx):
    buyer, org = fair.buyers[0], fair.orgs[0]
    fair.wish(buyer, org, "must", "must")
    slot = fair.slots[2]
    meeting = make_meeting(slot, buyer, org, status="accepted")
    built = build_problem(fair.event)
    requests = {r.id: r for r in built.problem.requests}
    assert f"p{buyer.id}-{org.id}" not in requests
    pinned = requests[f"m{meeting.id}"]
    assert pinned.pinned_slot == slot.id
    assert built.table_id(slot.id, pinned.preferred_table) == meeting.table_id
    assert built.info[f"m{meeting.id}"].source == "existing"


def test_capacity_and_unavailability(fair, request_ctx):
    buyer, org = fair.buyers[0], fair.orgs[0]
    fair.wish(buyer, org, "must", "must")
    second_rep = make_user("rep", organisation=org)
    set_attendance(fair.event, org, [fair.reps[0], second_rep])
    first = fair.slots[0]
    add_unavailability(fair.event, starts_at=first.starts_at,
                       ends_at=first.starts_at + timedelta(minutes=30), user=buyer)
    db.session.commit()
    problem = build_problem(fair.event).problem
    assert problem.cap(("o", org.id)) == 2
    # 09:00–09:30 overlaps the 09:00 and 09:20 slots, not 09:40.
    assert problem.unavailable[("b", buyer.id)] == frozenset({fair.slots[0].id, fair.slots[1].id})
