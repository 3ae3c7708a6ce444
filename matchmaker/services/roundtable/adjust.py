"""The organiser adjusts a draft timetable by hand: move, swap, add, remove, pin.

Every action is checked by the pure checker in `conflicts` against the whole draft; a refusal
raises Conflict with the first reason's code and a message naming every reason.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Event, Organisation, Slot, User
from matchmaker.models.base import utcnow
from matchmaker.models.roundtable import DraftMeeting, DraftSource, ScheduleRun
from matchmaker.services.meetings.localtime import hhmm
from matchmaker.services.roundtable import conflicts as c
from matchmaker.services.roundtable.problem import (
    capacities,
    event_slots,
    slot_tables,
    unavailable_slots,
)
from matchmaker.services.roundtable.wishes import event_pairs


class AdjustConflict(Conflict):
    """A manual change is refused; `codes` lists every reason."""

    def __init__(self, message: str, codes: list[str]):
        super().__init__(message, code=codes[0])
        self.codes = codes


def load_board(run: ScheduleRun) -> c.Board:
    """The run's draft as plain data for the conflict checker."""
    event = run.event
    slots = event_slots(event)
    unavailable = unavailable_slots(event, slots)
    return c.Board(
        tables=slot_tables(event, slots),
        seats=capacities(event),
        buyer_unavailable={who[1]: ids for who, ids in unavailable.items() if who[0] == "b"},
        org_unavailable={who[1]: ids for who, ids in unavailable.items() if who[0] == "o"},
        refused={pair for pair, w in event_pairs(event).items() if w.refused},
        placed={d.id: c.Placed(d.id, d.buyer_id, d.organisation_id, d.slot_id, d.table_id)
                for d in run.drafts},
    )


def _name_of_buyer(user: User) -> str:
    profile = user.buyer_profile
    return f"{user.name} ({profile.company})" if profile else user.name


def _describe(refusal: c.Refusal, *, buyer: User, organisation: Organisation, slot: Slot,
              event: Event) -> str:
    other = db.session.get(DraftMeeting, refusal.other) if refusal.other else None
    time = hhmm(slot.starts_at, event)
    code = refusal.code
    if code == c.UNKNOWN_SLOT:
        return _("This time is not a slot of the event's roundtable.")
    if code == c.WRONG_TABLE:
        return _("This table is not in use in the session of that time.")
    if code == c.TABLES_FULL:
        return _("Every table is taken at %(time)s.", time=time)
    if code == c.TABLE_TAKEN:
        return _("The table is taken at %(time)s by %(buyer)s and %(org)s.", time=time,
                 buyer=_name_of_buyer(other.buyer), org=other.organisation.name)
    if code == c.BUYER_BUSY:
        return _("%(buyer)s already meets %(org)s at %(time)s.", buyer=_name_of_buyer(buyer),
                 org=other.organisation.name, time=time)
    if code == c.ORG_NO_FREE_REP:
        return _("%(org)s has no free rep at %(time)s (all its attending reps are in other "
                 "meetings).", org=organisation.name, time=time)
    if code == c.BUYER_UNAVAILABLE:
        return _("%(buyer)s is not available at %(time)s.", buyer=_name_of_buyer(buyer),
                 time=time)
    if code == c.ORG_UNAVAILABLE:
        return _("%(org)s is not available at %(time)s.", org=organisation.name, time=time)
    if code == c.REFUSED:
        return _("%(buyer)s and %(org)s: one side answered \"no\" to this meeting.",
                 buyer=_name_of_buyer(buyer), org=organisation.name)
    if code == c.PAIR_EXISTS:
        return _("%(buyer)s and %(org)s already meet in this timetable.",
                 buyer=_name_of_buyer(buyer), org=organisation.name)
    return _("This change is not possible.")


def _refuse(refusals: list[c.Refusal], *, buyer: User, organisation: Organisation, slot: Slot,
            event: Event) -> None:
    if refusals:
        message = " ".join(_describe(r, buyer=buyer, organisation=organisation, slot=slot,
                                     event=event) for r in refusals)
        raise AdjustConflict(message, [r.code for r in refusals])


def _check_editable(run: ScheduleRun) -> None:
    if not run.has_result or run.published_at is not None:
        raise Conflict(_("This timetable can no longer be changed; start a new run."),
                       code="run_locked")


def _check_movable(draft: DraftMeeting) -> None:
    if draft.is_existing:
        raise Conflict(_("This meeting was booked before the run; change it from the "
                         "meeting's own page."), code="existing_meeting")


def _check_slot(run: ScheduleRun, slot: Slot | None, now: datetime | None) -> Slot:
    if slot is None or slot.session.event_id != run.event_id:
        raise ValidationFailed(_("Choose a time of this event."), code="unknown_slot")
    _check_not_past(run, slot, now)
    return slot


def _check_not_past(run: ScheduleRun, slot: Slot, now: datetime | None) -> None:
    # A slot that has begun cannot take a meeting: nobody would be told in time to attend.
    if slot.starts_at <= (now or utcnow()):
        raise Conflict(_("%(time)s has already begun or is over: choose a later time.",
                         time=hhmm(slot.starts_at, run.event)), code="slot_past")


def open_slots(slots: list[Slot], *, now: datetime | None = None) -> list[Slot]:
    """The slots a meeting may still be moved or added to: those not yet begun."""
    moment = now or utcnow()
    return [slot for slot in slots if slot.starts_at > moment]


def _table_for(board: c.Board, slot_id: int, table_id: int | None, ignore) -> int | None:
    # "Any free table": the first free one; None lets the checker report that all are taken.
    return table_id if table_id else board.free_table(slot_id, ignore)


def move(run: ScheduleRun, draft: DraftMeeting, slot: Slot, table_id: int | None, *,
         now: datetime | None = None) -> DraftMeeting:
    """Move a draft meeting to another slot and table (None: any free table); it gets pinned.

    Raises:
        Conflict: ``run_locked``, ``existing_meeting``, ``slot_past`` and the checker's codes
            (``buyer_busy``,
            ``org_no_free_rep``, ``table_taken``, ``tables_full``, ``wrong_table``,
            ``buyer_unavailable``, ``org_unavailable``, ``refused``).
        ValidationFailed: ``unknown_slot``.
    """
    _check_editable(run)
    _check_movable(draft)
    slot = _check_slot(run, slot, now)
    board = load_board(run)
    table_id = _table_for(board, slot.id, table_id, {draft.id})
    _refuse(c.check_placement(board, buyer_id=draft.buyer_id,
                              organisation_id=draft.organisation_id, slot_id=slot.id,
                              table_id=table_id, ignore={draft.id}),
            buyer=draft.buyer, organisation=draft.organisation, slot=slot, event=run.event)
    # A meeting placed by hand is pinned, so a re-run keeps the organiser's decision.
    draft.slot_id, draft.table_id, draft.is_pinned = slot.id, table_id, True
    db.session.flush()
    return draft


def swap(run: ScheduleRun, first: DraftMeeting, second: DraftMeeting, *,
         now: datetime | None = None) -> None:
    """Exchange the slots and tables of two draft meetings.

    Raises:
        Conflict: ``run_locked``, ``existing_meeting``, ``same_meeting``, ``slot_past`` and
            the checker's codes.
    """
    _check_editable(run)
    _check_movable(first)
    _check_movable(second)
    if first.id == second.id:
        raise Conflict(_("Choose two different meetings."), code="same_meeting")
    _check_not_past(run, first.slot, now)
    _check_not_past(run, second.slot, now)
    board = load_board(run)
    both = {first.id, second.id}
    _refuse(c.check_placement(board, buyer_id=first.buyer_id,
                              organisation_id=first.organisation_id, slot_id=second.slot_id,
                              table_id=second.table_id, ignore=both),
            buyer=first.buyer, organisation=first.organisation, slot=second.slot,
            event=run.event)
    board.placed[first.id] = c.Placed(first.id, first.buyer_id, first.organisation_id,
                                      second.slot_id, second.table_id)
    _refuse(c.check_placement(board, buyer_id=second.buyer_id,
                              organisation_id=second.organisation_id, slot_id=first.slot_id,
                              table_id=first.table_id, ignore={second.id}),
            buyer=second.buyer, organisation=second.organisation, slot=first.slot,
            event=run.event)
    first_place = (first.slot_id, first.table_id)
    first.slot_id, first.table_id = second.slot_id, second.table_id
    second.slot_id, second.table_id = first_place
    first.is_pinned = second.is_pinned = True
    db.session.flush()


def add(run: ScheduleRun, buyer: User, organisation: Organisation, slot: Slot,
        table_id: int | None, *, now: datetime | None = None) -> DraftMeeting:
    """Add a meeting to the draft by hand (weight from the wishes, 0 if nobody asked).

    Raises:
        Conflict: ``run_locked``, ``pair_exists``, ``refused``, ``slot_past`` and the checker's
            codes.
        ValidationFailed: ``unknown_slot``, ``not_a_buyer``.
    """
    _check_editable(run)
    slot = _check_slot(run, slot, now)
    if not buyer.is_buyer:
        raise ValidationFailed(_("Choose a buyer."), code="not_a_buyer")
    board = load_board(run)
    table_id = _table_for(board, slot.id, table_id, ())
    _refuse(c.check_placement(board, buyer_id=buyer.id, organisation_id=organisation.id,
                              slot_id=slot.id, table_id=table_id, new_pair=True),
            buyer=buyer, organisation=organisation, slot=slot, event=run.event)
    wishes = event_pairs(run.event).get((buyer.id, organisation.id))
    draft = DraftMeeting(run=run, buyer_id=buyer.id, organisation_id=organisation.id,
                         slot_id=slot.id, table_id=table_id,
                         weight=(wishes.weight or 0) if wishes else 0,
                         is_pinned=True, source=DraftSource.WISH)
    db.session.add(draft)
    db.session.flush()
    return draft


def remove(run: ScheduleRun, draft: DraftMeeting) -> None:
    """Take a scheduled meeting out of the draft.

    Raises:
        Conflict: ``run_locked``, ``existing_meeting``.
    """
    _check_editable(run)
    _check_movable(draft)
    run.drafts.remove(draft)
    db.session.flush()


def set_pinned(run: ScheduleRun, draft: DraftMeeting, pinned: bool) -> None:
    """Pin a draft meeting so a re-run keeps it where it is (or unpin it).

    Raises:
        Conflict: ``run_locked``, ``existing_meeting`` (booked meetings are always kept).
    """
    _check_editable(run)
    _check_movable(draft)
    draft.is_pinned = pinned
    db.session.flush()

