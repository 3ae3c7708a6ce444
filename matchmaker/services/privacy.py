"""Data care: archive an event, and delete a buyer's personal data on request.

Deletion keeps the anonymous counts the fair reports on (the lead rows with their sources and
ratings, meetings, the buyer's country and business type) but removes every way back to the
person: name, e-mail, phone, company, website, consents, calendar and badge tokens, the
e-mails and notices sent to them, the notes reps wrote about them, and any copy of their name,
e-mail, phone or company in any text column of any table.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import String, Text, func

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import (
    Base,
    BuyerProfile,
    CalendarFeed,
    ContactConsent,
    Event,
    Lead,
    LotInterest,
    Meeting,
    MeetingEvent,
    Notice,
    NotificationPreference,
    OutboxMessage,
    PrintJob,
    QrToken,
    Unavailability,
    User,
)

# Shorter strings would match unrelated words ("Ana" in "Anacardo").
MIN_NEEDLE = 4
REDACTED = "[…]"


def archive_event(event: Event, *, archived: bool = True) -> Event:
    """Hide an event from the home page and catalogue filters (organisers still read it)."""
    event.is_archived = archived
    db.session.flush()
    return event


def _needles(buyer: User, profile: BuyerProfile | None) -> list[str]:
    candidates = [buyer.email, buyer.name, buyer.phone]
    if profile is not None:
        candidates += [profile.company, profile.website]
    unique = {c.strip() for c in candidates if c and len(c.strip()) >= MIN_NEEDLE}
    # Longest first, so "Anna Weber" is replaced before a shorter "Anna" could split it.
    return sorted(unique, key=len, reverse=True)


def _scrub_text_columns(needles: list[str]) -> int:
    """Replace every copy of the needles in every string column of every table; returns rows."""
    changed = 0
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text) or column.primary_key:
                continue
            for needle in needles:
                result = db.session.execute(
                    table.update()
                    .where(column.contains(needle, autoescape=True))
                    .values({column.name: func.replace(column, needle, REDACTED)})
                )
                changed += result.rowcount or 0
    return changed


def delete_buyer_personal_data(buyer: User) -> None:
    """Erase a buyer's personal data, keeping anonymous counts.

    Raises:
        ValidationFailed: ``not_a_buyer``.
    """
    if not buyer.is_buyer:
        raise ValidationFailed(_("Only a buyer's data is deleted this way."), code="not_a_buyer")
    profile = buyer.buyer_profile
    needles = _needles(buyer, profile)
    db.session.flush()

    for model, column in ((ContactConsent, ContactConsent.buyer_id),
                          (CalendarFeed, CalendarFeed.user_id),
                          (Notice, Notice.user_id),
                          (NotificationPreference, NotificationPreference.user_id),
                          (OutboxMessage, OutboxMessage.recipient_user_id)):
        db.session.execute(db.delete(model).where(column == buyer.id))
    db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.recipient == buyer.email))
    badge_events = db.select(QrToken.event_id).where(QrToken.kind == "badge",
                                                     QrToken.buyer_id == buyer.id)
    # Whole-event badge PDFs print every buyer's name; they are regenerated on demand.
    db.session.execute(db.delete(PrintJob).where(PrintJob.kind == "badges",
                                                 PrintJob.event_id.in_(badge_events)))
    db.session.execute(db.delete(QrToken).where(QrToken.kind == "badge",
                                                QrToken.buyer_id == buyer.id))
    # Free text the buyer wrote, or reps wrote about them.
    db.session.execute(db.update(Lead).where(Lead.buyer_id == buyer.id)
                       .values(notes="", tags="", follow_up_action=""))
    db.session.execute(db.update(Meeting).where(Meeting.buyer_id == buyer.id)
                       .values(message="", decline_reason=""))
    db.session.execute(db.update(MeetingEvent).where(MeetingEvent.meeting_id.in_(
        db.select(Meeting.id).where(Meeting.buyer_id == buyer.id))).values(note=""))
    db.session.execute(db.update(LotInterest).where(LotInterest.buyer_id == buyer.id)
                       .values(message=""))
    db.session.execute(db.update(Unavailability).where(Unavailability.user_id == buyer.id)
                       .values(note=""))
    # Sent e-mails to others carry the name in calendar attachments too.
    for needle in needles:
        db.session.execute(db.update(OutboxMessage)
                           .where(OutboxMessage.body_text.contains(needle, autoescape=True)
                                  | OutboxMessage.subject.contains(needle, autoescape=True))
                           .values(attachment=None, attachment_name=None, attachment_type=None))
    _scrub_text_columns(needles)
    db.session.expire_all()

    buyer = db.session.get(User, buyer.id)
    buyer.email = f"deleted-{secrets.token_hex(8)}@deleted.invalid"
    buyer.name = f"deleted-{buyer.id}"  # stored data, not translated
    buyer.phone = ""
    buyer.set_password(secrets.token_urlsafe(32))  # known to nobody
    buyer.is_active = False
    buyer.end_sessions()
    buyer.last_login_at = None
    if buyer.buyer_profile is not None:
        # Country and business type stay: they are the anonymous counts of the report.
        profile = buyer.buyer_profile
        profile.company = ""
        profile.website = ""
        profile.certifications_needed = ""
        profile.languages = ""
        profile.volume_min_mt = None
        profile.volume_max_mt = None
        profile.share_contact_default = False
    db.session.flush()
