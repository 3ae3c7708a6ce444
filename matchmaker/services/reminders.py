"""Reminders before accepted meetings and warnings before unanswered requests expire.

Run by `flask send-reminders` every few minutes. Each message carries a dedupe key (meeting,
recipient, slot or expiry time), so running the command twice sends nothing twice, and a
meeting moved to another time gets a fresh reminder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Meeting, Slot, User
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import MeetingStatus
from matchmaker.models.notifications import NoticeKind
from matchmaker.services.meetings.localtime import slot_label
from matchmaker.services.meetings.notify import meeting_url, reps_of
from matchmaker.services.notifications import notify, recipient_locale


@dataclass
class ReminderRun:
    reminders: int = 0
    expiry_warnings: int = 0


def _counterpart(meeting: Meeting, recipient: User) -> str:
    if recipient.id == meeting.buyer_id:
        return meeting.organisation.name
    profile = meeting.buyer.buyer_profile
    return f"{meeting.buyer.name} ({profile.company})" if profile and profile.company else meeting.buyer.name


def send_reminders(*, now: datetime | None = None, minutes: int = 60,
                   expiry_warning_hours: int = 3) -> ReminderRun:
    """Remind both sides of accepted meetings starting within `minutes`, and warn whoever must
    answer a request or proposal expiring within `expiry_warning_hours`."""
    from matchmaker.services.meetings.calendar import meeting_ics

    now = now or utcnow()
    run = ReminderRun()
    upcoming = db.session.scalars(
        db.select(Meeting).join(Slot, Slot.id == Meeting.slot_id)
        .where(Meeting.status == MeetingStatus.ACCEPTED, Slot.starts_at > now,
               Slot.starts_at <= now + timedelta(minutes=minutes))
        .order_by(Slot.starts_at, Meeting.id)
    ).all()
    for meeting in upcoming:
        for recipient in [meeting.buyer, *reps_of(meeting)]:
            with recipient_locale(recipient):
                when = slot_label(meeting.slot.starts_at, meeting.slot.ends_at, meeting.event,
                                  recipient.locale or "es")
                table = meeting.table.display_name if meeting.table else "—"
                who = _counterpart(meeting, recipient)
                subject = _("Reminder: meeting with %(who)s at %(when)s", who=who, when=when)
                body = "\n".join([
                    _("Your meeting with %(who)s at %(event)s starts soon.", who=who,
                      event=meeting.event.name), "",
                    _("When: %(when)s", when=when), _("Table: %(table)s", table=table),
                ])
                attachment = (f"meeting-{meeting.id}.ics", "text/calendar",
                              meeting_ics(meeting, recipient))
            key = f"reminder:{meeting.id}:{recipient.id}:{meeting.slot.starts_at:%Y%m%dT%H%M}"
            if notify(recipient, NoticeKind.MEETING_REMINDER, subject, body,
                      attachment=attachment, link=meeting_url(meeting), dedupe_key=key):
                run.reminders += 1

    expiring = db.session.scalars(
        db.select(Meeting)
        .where(Meeting.status.in_((MeetingStatus.REQUESTED, MeetingStatus.PROPOSED)),
               Meeting.expires_at > now,
               Meeting.expires_at <= now + timedelta(hours=expiry_warning_hours))
        .order_by(Meeting.expires_at, Meeting.id)
    ).all()
    for meeting in expiring:
        # A request waits for the reps, a proposal for the buyer.
        recipients = reps_of(meeting) if meeting.status == MeetingStatus.REQUESTED else [meeting.buyer]
        for recipient in recipients:
            with recipient_locale(recipient):
                who = _counterpart(meeting, recipient)
                subject = _("Please answer %(who)s: the meeting request expires soon", who=who)
                body = _("The meeting request with %(who)s at %(event)s expires if nobody "
                         "answers it soon; the time is then freed.", who=who,
                         event=meeting.event.name)
            key = f"expiring:{meeting.id}:{recipient.id}:{meeting.status}:{meeting.expires_at:%Y%m%dT%H%M}"
            if notify(recipient, NoticeKind.MEETING_EXPIRING, subject, body,
                      link=meeting_url(meeting), dedupe_key=key):
                run.expiry_warnings += 1
    return run
