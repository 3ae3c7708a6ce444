"""Manual adjustment: the pure conflict checker and the services' refusals with codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from matchmaker.errors import Conflict
from matchmaker.extensions import db
from matchmaker.models import DraftMeeting
from matchmaker.services.meetings.sessions import add_unavailability
from matchmaker.services.roundtable import adjust, runs
from matchmaker.services.roundtable import conflicts as c
from tests.factories import make_meeting
from tests.roundtable.conftest import hand_run as _hand_run


def _board(**overrides):
    board = c.Board(tables={1: [10, 11], 2: [10, 11]}, seats={7: 2})
    board.placed = {
        100: c.Placed(100, buyer_id=1, organisation_id=5, slot_id=1, table_id=10),
        101: c.Placed(101, buyer_id=2, organisation_id=7, slot_id=1, table_id=11),
    }
    for key, value in overrides.items():
        setattr(board, key, value)
    return board


def codes(refusals):
    return [r.code for r in refusals]


def test_checker_accepts_a_free_place():
    assert c.check_placement(_board(), buyer_id=3, organisation_id=6, slot_id=2,
                             table_id=10) == []


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"buyer_id": 1, "organisation_id": 6, "slot_id": 2, "table_id": 11, "ignore": ()}, []),
    ({"buyer_id": 1, "organisation_id": 6, "slot_id": 1, "table_id": None},
     [c.TABLES_FULL, c.BUYER_BUSY]),
    ({"buyer_id": 3, "organisation_id": 6, "slot_id": 1, "table_id": 10}, [c.TABLE_TAKEN]),
    ({"buyer_id": 3, "organisation_id": 5, "slot_id": 1, "table_id": 10, "ignore": (101,)},
     [c.TABLE_TAKEN, c.ORG_NO_FREE_REP]),
    ({"buyer_id": 3, "organisation_id": 6, "slot_id": 2, "table_id": 99}, [c.WRONG_TABLE]),
    ({"buyer_id": 3, "organisation_id": 6, "slot_id": 9, "table_id": 10}, [c.UNKNOWN_SLOT]),
])
def test_checker_refusals(kwargs, expected):
    assert codes(c.check_placement(_board(), **kwargs)) == expected


def test_checker_seats_unavailability_refusal_and_pairs():
    board = _board(buyer_unavailable={3: {2}}, org_unavailable={6: {2}}, refused={(3, 6)})
    # Organisation 7 has two reps: a second meeting in slot 1 is fine seat-wise.
    board.tables[1].append(12)
    assert c.check_placement(board, buyer_id=4, organisation_id=7, slot_id=1,
                             table_id=12) == []
    assert codes(c.check_placement(board, buyer_id=3, organisation_id=6, slot_id=2,
                                   table_id=10)) == [c.REFUSED, c.BUYER_UNAVAILABLE,
                                                     c.ORG_UNAVAILABLE]
    assert codes(c.check_placement(board, buyer_id=1, organisation_id=5, slot_id=2,
                                   table_id=10, new_pair=True)) == [c.PAIR_EXISTS]


@pytest.fixture
def done_run(wished_fair, request_ctx):
    run = runs.start_run(wished_fair.event, wished_fair.organiser, time_limit_s=5)
    db.session.commit()
    runs.execute(run.id)
    assert run.status == "done"
    return run


def _at(run, slot_id):
    return [d for d in run.drafts if d.slot_id == slot_id]


def test_move_to_free_place_pins_it(done_run, wished_fair):
    run, fair = done_run, wished_fair
    draft = run.drafts[0]
    target = next(s for s in fair.slots
                  if all(d.buyer_id != draft.buyer_id and d.organisation_id != draft.organisation_id
                         for d in _at(run, s.id)) and len(_at(run, s.id)) < 3)
    adjust.move(run, draft, target, None)
    db.session.commit()
    assert draft.slot_id == target.id and draft.is_pinned
    assert draft.table_id in {t.id for t in fair.session.tables}


def test_move_refused_when_buyer_busy_with_reason(done_run, wished_fair):
    run = done_run
    draft = run.drafts[0]
    other = next(d for d in run.drafts if d.buyer_id == draft.buyer_id and d.id != draft.id)
    with pytest.raises(Conflict) as error:
        adjust.move(run, draft, other.slot, None)
    assert error.value.code in ("buyer_busy", "tables_full")
    assert "buyer_busy" in error.value.codes
    assert "already meets" in error.value.message
    db.session.rollback()
    assert db.session.get(DraftMeeting, draft.id).slot_id != other.slot_id


def test_move_refused_on_unavailability(done_run, wished_fair):
    run, fair = done_run, wished_fair
    draft = run.drafts[0]
    free_slot = next(s for s in fair.slots if s.id != draft.slot_id)
    add_unavailability(fair.event, starts_at=free_slot.starts_at, ends_at=free_slot.ends_at,
                       organisation=draft.organisation)
    with pytest.raises(Conflict) as error:
        adjust.move(run, draft, free_slot, None)
    assert "org_unavailable" in error.value.codes


def test_swap_and_its_refusals(fair, request_ctx):
    run = _hand_run(fair, [(0, 0, 0, 0), (1, 1, 1, 0), (0, 2, 1, 1)])
    x, y, z = run.drafts
    with pytest.raises(Conflict) as error:
        adjust.swap(run, x, y)  # buyer 0 would meet two organisations in slot 1
    assert error.value.codes == ["buyer_busy"]
    assert (x.slot_id, y.slot_id) == (fair.slots[0].id, fair.slots[1].id)
    adjust.swap(run, y, z)  # same slot, tables exchanged
    assert (y.table_id, z.table_id) == (fair.session.tables[1].id, fair.session.tables[0].id)
    adjust.swap(run, x, z)
    assert (x.slot_id, z.slot_id) == (fair.slots[1].id, fair.slots[0].id)
    assert x.is_pinned and z.is_pinned
    with pytest.raises(Conflict) as error:
        adjust.swap(run, x, x)
    assert error.value.code == "same_meeting"


def test_move_refused_when_table_taken_and_org_without_free_rep(fair, request_ctx):
    run = _hand_run(fair, [(0, 0, 0, 0), (1, 1, 1, 0), (2, 0, 1, 1)])
    x, _y, _z = run.drafts
    with pytest.raises(Conflict) as error:
        adjust.move(run, x, fair.slots[1], fair.session.tables[0].id)
    assert error.value.codes == ["table_taken", "org_no_free_rep"]
    assert "has no free rep" in error.value.message


def test_add_remove_pin_and_refusals(done_run, wished_fair):
    run, fair = done_run, wished_fair
    draft = run.drafts[0]
    with pytest.raises(Conflict) as error:
        adjust.add(run, draft.buyer, draft.organisation, fair.slots[0], None)
    assert "pair_exists" in error.value.codes
    adjust.remove(run, draft)
    db.session.commit()
    assert draft.id not in {d.id for d in run.drafts}
    added = adjust.add(run, draft.buyer, draft.organisation, draft.slot, None)
    assert added.weight == 100 and added.is_pinned
    adjust.set_pinned(run, added, False)
    assert not added.is_pinned


def test_no_wish_refused_on_add(done_run, wished_fair):
    run, fair = done_run, wished_fair
    from tests.factories import make_user

    newcomer = make_user("buyer")
    fair.wish(newcomer, fair.orgs[0], "no")
    with pytest.raises(Conflict) as error:
        adjust.add(run, newcomer, fair.orgs[0], fair.slots[0], None)
    assert error.value.codes[0] == "refused"


def test_existing_meetings_cannot_be_moved(wished_fair, request_ctx):
    fair = wished_fair
    make_meeting(fair.slots[0], fair.buyers[0], fair.orgs[0], status="accepted")
    run = runs.start_run(fair.event, fair.organiser, time_limit_s=5)
    db.session.commit()
    runs.execute(run.id)
    existing = next(d for d in run.drafts if d.is_existing)
    for action in (lambda: adjust.move(run, existing, fair.slots[5], None),
                   lambda: adjust.remove(run, existing),
                   lambda: adjust.set_pinned(run, existing, False)):
        with pytest.raises(Conflict) as error:
            action()
        assert error.value.code == "existing_meeting"


def test_refused_move_over_http_keeps_input_and_says_why(done_run, wished_fair, login_as):
    run = done_run
    draft = run.drafts[0]
    other = next(d for d in run.drafts if d.buyer_id == draft.buyer_id and d.id != draft.id)
    client = login_as(wished_fair.organiser)
    response = client.post(f"/roundtable/runs/{run.id}/move", data={
        "move-draft_id": draft.id, "move-slot_id": other.slot_id, "move-table_id": ""})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "already meets" in html
    assert f'<option selected value="{other.slot_id}">' in html


def _free_slot_for(run, fair, draft):
    return next(s for s in fair.slots
                if all(d.buyer_id != draft.buyer_id and d.organisation_id != draft.organisation_id
                       for d in _at(run, s.id)) and len(_at(run, s.id)) < 3)


def test_moves_swaps_and_adds_into_a_begun_slot_are_refused(done_run, wished_fair):
    run, fair = done_run, wished_fair
    draft = run.drafts[0]
    target = _free_slot_for(run, fair, draft)
    later = target.starts_at + timedelta(minutes=1)  # the target slot has begun
    with pytest.raises(Conflict) as error:
        adjust.move(run, draft, target, None, now=later)
    assert error.value.code == "slot_past" and "choose a later time" in error.value.message
    other = next(d for d in run.drafts if d.slot_id != draft.slot_id)
    with pytest.raises(Conflict) as error:
        adjust.swap(run, draft, other, now=max(draft.slot.starts_at, other.slot.starts_at))
    assert error.value.code == "slot_past"
    with pytest.raises(Conflict) as error:
        adjust.add(run, fair.buyers[0], fair.orgs[0], target, None, now=later)
    assert error.value.code == "slot_past"
    db.session.rollback()
    assert db.session.get(DraftMeeting, draft.id).slot_id != target.id
    # One minute earlier the same move is fine.
    adjust.move(run, draft, target, None, now=target.starts_at - timedelta(minutes=1))
    assert draft.slot_id == target.id


def test_the_timetable_offers_no_begun_slot_and_refuses_one_over_http(
        done_run, wished_fair, login_as):
    run, fair = done_run, wished_fair
    draft = run.drafts[0]
    begun = _free_slot_for(run, fair, draft)
    duration = begun.ends_at - begun.starts_at
    begun.starts_at = datetime.now(UTC) - timedelta(minutes=5)
    begun.ends_at = begun.starts_at + duration
    db.session.commit()
    client = login_as(fair.organiser)
    html = client.get(f"/roundtable/runs/{run.id}").get_data(as_text=True)
    offered = re.findall(r'<select[^>]*name="(move|add)-slot_id"[^>]*>(.*?)</select>', html, re.S)
    assert [name for name, _options in offered] == ["move", "add"]
    for _name, options in offered:
        assert f'value="{begun.id}"' not in options
        assert f'value="{fair.slots[-1].id}"' in options
    response = client.post(f"/roundtable/runs/{run.id}/move", data={
        "move-draft_id": draft.id, "move-slot_id": begun.id, "move-table_id": ""})
    # The slot is not a choice any more, so the form refuses it before the service does.
    assert response.status_code == 422
    assert db.session.get(DraftMeeting, draft.id).slot_id != begun.id
