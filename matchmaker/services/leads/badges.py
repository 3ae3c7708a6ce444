"""Badge scanning by reps at their booth: a buyer's badge token becomes (or refreshes) a lead."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from matchmaker.errors import NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Exhibitor, User
from matchmaker.models.leads import Lead, LeadSourceKind
from matchmaker.models.qr import QrKind
from matchmaker.services import qr_codes
from matchmaker.services.leads.recording import record_lead
from matchmaker.services.notifications import notify_badge_scan

MAX_CLIENT_KEY = 64


def scan_badge(rep: User, scanned_text: str, *, client_key: str | None = None,
               at: datetime | None = None) -> Lead:
    """Record a rep's scan of a buyer badge (a /q/ URL, bare token or printed code) as a lead
    of the rep's organisation at the badge's event. Re-scans and re-sent scans update the same lead.

    Raises:
        NotAllowed: ``not_a_rep``, ``not_exhibiting``.
        ValidationFailed: ``token_unknown``, ``not_a_badge``, ``bad_client_key``.
        Conflict: ``token_revoked``.
    """
    if not rep.is_approved_rep:
        raise NotAllowed(_("Only approved association reps scan badges."), code="not_a_rep")
    if client_key is not None and not (0 < len(client_key) <= MAX_CLIENT_KEY):
        raise ValidationFailed(_("Invalid scan identifier."), code="bad_client_key")
    token = qr_codes.resolve_scanned(scanned_text)
    if token.kind != QrKind.BADGE:
        raise ValidationFailed(_("This is not a buyer badge."), code="not_a_badge")
    exhibits = db.session.scalar(
        db.select(Exhibitor.id).where(
            Exhibitor.event_id == token.event_id, Exhibitor.organisation_id == rep.organisation_id
        )
    )
    if exhibits is None:
        raise NotAllowed(_("Your organisation does not exhibit at this badge's event."),
                         code="not_exhibiting")
    lead = record_lead(token.buyer, rep.organisation, LeadSourceKind.BADGE_SCAN,
                       event=token.event, by_user=rep, at=at, client_key=client_key)
    notify_badge_scan(lead)
    return lead
