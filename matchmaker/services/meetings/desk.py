"""A rep's desk: what needs them now (requests to answer, today's meetings, the next ones)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from matchmaker.models import Meeting, User
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import MeetingStatus
from matchmaker.services.meetings.agenda import CONFIRMED, meetings_of
from matchmaker.services.meetings.localtime import local

UPCOMING = 5


@dataclass
class RepDesk:
    to_answer: list[Meeting] = field(default_factory=list)  # requests waiting for the reps
    today: list[Meeting] = field(default_factory=list)  # confirmed, on today's date there
    upcoming: list[Meeting] = field(default_factory=list)  # the next confirmed ones after today

    @property
    def meetings(self) -> list[Meeting]:
        return self.to_answer + self.today + self.upcoming


def rep_desk(user: User, *, now: datetime | None = None) -> RepDesk:
    """The rep's organisation's requests to answer and its confirmed meetings of today (in
    each event's time zone), then the next few; reads only."""
    now = now or utcnow()
    desk = RepDesk()
    for meeting in meetings_of(user, statuses=(MeetingStatus.REQUESTED, *CONFIRMED)):
        event = meeting.event
        if meeting.status_at(now) == MeetingStatus.REQUESTED:
            if meeting.slot.ends_at > now:
                desk.to_answer.append(meeting)
        elif local(meeting.slot.starts_at, event).date() == local(now, event).date():
            desk.today.append(meeting)
        elif meeting.slot.starts_at > now and len(desk.upcoming) < UPCOMING:
            desk.upcoming.append(meeting)
    return desk
