"""Contact consent: does a buyer share e-mail and phone with an organisation?

A ContactConsent row (per organisation) overrides the profile default; without consent a
lead shows company and country only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from matchmaker.extensions import db
from matchmaker.models import BuyerProfile, Organisation, User
from matchmaker.models.base import utcnow
from matchmaker.models.leads import ContactConsent, Lead


def shares_contact(buyer: User, organisation: Organisation | int) -> bool:
    """True if buyer's e-mail and phone may be shown to organisation."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.id
    decision = db.session.scalar(
        db.select(ContactConsent.shares).where(
            ContactConsent.buyer_id == buyer.id,
            ContactConsent.organisation_id == organisation_id,
        )
    )
    if decision is not None:
        return decision
    profile = buyer.buyer_profile
    return bool(profile and profile.share_contact_default)


def consent_expression():
    """SQL for "consent holds" on a query joining Lead with ContactConsent and BuyerProfile."""
    return db.func.coalesce(ContactConsent.shares, BuyerProfile.share_contact_default, False)


def set_consent(buyer: User, organisation: Organisation, shares: bool, *,
                now: datetime | None = None) -> ContactConsent:
    """Record the buyer's decision for one organisation (insert or update, race-safe)."""
    now = now or utcnow()
    query = db.select(ContactConsent).where(
        ContactConsent.buyer_id == buyer.id, ContactConsent.organisation_id == organisation.id
    )
    row = db.session.scalar(query)
    if row is None:
        row = ContactConsent(buyer_id=buyer.id, organisation_id=organisation.id,
                             shares=shares, decided_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                db.session.flush()
            return row
        except IntegrityError:
            row = db.session.scalar(query)
    row.shares = shares
    row.decided_at = now
    db.session.flush()
    return row


def set_default(buyer: User, shares: bool) -> None:
    """Change the buyer's default for organisations without an explicit decision."""
    if buyer.buyer_profile is not None:
        buyer.buyer_profile.share_contact_default = shares
        db.session.flush()


@dataclass(frozen=True)
class Holder:
    """An organisation that has the buyer as a lead, and whether it sees their contact."""

    organisation: Organisation
    shares: bool
    explicit: bool
    lead_count: int


def contact_holders(buyer: User) -> list[Holder]:
    """Organisations holding a lead on buyer or an explicit decision, by name."""
    lead_counts = dict(
        db.session.execute(
            db.select(Lead.organisation_id, db.func.count())
            .where(Lead.buyer_id == buyer.id)
            .group_by(Lead.organisation_id)
        ).all()
    )
    decisions = {
        row.organisation_id: row.shares
        for row in db.session.scalars(
            db.select(ContactConsent).where(ContactConsent.buyer_id == buyer.id)
        )
    }
    ids = set(lead_counts) | set(decisions)
    if not ids:
        return []
    default = bool(buyer.buyer_profile and buyer.buyer_profile.share_contact_default)
    organisations = db.session.scalars(
        db.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
    )
    return [
        Holder(organisation=o, shares=decisions.get(o.id, default), explicit=o.id in decisions,
               lead_count=lead_counts.get(o.id, 0))
        for o in organisations
    ]


def shares_map(leads: list[Lead]) -> dict[int, bool]:
    """Consent per lead id for a page of leads, in two queries."""
    if not leads:
        return {}
    buyer_ids = {lead.buyer_id for lead in leads}
    decisions = {
        (row.buyer_id, row.organisation_id): row.shares
        for row in db.session.scalars(
            db.select(ContactConsent).where(ContactConsent.buyer_id.in_(buyer_ids))
        )
    }
    defaults = dict(db.session.execute(
        db.select(BuyerProfile.user_id, BuyerProfile.share_contact_default)
        .where(BuyerProfile.user_id.in_(buyer_ids))
    ).all())
    return {
        lead.id: decisions.get((lead.buyer_id, lead.organisation_id),
                               bool(defaults.get(lead.buyer_id, False)))
        for lead in leads
    }
