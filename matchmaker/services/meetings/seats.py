"""Which rep sits at which meeting: an organisation with two attending reps holds two meetings
in one slot, and its reps split them between them.

A meeting's rep is the one the reps chose (`Meeting.rep_id`), else the seat's default: the
organisation's attending reps (or, when none is registered, its reps) in name order, skipping
the reps already chosen for another meeting of that slot. The database keeps a chosen rep in
one active meeting per slot.
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Meeting, RepAttendance, User
from matchmaker.models.meetings import ACTIVE_STATUSES


def organisation_reps(event_id: int, organisation_id: int) -> list[User]:
    """The reps who may sit at the organisation's meetings: those attending, else all its reps."""
    attending = list(db.session.scalars(
        db.select(User).join(RepAttendance, RepAttendance.user_id == User.id)
        .where(RepAttendance.event_id == event_id,
               RepAttendance.organisation_id == organisation_id)
        .order_by(User.name, User.id)))
    if attending:
        return attending
    return list(db.session.scalars(
        db.select(User).where(User.organisation_id == organisation_id, User.role == "rep",
                              User.is_approved.is_(True), User.is_active.is_(True))
        .order_by(User.name, User.id)))


def _slot_mates(meeting: Meeting) -> list[Meeting]:
    return list(db.session.scalars(db.select(Meeting).where(
        Meeting.slot_id == meeting.slot_id, Meeting.organisation_id == meeting.organisation_id,
        Meeting.status.in_(ACTIVE_STATUSES)).order_by(Meeting.org_seat, Meeting.id)))


def covering_reps(meetings: list[Meeting]) -> dict[int, User | None]:
    """meeting id → the rep who sits at it (None when the organisation has no rep to name)."""
    groups: dict[tuple[int, int, int], list[Meeting]] = defaultdict(list)
    for meeting in meetings:
        groups[meeting.event_id, meeting.slot_id, meeting.organisation_id].append(meeting)
    reps_cache: dict[tuple[int, int], list[User]] = {}
    covering: dict[int, User | None] = {}
    for (event_id, _slot_id, organisation_id), shown in groups.items():
        reps = reps_cache.setdefault((event_id, organisation_id),
                                     organisation_reps(event_id, organisation_id))
        mates = _slot_mates(shown[0]) if len(reps) > 1 else shown
        mates += [m for m in shown if m not in mates]
        chosen = {m.rep_id for m in mates if m.rep_id is not None}
        free = [r for r in reps if r.id not in chosen]
        for meeting in sorted(mates, key=lambda m: (m.org_seat, m.id)):
            if meeting.rep_id is not None:
                covering[meeting.id] = meeting.rep
            else:
                covering[meeting.id] = free.pop(0) if free else (reps[0] if reps else None)
    return {m.id: covering.get(m.id) for m in meetings}


def assign_rep(meeting: Meeting, rep: User) -> None:
    """Put `rep` at `meeting`; the meeting `rep` covered at that time gets this one's rep.

    Raises:
        ValidationFailed: ``not_a_rep`` when `rep` is not one of the organisation's reps.
        Conflict: ``meeting_closed`` for a meeting that no longer holds its slot.
    """
    if rep.id not in {r.id for r in organisation_reps(meeting.event_id,
                                                      meeting.organisation_id)}:
        raise ValidationFailed(_("Choose one of your organisation's reps at this event."),
                               code="not_a_rep", field="rep_id")
    if meeting.status not in ACTIVE_STATUSES:
        raise Conflict(_("This meeting no longer takes place."), code="meeting_closed")
    covering = covering_reps(_slot_mates(meeting))
    previous = covering.get(meeting.id)
    # Free the unique (slot, rep) pair first, then swap: PostgreSQL checks each UPDATE.
    meeting.rep_id = None
    db.session.flush()
    for mate_id, mate_rep in covering.items():
        if mate_id != meeting.id and mate_rep is not None and mate_rep.id == rep.id:
            mate = db.session.get(Meeting, mate_id)
            mate.rep_id = previous.id if previous is not None and previous.id != rep.id else None
            db.session.flush()
    meeting.rep_id = rep.id
    db.session.flush()


def seats_of_rep_view(user: User, event_id: int, meetings: list[Meeting]) -> dict[int, User | None]:
    """For a rep's agenda, e-mail or sheet: who sits at each meeting, when the organisation
    has more than one rep to split them (empty otherwise: there is nothing to tell)."""
    if not user.is_rep or not user.organisation_id or not meetings:
        return {}
    if len(organisation_reps(event_id, user.organisation_id)) < 2:
        return {}
    return covering_reps(meetings)
