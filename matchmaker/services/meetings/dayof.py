"""The day itself: organisers book walk-ins into free slots; reps mark meetings held or no-show."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Meeting, MeetingTable, Organisation, Slot, User
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import MeetingSource, MeetingStatus
from matchmaker.services.meetings import rules
from matchmaker.services.meetings.booking import (
    _check_exhibits,
    _check_no_open_meeting,
    new_meeting,
    record,
)
from matchmaker.services.meetings.notify import notify_other_side

OUTCOMES = (MeetingStatus.HELD, MeetingStatus.NO_SHOW)


def book_walkin(organiser: User, buyer: User, organisation: Organisation, slot: Slot, *,
                table: MeetingTable | None = None, now: datetime | None = None) -> Meeting:
    """Book a buyer who turns up at the desk into a free slot, confirmed at once.

    Unavailability is not checked: both people are standing at the desk and agree.

    Raises:
        NotAllowed: ``not_organiser``.
        ValidationFailed: ``not_a_buyer``, ``not_exhibiting``, ``slot_over``.
        Conflict: ``already_meeting``, ``buyer_busy``, ``slot_taken``, ``no_table``.
    """
    now = now or utcnow()
    if not rules.is_organiser(organiser):
        raise NotAllowed(_("Only organisers book walk-ins."), code="not_organiser")
    if not buyer.is_buyer:
        raise ValidationFailed(_("Choose a buyer."), code="not_a_buyer")
    _check_exhibits(organisation, slot.session.event_id)
    if slot.ends_at <= now:
        raise ValidationFailed(_("This time is over."), code="slot_over")
    _check_no_open_meeting(buyer, organisation, slot.session.event_id)
    meeting = new_meeting(
        slot, buyer, organisation, status=MeetingStatus.ACCEPTED, source=MeetingSource.WALKIN,
        actor=organiser, table=table, check_unavailability=False,
    )
    record(meeting, organiser, "walkin", None)
    notify_other_side(meeting, "walkin", organiser)
    return meeting


def mark_outcome(meeting: Meeting, actor: User, outcome: str, *,
                 now: datetime | None = None) -> Meeting:
    """Reps of the organisation (or organisers, as table hosts) mark a meeting held or no-show;
    a wrong mark can be corrected.

    Raises:
        NotAllowed: ``not_your_meeting`` (buyers do not mark).
        ValidationFailed: ``bad_outcome``, ``too_early`` (before the slot starts).
        Conflict: ``not_confirmed`` unless the meeting was accepted (or already marked).
    """
    now = now or utcnow()
    if outcome not in OUTCOMES:
        raise ValidationFailed(_("Choose held or no-show."), code="bad_outcome")
    if not rules.is_org_side(actor, meeting):
        raise NotAllowed(_("Only the organisation's reps and the organisers mark meetings."),
                         code="not_your_meeting")
    if meeting.status not in (MeetingStatus.ACCEPTED, *OUTCOMES):
        raise Conflict(_("Only confirmed meetings can be marked."), code="not_confirmed")
    if meeting.slot.starts_at > now:
        raise ValidationFailed(_("The meeting has not started yet."), code="too_early")
    if meeting.status == outcome:
        return meeting
    before = meeting.status
    meeting.status = outcome
    record(meeting, actor, outcome, before)
    db.session.flush()
    return meeting
