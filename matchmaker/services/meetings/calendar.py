"""Calendars: an .ics file per meeting and a personal feed at a secret, revocable URL."""

from __future__ import annotations

import secrets

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event as IcsEvent
from sqlalchemy.orm import selectinload

from matchmaker.extensions import db
from matchmaker.labels import table_title
from matchmaker.models import CalendarFeed, Meeting, Slot, User
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import ACTIVE_STATUSES, MeetingStatus
from matchmaker.printing.ics import calendar_bytes, meeting_event
from matchmaker.urls import external_url


def _uid(meeting: Meeting) -> str:
    return f"{meeting.ics_uid}@matchmaker"


def _describe(meeting: Meeting, viewer: User, locale: str) -> tuple[str, str, str]:
    """Summary, description and location, in `locale` (lot and offer names too)."""
    if viewer.id == meeting.buyer_id:
        counterpart = meeting.organisation.name
    else:
        profile = meeting.buyer.buyer_profile
        counterpart = f"{meeting.buyer.name} ({profile.company})" if profile else meeting.buyer.name
    summary = _("Meeting with %(who)s", who=counterpart)
    if meeting.status in (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED):
        summary = _("Pending: %(summary)s", summary=summary)
    lines = []
    if meeting.offer is not None:
        lines.append(_("About offer %(code)s: %(name)s", code=meeting.offer.offer_code,
                       name=meeting.offer.name(locale)))
    if meeting.lots:
        lines.append(_("Lots to discuss: %(lots)s",
                       lots=", ".join(f"{lot.lot_code} {lot.name(locale)}".strip()
                                      for lot in meeting.lots)))
    if meeting.message:
        lines.append(meeting.message)
    lines.append(external_url("meetings.detail", meeting_id=meeting.id))
    table = meeting.table
    where = [meeting.event.name]
    if meeting.event.venue:
        where.append(meeting.event.venue)
    if table is not None:
        where.append(table_title(table))
        if table.video_url:
            lines.append(_("Video link: %(url)s", url=table.video_url))
    return summary, "\n".join(lines), " · ".join(where)


def ics_event(meeting: Meeting, viewer: User, locale: str | None = None) -> IcsEvent:
    """The meeting as a VEVENT in the event's time zone, worded for `viewer` in `locale`
    (default: the viewer's own language, for the feed that calendar apps fetch)."""
    locale = locale or viewer.locale or "es"
    with force_locale(locale):
        summary, description, location = _describe(meeting, viewer, locale)
    vevent = meeting_event(
        _uid(meeting), meeting.slot.starts_at, meeting.slot.ends_at, meeting.event.timezone,
        summary, description, location,
        url=meeting.table.video_url if meeting.table and meeting.table.video_url else None,
        sequence=meeting.ics_sequence, stamp=meeting.updated_at or utcnow(),
    )
    if meeting.status in (MeetingStatus.ACCEPTED, MeetingStatus.HELD, MeetingStatus.NO_SHOW):
        vevent.add("status", "CONFIRMED")
    elif meeting.status in (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED):
        vevent.add("status", "TENTATIVE")
    else:
        vevent.add("status", "CANCELLED")
    return vevent


def meeting_ics(meeting: Meeting, viewer: User, locale: str | None = None) -> bytes:
    """One meeting as a complete .ics file (with its VTIMEZONE), in `locale` (the language
    of the page it was downloaded from)."""
    return calendar_bytes([ics_event(meeting, viewer, locale)], meeting.event.name)


# Feed ------------------------------------------------------------------------------------

def feed_meetings(user: User) -> list[Meeting]:
    """What the user's calendar feed shows: their active meetings (a rep: their organisation's)."""
    query = (
        db.select(Meeting).join(Slot, Meeting.slot_id == Slot.id)
        .where(Meeting.status.in_(ACTIVE_STATUSES))
        .options(selectinload(Meeting.lots), selectinload(Meeting.slot),
                 selectinload(Meeting.offer),
                 selectinload(Meeting.table), selectinload(Meeting.event))
        .order_by(Slot.starts_at)
    )
    if user.is_buyer:
        query = query.where(Meeting.buyer_id == user.id)
    elif user.is_approved_rep:
        query = query.where(Meeting.organisation_id == user.organisation_id)
    else:
        return []
    return list(db.session.scalars(query))


def feed_bytes(user: User) -> bytes:
    with force_locale(user.locale or "es"):
        name = _("matchmaker meetings of %(name)s", name=user.name)
    return calendar_bytes([ics_event(m, user) for m in feed_meetings(user)], name)


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def regenerate_feed(user: User) -> CalendarFeed:
    """Give the user a new secret feed URL; the old one stops working at once."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = utcnow()
    feed.last_used_at = None
    db.session.flush()
    return feed


def revoke_feed(user: User) -> None:
    feed = feed_of(user)
    if feed is not None:
        db.session.delete(feed)
        db.session.flush()


def user_for_token(token: str) -> User | None:
    """The active user whose feed this token opens, or None (also for a suspended rep)."""
    if not token or len(token) > 64:
        return None
    feed = db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.token == token))
    if feed is None or not secrets.compare_digest(feed.token, token):
        return None
    user = feed.user
    if not user.is_active or (user.is_rep and not user.is_approved):
        return None
    feed.last_used_at = utcnow()
    return feed.user
