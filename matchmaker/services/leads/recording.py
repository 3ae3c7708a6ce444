"""Record a contact between a buyer and an organisation as a lead, from any source.

One lead per (event, organisation, buyer): a second contact adds a source to its history and
moves last_contact_at, never a second lead. The upsert is race-safe: the unique constraint
decides, and a losing insert is retried as an update inside a savepoint.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Event, Lot, Organisation, User
from matchmaker.models.base import utcnow
from matchmaker.models.leads import Lead, LeadLot, LeadSource, LeadSourceKind
from matchmaker.services import events

_SOURCE_KINDS = frozenset(kind.value for kind in LeadSourceKind)


def _find_lead(event_id: int, organisation_id: int, buyer_id: int) -> Lead | None:
    return db.session.scalar(
        db.select(Lead).where(
            Lead.event_id == event_id,
            Lead.organisation_id == organisation_id,
            Lead.buyer_id == buyer_id,
        )
    )


def find_lead(event_id: int, organisation_id: int, buyer_id: int) -> Lead | None:
    """The lead of buyer with organisation at event, if there is one."""
    return _find_lead(event_id, organisation_id, buyer_id)


def _get_or_create_lead(event: Event, organisation: Organisation, buyer: User,
                        at: datetime) -> Lead:
    lead = _find_lead(event.id, organisation.id, buyer.id)
    if lead is not None:
        return lead
    lead = Lead(event_id=event.id, organisation_id=organisation.id, buyer_id=buyer.id,
                first_contact_at=at, last_contact_at=at)
    try:
        with db.session.begin_nested():
            db.session.add(lead)
            db.session.flush()
        return lead
    except IntegrityError:
        # Another request (a second phone scanning the same badge) inserted it first.
        lead = _find_lead(event.id, organisation.id, buyer.id)
        if lead is None:
            raise
        return lead


def _source_by_key(client_key: str) -> LeadSource | None:
    return db.session.scalar(db.select(LeadSource).where(LeadSource.client_key == client_key))


def add_lot_of_interest(lead: Lead, lot: Lot) -> None:
    """Mark lot as of interest on lead (no-op if already there)."""
    exists = db.session.scalar(
        db.select(LeadLot).where(LeadLot.lead_id == lead.id, LeadLot.lot_id == lot.id)
    )
    if exists is not None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(LeadLot(lead_id=lead.id, lot_id=lot.id))
            db.session.flush()
    except IntegrityError:
        pass  # added concurrently: the outcome is the same
    db.session.expire(lead, ["lots"])


def record_lead(buyer: User, organisation: Organisation, kind: str, *,
                event: Event | None = None, lot: Lot | None = None,
                by_user: User | None = None, at: datetime | None = None,
                client_key: str | None = None) -> Lead | None:
    """Create or refresh the lead of buyer with organisation for one contact of `kind`.

    event defaults to the event the organisation exhibits at (running, else next, else
    latest); without any event there is no lead and None is returned. client_key makes the
    call idempotent: a second call with the same key returns the same lead unchanged.

    Raises:
        ValidationFailed: ``unknown_source``, ``not_a_buyer``, ``foreign_lot``.
    """
    if kind not in _SOURCE_KINDS:
        raise ValidationFailed(_("Unknown lead source."), code="unknown_source")
    if not buyer.is_buyer:
        raise ValidationFailed(_("Only buyers become leads."), code="not_a_buyer")
    if lot is not None and lot.organisation_id != organisation.id:
        raise ValidationFailed(_("This lot belongs to another organisation."), code="foreign_lot")
    if client_key:
        already = _source_by_key(client_key)
        if already is not None:
            return already.lead
    event = event or events.current(organisation_id=organisation.id)
    if event is None:
        return None
    at = at or utcnow()
    lead = _get_or_create_lead(event, organisation, buyer, at)
    source = LeadSource(lead_id=lead.id, kind=kind, at=at, lot_id=lot.id if lot else None,
                        by_user_id=by_user.id if by_user else None, client_key=client_key or None)
    try:
        with db.session.begin_nested():
            db.session.add(source)
            db.session.flush()
    except IntegrityError:
        # The same client_key arrived twice at once (a re-sent offline scan).
        already = _source_by_key(client_key) if client_key else None
        if already is None:
            raise
        return already.lead
    # Contacts can arrive out of order (offline scans sent later), so widen, never overwrite.
    lead.first_contact_at = min(lead.first_contact_at, at)
    lead.last_contact_at = max(lead.last_contact_at, at)
    if lot is not None:
        add_lot_of_interest(lead, lot)
    db.session.flush()
    db.session.expire(lead, ["sources"])
    return lead


def lead_from_interest(interest) -> Lead | None:
    """Hook for services.interest: a LotInterest ("interested" or sample request) as a lead."""
    kind = (LeadSourceKind.SAMPLE_REQUEST if interest.kind == "sample_request"
            else LeadSourceKind.INTEREST)
    lot = interest.lot
    return record_lead(interest.buyer, lot.organisation, kind, lot=lot, at=interest.created_at)


def lead_from_meeting(meeting) -> Lead | None:
    """Hook for services.meetings.booking: a meeting request as a lead, with its lots."""
    event = db.session.get(Event, meeting.event_id)
    buyer = db.session.get(User, meeting.buyer_id)
    organisation = db.session.get(Organisation, meeting.organisation_id)
    lead = record_lead(buyer, organisation, LeadSourceKind.MEETING_REQUEST, event=event,
                       by_user=None)
    for lot in getattr(meeting, "lots", []) or []:
        if lot.organisation_id == organisation.id:
            add_lot_of_interest(lead, lot)
    return lead
