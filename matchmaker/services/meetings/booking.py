"""Booking: a buyer requests a slot; reps accept, decline or propose another; either side cancels.

Life cycle (who acts in brackets):

    requested --accept [reps]--------------------------> accepted --held/no_show [reps]
    requested --decline + reason [reps]----------------> declined
    requested --propose other slot [reps]--> proposed --accept [buyer]--> accepted
                                             proposed --decline [buyer]--> declined
    requested/proposed --(expires_at passes)-----------> expired
    requested/proposed/accepted --cancel [either]------> cancelled

A pending meeting (requested/proposed) already holds its slot, seat and table, so two
buyers can never be promised the same time; expiry frees them.

Expiry is derived on read: `Meeting.status` says "expired" from `expires_at` on. The
transitions here work on `stored_status` with the caller's `now`; `expire_overdue` stores the
expiry and sends its mails (the scheduled `flask meetings-expire`), and `release_overdue`
stores it for the meetings still holding a slot that someone is about to take.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Exhibitor, Lot, Meeting, MeetingEvent, Organisation, Slot, User
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import (
    ACTIVE_STATUSES,
    PENDING_STATUSES,
    MeetingSource,
    MeetingStatus,
)
from matchmaker.services.leads import lead_from_meeting
from matchmaker.services.meetings import rules
from matchmaker.services.meetings.availability import lock_slot, place
from matchmaker.services.meetings.notify import notify_other_side

MAX_MESSAGE = 2000


def record(meeting: Meeting, actor: User | None, action: str, from_status: str | None,
           note: str = "") -> None:
    """Append to the meeting's history and make calendars pick up the change."""
    meeting.history.append(MeetingEvent(
        actor_id=actor.id if actor is not None else None, action=action,
        from_status=from_status, to_status=meeting.stored_status, slot_id=meeting.slot_id,
        note=note,
    ))
    if from_status is not None:
        meeting.ics_sequence += 1
    meeting.updated_at = utcnow()


def _slot_taken_error() -> Conflict:
    return Conflict(_("This time is no longer free. Please choose another one."),
                    code="slot_taken")


def flush_placement(new: Meeting | None = None) -> None:
    """Flush (adding `new`) inside a savepoint; a unique-index violation (a concurrent booking
    won) becomes Conflict ``slot_taken`` and leaves the outer transaction usable."""
    try:
        # begin_nested() flushes what is already pending before the SAVEPOINT, so a new
        # meeting is added only inside it, where a refused INSERT rolls back alone.
        with db.session.begin_nested():
            if new is not None:
                db.session.add(new)
            db.session.flush()
    except IntegrityError as error:
        raise _slot_taken_error() from error


def _expiry(slot: Slot, hours: int, now: datetime) -> datetime:
    # Unanswered requests lapse after the organiser's delay, and at the latest when the slot starts.
    return min(now + timedelta(hours=hours), slot.starts_at)


def _check_exhibits(organisation: Organisation, event_id: int) -> None:
    exhibits = db.session.scalar(
        db.select(db.func.count()).select_from(Exhibitor)
        .where(Exhibitor.event_id == event_id, Exhibitor.organisation_id == organisation.id)
    )
    if not exhibits:
        raise ValidationFailed(_("This organisation does not take part in this event."),
                               code="not_exhibiting")


def _check_lots(organisation: Organisation, lots: Iterable[Lot]) -> list[Lot]:
    lots = list(lots)
    for lot in lots:
        if lot.organisation_id != organisation.id or not lot.is_published:
            raise ValidationFailed(_("Choose lots of this organisation only."),
                                   code="lot_not_offered")
    return lots


def _check_no_open_meeting(buyer: User, organisation: Organisation, event_id: int,
                           exclude_id: int | None = None) -> None:
    query = db.select(Meeting.id).where(
        Meeting.event_id == event_id, Meeting.buyer_id == buyer.id,
        Meeting.organisation_id == organisation.id, Meeting.status.in_(ACTIVE_STATUSES),
    )
    if exclude_id is not None:
        query = query.where(Meeting.id != exclude_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(_("You already have a meeting with this organisation at this event."),
                       code="already_meeting")


def new_meeting(slot: Slot, buyer: User, organisation: Organisation, *, status: str,
                source: str, actor: User | None, table=None, message: str = "",
                lots: Iterable[Lot] = (), expires_at: datetime | None = None,
                is_pinned: bool = False, check_unavailability: bool = True) -> Meeting:
    """Place and insert a meeting in a locked slot (shared by booking, walk-ins, the scheduler).

    Raises:
        Conflict: from `place` (``buyer_busy``, ``slot_taken``, ``no_table``, ``unavailable``),
            or ``slot_taken``/``already_meeting`` when a concurrent transaction won a unique
            index.
    """
    lock_slot(slot)
    release_overdue(slot)
    placement = place(slot, buyer_id=buyer.id, organisation_id=organisation.id, table=table,
                      check_unavailability=check_unavailability)
    meeting = Meeting(
        event_id=slot.session.event_id, slot=slot, table_id=placement.table_id,
        buyer_id=buyer.id, organisation_id=organisation.id, org_seat=placement.org_seat,
        status=status, source=source, is_pinned=is_pinned,
        requested_by_id=actor.id if actor is not None else None,
        message=message.strip()[:MAX_MESSAGE], expires_at=expires_at,
        ics_uid=uuid.uuid4().hex,
    )
    meeting.lots = list(lots)
    try:
        flush_placement(meeting)
    except Conflict:
        # Two requests of one buyer to one organisation on different slots both passed the
        # check before either was written; the unique index on open meetings refused one.
        with db.session.no_autoflush:
            _check_no_open_meeting(buyer, organisation, slot.session.event_id)
        raise
    return meeting


def request_meeting(buyer: User, organisation: Organisation, slot: Slot, *,
                    lots: Iterable[Lot] = (), message: str = "",
                    now: datetime | None = None, offer=None) -> Meeting:
    """A buyer asks an organisation for a meeting in a free slot; the reps are notified.

    `offer` is a published consolidated offer of that organisation (a cooperative) that the
    meeting is about.

    Raises:
        NotAllowed: ``not_a_buyer``.
        ValidationFailed: ``not_exhibiting``, ``lot_not_offered``, ``offer_not_offered``,
            ``not_bookable``, ``slot_past``.
        Conflict: ``already_meeting``, ``buyer_busy``, ``slot_taken``, ``no_table``,
            ``unavailable``.
    """
    now = now or utcnow()
    if not buyer.is_buyer:
        raise NotAllowed(_("Only buyers can request meetings."), code="not_a_buyer")
    session = slot.session
    _check_exhibits(organisation, session.event_id)
    lots = _check_lots(organisation, lots)
    if offer is not None and (offer.cooperative_id != organisation.id or not offer.is_public):
        raise ValidationFailed(_("This offer is not offered by %(org)s.", org=organisation.name),
                               code="offer_not_offered")
    if not session.is_bookable:
        raise ValidationFailed(_("This session cannot be booked; its meetings are scheduled "
                                 "by the organisers."), code="not_bookable")
    if slot.starts_at <= now:
        raise ValidationFailed(_("This time has already passed."), code="slot_past")
    _check_no_open_meeting(buyer, organisation, session.event_id)
    meeting = new_meeting(
        slot, buyer, organisation, status=MeetingStatus.REQUESTED,
        source=MeetingSource.BOOKING, actor=buyer, message=message, lots=lots,
        expires_at=_expiry(slot, session.expiry_hours, now),
    )
    meeting.offer = offer
    record(meeting, buyer, "requested", None, meeting.message)
    notify_other_side(meeting, "requested", buyer, meeting.message)
    lead_from_meeting(meeting)  # a meeting request is also a lead for the organisation
    return meeting


def _expire_if_due(meeting: Meeting, now: datetime) -> None:
    if (meeting.stored_status in PENDING_STATUSES and meeting.expires_at is not None
            and meeting.expires_at <= now):
        raise Conflict(_("This request has expired."), code="expired")


def accept(meeting: Meeting, actor: User, *, now: datetime | None = None) -> Meeting:
    """Reps accept a request; the buyer accepts a proposal.

    Raises:
        NotAllowed: ``not_your_turn`` (e.g. the buyer accepting their own request).
        Conflict: ``not_pending``, ``expired``.
    """
    now = now or utcnow()
    if meeting.stored_status == MeetingStatus.REQUESTED:
        allowed = rules.is_org_side(actor, meeting)
    elif meeting.stored_status == MeetingStatus.PROPOSED:
        allowed = rules.is_buyer_side(actor, meeting)
    else:
        raise Conflict(_("This meeting is not waiting for an answer."), code="not_pending")
    if not allowed:
        raise NotAllowed(_("It is the other side's turn to answer."), code="not_your_turn")
    _expire_if_due(meeting, now)
    before = meeting.stored_status
    meeting.stored_status = MeetingStatus.ACCEPTED
    meeting.expires_at = None
    record(meeting, actor, "accepted", before)
    db.session.flush()
    notify_other_side(meeting, "accepted", actor)
    return meeting


def decline(meeting: Meeting, actor: User, reason: str = "", *,
            now: datetime | None = None) -> Meeting:
    """Reps decline a request, giving the buyer a reason; the buyer declines a proposal.

    Raises:
        NotAllowed: ``not_your_turn``.
        ValidationFailed: ``reason_required`` when reps decline without a reason.
        Conflict: ``not_pending``, ``expired``.
    """
    now = now or utcnow()
    reason = reason.strip()[:MAX_MESSAGE]
    if meeting.stored_status == MeetingStatus.REQUESTED:
        allowed = rules.is_org_side(actor, meeting)
        if allowed and not reason:
            raise ValidationFailed(_("Tell the buyer why you decline."), code="reason_required")
    elif meeting.stored_status == MeetingStatus.PROPOSED:
        allowed = rules.is_buyer_side(actor, meeting)
    else:
        raise Conflict(_("This meeting is not waiting for an answer."), code="not_pending")
    if not allowed:
        raise NotAllowed(_("It is the other side's turn to answer."), code="not_your_turn")
    _expire_if_due(meeting, now)
    before = meeting.stored_status
    meeting.stored_status = MeetingStatus.DECLINED
    meeting.decline_reason = reason
    meeting.expires_at = None
    record(meeting, actor, "declined", before, reason)
    db.session.flush()
    notify_other_side(meeting, "declined", actor, reason)
    return meeting


def propose(meeting: Meeting, actor: User, slot: Slot, note: str = "", *,
            now: datetime | None = None) -> Meeting:
    """Reps answer a request with another slot; the meeting moves there, pending the buyer.

    The first slot is freed at once and the proposed one held, so nobody else can take it
    while the buyer decides.

    Raises:
        NotAllowed: ``not_your_turn``.
        ValidationFailed: ``wrong_event``, ``slot_past``, ``same_slot``.
        Conflict: ``not_pending``, ``expired`` and the placement conflicts.
    """
    now = now or utcnow()
    if meeting.stored_status != MeetingStatus.REQUESTED:
        raise Conflict(_("Only a new request can be answered with another time."),
                       code="not_pending")
    if not rules.is_org_side(actor, meeting):
        raise NotAllowed(_("It is the other side's turn to answer."), code="not_your_turn")
    _expire_if_due(meeting, now)
    if slot.session.event_id != meeting.event_id:
        raise ValidationFailed(_("Choose a time of the same event."), code="wrong_event")
    if slot.id == meeting.slot_id:
        raise ValidationFailed(_("Choose a different time."), code="same_slot")
    if slot.starts_at <= now:
        raise ValidationFailed(_("This time has already passed."), code="slot_past")
    lock_slot(slot)
    release_overdue(slot)
    placement = place(slot, buyer_id=meeting.buyer_id, organisation_id=meeting.organisation_id,
                      exclude_meeting_id=meeting.id)
    meeting.requested_slot_id = meeting.slot_id
    meeting.slot = slot
    meeting.table_id = placement.table_id
    meeting.org_seat = placement.org_seat
    meeting.stored_status = MeetingStatus.PROPOSED
    meeting.expires_at = _expiry(slot, slot.session.expiry_hours, now)
    note = note.strip()[:MAX_MESSAGE]
    record(meeting, actor, "proposed", MeetingStatus.REQUESTED, note)
    flush_placement()
    notify_other_side(meeting, "proposed", actor, note)
    return meeting


def cancel(meeting: Meeting, actor: User, reason: str = "", *,
           now: datetime | None = None) -> Meeting:
    """Either side (or an organiser) cancels a pending or accepted meeting, freeing the slot.

    Raises:
        NotAllowed: ``not_a_participant``.
        Conflict: ``not_cancellable`` once the meeting was held, marked or is already closed.
    """
    if not rules.can_view(actor, meeting):
        raise NotAllowed(_("You are not part of this meeting."), code="not_a_participant")
    if meeting.stored_status not in (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED,
                              MeetingStatus.ACCEPTED):
        raise Conflict(_("This meeting can no longer be cancelled."), code="not_cancellable")
    before = meeting.stored_status
    meeting.stored_status = MeetingStatus.CANCELLED
    meeting.expires_at = None
    reason = reason.strip()[:MAX_MESSAGE]
    record(meeting, actor, "cancelled", before, reason)
    db.session.flush()
    notify_other_side(meeting, "cancelled", actor, reason)
    return meeting


def expire_overdue(now: datetime | None = None, *, event_id: int | None = None,
                   slot_id: int | None = None) -> int:
    """Store the expiry of unanswered requests and proposals whose time ran out, and tell both
    sides. Run by the scheduled `flask meetings-expire`; pages only derive it (`status`).

    Returns how many expired.
    """
    now = now or utcnow()
    query = db.select(Meeting).where(
        Meeting.stored_status.in_(PENDING_STATUSES), Meeting.expires_at <= now
    )
    if event_id is not None:
        query = query.where(Meeting.event_id == event_id)
    if slot_id is not None:
        query = query.where(Meeting.slot_id == slot_id)
    overdue = db.session.scalars(query.with_for_update(skip_locked=True)).all()
    for meeting in overdue:
        before = meeting.stored_status
        meeting.stored_status = MeetingStatus.EXPIRED
        record(meeting, None, "expired", before)
        db.session.flush()
        notify_other_side(meeting, "expired", None)
    return len(overdue)


def release_overdue(slot: Slot) -> None:
    """Before a meeting is placed in `slot`: store the expiry of the overdue ones still holding
    it, which the database's unique indexes count as long as their stored status is pending."""
    expire_overdue(utcnow(), slot_id=slot.id)
