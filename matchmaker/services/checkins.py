"""Check-in at the entrance: an organiser scans or types a buyer's badge code."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import CheckIn, Event, User
from matchmaker.models.qr import QrKind
from matchmaker.services import qr_codes
from matchmaker.services.dashboard import check_in


@dataclass
class BadgeCheckIn:
    """The check-in a badge produced, and whether it was already there before this scan."""

    check_in: CheckIn
    buyer: User
    already: bool


def check_in_badge(event: Event, scanned_text: str, by_user: User | None, *,
                   at: datetime | None = None) -> BadgeCheckIn:
    """Check in the buyer whose badge (a /q/ URL, bare token or printed code) was scanned or
    typed at this event's entrance; scanning the same badge again returns the first check-in.

    Raises:
        ValidationFailed: ``token_unknown`` (404), ``not_a_badge``, ``wrong_event``,
            ``not_a_buyer``.
        Conflict: ``token_revoked`` (410).
    """
    token = qr_codes.resolve_scanned(scanned_text)
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


