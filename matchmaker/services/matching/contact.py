"""Contact the way people here do: WhatsApp links with a translated message naming the lot,
both ways, only where both sides agreed to share their contact details."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.models import Lead, Lot, Organisation, User
from matchmaker.phones import readable, whatsapp_link
from matchmaker.services.leads.consent import shares_contact


def whatsapp_for_lead(lead, rep) -> str | None:
    """A WhatsApp link from the signed-in rep to a lead's buyer, with a message naming the lot
    in the buyer's language; None without a valid number. Call it only where the buyer shares
    contact details with the organisation (the rep opening the chat is the rep's agreement)."""
    buyer = lead.buyer
    lots = list(lead.lots) or [s.lot for s in reversed(lead.sources) if s.lot is not None]
    with force_locale(buyer.locale or "es"):
        if lots:
            message = _("Hello %(buyer)s, this is %(rep)s of %(org)s (matchmaker). I am writing "
                        "about our lot %(lot)s, %(name)s.", buyer=buyer.name,
                        rep=rep.name, org=lead.organisation.name,
                        lot=lots[0].lot_code, name=lots[0].name(buyer.locale or "es"))
        else:
            message = _("Hello %(buyer)s, this is %(rep)s of %(org)s (matchmaker), following up "
                        "on %(event)s.", buyer=buyer.name, rep=rep.name,
                        org=lead.organisation.name, event=lead.event.name)
    return whatsapp_link(buyer.phone, message)


def whatsapp_for_rep(rep: User, buyer: User, lot: Lot | None = None) -> str | None:
    """A WhatsApp link from a buyer to a rep, with a message in the rep's language naming the
    lot (or the organisation without one); None without a valid number."""
    profile = buyer.buyer_profile
    company = profile.company if profile and profile.company else buyer.name
    locale = rep.locale or "es"
    with force_locale(locale):
        if lot is not None:
            message = _("Hello %(rep)s, this is %(buyer)s of %(company)s (matchmaker). I am "
                        "writing about your lot %(lot)s, %(name)s.", rep=rep.name,
                        buyer=buyer.name, company=company, lot=lot.lot_code,
                        name=lot.name(locale))
        else:
            message = _("Hello %(rep)s, this is %(buyer)s of %(company)s (matchmaker). I am "
                        "writing about the lots of %(org)s.", rep=rep.name, buyer=buyer.name,
                        company=company, org=rep.organisation.name if rep.organisation else "")
    return whatsapp_link(rep.phone, message) if rep.phone else None


@dataclass(frozen=True)
class RepContact:
    """A rep's details as a buyer may see them."""

    rep: User
    phone: str  # as people read it ("+51 982 000 111"), "" without one
    whatsapp: str | None


def rep_contacts(buyer: User, organisation: Organisation, lot: Lot | None = None,
                 ) -> list[RepContact]:
    """The organisation's reps whose e-mail, phone and WhatsApp link `buyer` may see: only
    where both agreed, the buyer sharing their details with the organisation and the rep
    choosing to show theirs to such buyers (profile page). Empty otherwise."""
    if not buyer.is_buyer or not shares_contact(buyer, organisation):
        return []
    reps = db.session.scalars(db.select(User).where(
        User.organisation_id == organisation.id, User.role == "rep", User.is_active.is_(True),
        User.is_approved.is_(True), User.shares_contact_with_buyers.is_(True),
    ).order_by(User.name, User.id))
    return [RepContact(rep, readable(rep.phone) if rep.phone else "",
                       whatsapp_for_rep(rep, buyer, lot)) for rep in reps]


def lead_lot(buyer: User, organisation: Organisation) -> Lot | None:
    """The lot the buyer's latest contact with the organisation was about, if any."""
    lead = db.session.scalar(db.select(Lead).where(
        Lead.buyer_id == buyer.id, Lead.organisation_id == organisation.id,
    ).order_by(Lead.last_contact_at.desc(), Lead.id.desc()).limit(1))
    if lead is None:
        return None
    lots = list(lead.lots) or [s.lot for s in reversed(lead.sources) if s.lot is not None]
    return lots[0] if lots else None
