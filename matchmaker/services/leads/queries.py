"""Who sees which leads, and the filtered lead query shared by the list and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _

from matchmaker.errors import NotAllowed
from matchmaker.extensions import db
from matchmaker.models import BuyerProfile, User
from matchmaker.models.leads import Lead, LeadSource


def can_see_leads(user: User) -> bool:
    """Approved reps (their organisation's leads) and organisers (every event's leads)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_organiser or user.is_approved_rep


def can_see_lead(user: User, lead: Lead) -> bool:
    if not can_see_leads(user):
        return False
    return user.is_organiser or user.represents(lead.organisation_id)


@dataclass(frozen=True)
class LeadFilter:
    """Filters of the lead list and exports; None means "any"."""

    event_id: int | None = None
    organisation_id: int | None = None
    source: str | None = None
    rating: str | None = None
    country: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def scoped(user: User, query):
    """Restrict a query over Lead to what user may see.

    Raises:
        NotAllowed: ``leads_forbidden`` for buyers, visitors and unapproved reps.
    """
    if not can_see_leads(user):
        raise NotAllowed(_("Only the organisation's reps and the organisers see leads."),
                         code="leads_forbidden")
    if user.is_organiser:
        return query
    return query.where(Lead.organisation_id == user.organisation_id)


def apply_filter(query, lead_filter: LeadFilter):
    """Add the filter's conditions to a query over Lead (joined with BuyerProfile for country)."""
    f = lead_filter
    if f.event_id:
        query = query.where(Lead.event_id == f.event_id)
    if f.organisation_id:
        query = query.where(Lead.organisation_id == f.organisation_id)
    if f.rating:
        query = (query.where(Lead.rating.is_(None)) if f.rating == "none"
                 else query.where(Lead.rating == f.rating))
    if f.country:
        query = query.where(
            Lead.buyer_id.in_(db.select(BuyerProfile.user_id).where(BuyerProfile.country == f.country))
        )
    if f.source:
        query = query.where(
            Lead.id.in_(db.select(LeadSource.lead_id).where(LeadSource.kind == f.source))
        )
    # Dates are whole days in UTC; a lead matches when its contacts overlap the range.
    if f.date_from:
        query = query.where(Lead.last_contact_at >= datetime.combine(f.date_from, time(), UTC))
    if f.date_to and f.date_to < date.max:  # 9999-12-31 means "no end"; +1 day would overflow
        end = datetime.combine(f.date_to + timedelta(days=1), time(), UTC)
        query = query.where(Lead.first_contact_at < end)
    return query


def lead_list_query(user: User, lead_filter: LeadFilter):
    """select(Lead) that user may see, filtered, latest contact first.

    Raises:
        NotAllowed: ``leads_forbidden``.
    """
    query = scoped(user, db.select(Lead))
    return apply_filter(query, lead_filter).order_by(Lead.last_contact_at.desc(), Lead.id.desc())
