"""How the roundtable scheduler writes its timetable into the same meetings as bookings.

Read `existing_commitments` to build the scheduler's Problem: every active meeting already
holds a (slot, buyer) and a (slot, organisation seat) and is passed as pinned; then call
`place_scheduled` per assignment. A roundtable meeting is born accepted, `source='roundtable'`;
organisers may pin it (`is_pinned=True`) so a re-run keeps it where it is, while unpinned
roundtable meetings are removed by `clear_unpinned` before a re-run.
"""

from __future__ import annotations

from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Event, Meeting, MeetingTable, Organisation, Slot, User
from matchmaker.models.meetings import ACTIVE_STATUSES, MeetingSource, MeetingStatus
from matchmaker.services.meetings.booking import new_meeting, record
from matchmaker.services.meetings.notify import notify_other_side


def existing_commitments(event: Event) -> list[Meeting]:
    """Active meetings of the event; the scheduler must treat them as pinned."""
    return list(db.session.scalars(
        db.select(Meeting).where(Meeting.event_id == event.id,
                                 Meeting.status.in_(ACTIVE_STATUSES))
    ))


def clear_unpinned(event: Event, actor: User | None = None) -> int:
    """Cancel the unpinned roundtable meetings of an event before scheduling it again."""
    meetings = db.session.scalars(
        db.select(Meeting).where(
            Meeting.event_id == event.id, Meeting.source == MeetingSource.ROUNDTABLE,
            Meeting.is_pinned.is_(False), Meeting.status == MeetingStatus.ACCEPTED,
        )
    ).all()
    for meeting in meetings:
        meeting.status = MeetingStatus.CANCELLED
        record(meeting, actor, "rescheduled", MeetingStatus.ACCEPTED,
               _("Removed by a new roundtable schedule."))
    db.session.flush()
    return len(meetings)


def place_scheduled(slot: Slot, buyer: User, organisation: Organisation, *,
                    table: MeetingTable | None = None, actor: User | None = None,
                    pinned: bool = False, notify: bool = False) -> Meeting:
    """Write one scheduled meeting (accepted, source roundtable) into `slot`.

    The same seat/table placement and unique indexes as bookings apply, so a schedule that
    clashes with a booking made meanwhile fails with Conflict ``slot_taken``/``buyer_busy``.
    """
    meeting = new_meeting(
        slot, buyer, organisation, status=MeetingStatus.ACCEPTED,
        source=MeetingSource.ROUNDTABLE, actor=actor, table=table, is_pinned=pinned,
        check_unavailability=False,
    )
    record(meeting, actor, "scheduled", None)
    if notify:
        notify_other_side(meeting, "scheduled", actor)
    return meeting
