"""Check-in at the entrance: an organiser scans or types a buyer's badge code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import CheckIn, Event, User
from matchmaker.models.base import utcnow
from matchmaker.models.qr import QrKind
from matchmaker.services import qr_codes
from matchmaker.services.dashboard import check_in

# A door phone may queue scans while the Wi-Fi is down; their own time is kept within these.
OFFLINE_SCAN_MAX_AGE = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=10)


@dataclass
class BadgeCheckIn:
    """The check-in a badge produced, and whether it was already there before this scan."""

    check_in: CheckIn
    buyer: User
    already: bool


def check_in_badge(event: Event, scanned_text: str, by_user: User | None, *,
                   at: datetime | None = None) -> BadgeCheckIn:
    """Check in the buyer whose badge (a /q/ URL or bare token) was scanned at this event's
    entrance; scanning the same badge again returns the first check-in.

    Raises:
        ValidationFailed: ``token_unknown`` (404), ``not_a_badge``, ``wrong_event``,
            ``not_a_buyer``.
        Conflict: ``token_revoked`` (410).
    """
    token = qr_codes.resolve(qr_codes.token_from_scan(scanned_text))
    if token.kind != QrKind.BADGE:
        raise ValidationFailed(_("This is not a buyer badge."), code="not_a_badge")
    if token.event_id != event.id:
        raise ValidationFailed(_("This badge is for another event."), code="wrong_event")
    buyer = token.buyer
    existing = db.session.scalar(
        db.select(CheckIn).where(CheckIn.event_id == event.id, CheckIn.buyer_id == buyer.id))
    if existing is not None:
        return BadgeCheckIn(existing, buyer, already=True)
    row = check_in(event, buyer, by_user, at=at)
    return BadgeCheckIn(row, buyer, already=False)


def scanned_at(raw) -> datetime | None:
    """The time a queued scan was made, from its ISO text, if plausible; else None (now)."""
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    now = utcnow()
    value = value.astimezone(UTC)
    return value if now - OFFLINE_SCAN_MAX_AGE <= value <= now + CLOCK_SKEW else None
