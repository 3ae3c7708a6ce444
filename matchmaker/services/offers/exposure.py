"""What a lot's withdrawal does to the offers holding it, and what buyers then see.

A lot withdrawn from the catalogue suspends every published offer holding it. Before that,
its owner is warned (`offers_holding`); after, the cooperative and the buyers who asked
about those offers are told, and the offer's public address keeps answering with a
"temporarily unavailable" page naming the reason and a few alternatives (`unavailability`),
never with "page not found": the address is printed on sheets and in QR codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from matchmaker.extensions import db
from matchmaker.models import Lot, User
from matchmaker.models.interest import LotInterest
from matchmaker.models.leads import Lead, LeadSource, LeadSourceKind
from matchmaker.models.meetings import Meeting
from matchmaker.models.offers import (
    ConsolidatedOffer,
    LineApproval,
    OfferLot,
    OfferRequest,
    OfferRequestKind,
    OfferStatus,
)
from matchmaker.models.qr import QrToken, Scan

OPEN = (OfferStatus.DRAFT, OfferStatus.PUBLISHED, OfferStatus.SUSPENDED)
ALTERNATIVES = 3
MEETING_STILL_ON = ("requested", "proposed", "accepted", "held")


def offers_holding(lot: Lot) -> list[ConsolidatedOffer]:
    """Offers still open that count on `lot` (approved or asked-for lines), published first."""
    rank = {OfferStatus.PUBLISHED: 0, OfferStatus.SUSPENDED: 1, OfferStatus.DRAFT: 2}
    offers = db.session.scalars(
        db.select(ConsolidatedOffer).join(OfferLot, OfferLot.offer_id == ConsolidatedOffer.id)
        .where(OfferLot.lot_id == lot.id, OfferLot.approval != LineApproval.DECLINED,
               ConsolidatedOffer.status.in_(OPEN))
        .options(joinedload(ConsolidatedOffer.cooperative))
    ).unique().all()
    return sorted(offers, key=lambda o: (rank[o.status], o.offer_code))


def _users_in_order(ids_in_order) -> list[User]:
    """Users by id, once each, in the order first given."""
    unique = list(dict.fromkeys(ids_in_order))
    found = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(unique)))}
    return [found[i] for i in unique if i in found and found[i].is_active]


def buyers_who_asked(offer: ConsolidatedOffer) -> list[User]:
    """Buyers who asked about the offer, once each, earliest first: they requested a sample
    of it, a meeting about it (not declined or cancelled), or left their contact details
    with its cooperative after scanning the offer's code."""
    asked: list[tuple] = list(db.session.execute(
        db.select(OfferRequest.created_at, OfferRequest.buyer_id)
        .where(OfferRequest.offer_id == offer.id)))
    asked += db.session.execute(
        db.select(Meeting.created_at, Meeting.buyer_id)
        .where(Meeting.offer_id == offer.id, Meeting.status.in_(MEETING_STILL_ON))).all()
    scanned = (db.select(Scan.user_id).join(QrToken, QrToken.id == Scan.token_id)
               .where(QrToken.offer_id == offer.id, Scan.user_id.is_not(None)))
    asked += db.session.execute(
        db.select(LeadSource.at, Lead.buyer_id).join(Lead, Lead.id == LeadSource.lead_id)
        .where(Lead.organisation_id == offer.cooperative_id,
               LeadSource.kind == LeadSourceKind.OFFER_SCAN, Lead.buyer_id.in_(scanned))).all()
    return _users_in_order(buyer_id for _at, buyer_id in sorted(asked, key=_moment))


def buyers_who_asked_about_lot(lot: Lot) -> list[User]:
    """Buyers who asked about the lot itself: interest or a sample request on it, or a
    request to the cooperative or associations about a suggested set of lots naming it."""
    asked: list[tuple] = list(db.session.execute(
        db.select(LotInterest.created_at, LotInterest.buyer_id)
        .where(LotInterest.lot_id == lot.id)))
    for request in db.session.scalars(
            db.select(OfferRequest).where(OfferRequest.kind == OfferRequestKind.CONSOLIDATION,
                                          OfferRequest.lots_summary.contains(lot.lot_code))):
        codes = {pair.split(":", 1)[0] for pair in request.lots_summary.split(",")}
        if lot.lot_code in codes:
            asked.append((request.created_at, request.buyer_id))
    return _users_in_order(buyer_id for _at, buyer_id in sorted(asked, key=_moment))


def _moment(row: tuple):
    at = row[0]
    return (at.replace(tzinfo=None) if at is not None and at.tzinfo else at) or datetime.min


def withdrawn_lot_code(offer: ConsolidatedOffer) -> str | None:
    """The lot whose withdrawal suspended the offer, if that is why it is suspended."""
    reason = offer.suspended_reason or ""
    return reason.split(":", 1)[1] if reason.startswith("lot_withdrawn:") else None


@dataclass(frozen=True)
class Unavailability:
    """Why a once-public page is not shown now, and where a buyer can go instead."""

    title: str
    reason: str
    is_temporary: bool
    alternatives: list[ConsolidatedOffer] = field(default_factory=list)
    lot_alternatives: list[Lot] = field(default_factory=list)

    @property
    def status(self) -> int:
        # 200 for a pause (the address will work again), 410 for an offer ended for good.
        return 200 if self.is_temporary else 410


_TEMPORARY = _l("This offer is temporarily unavailable")


def _other_offers(offer_id: int | None) -> list[ConsolidatedOffer]:
    query = (db.select(ConsolidatedOffer)
             .where(ConsolidatedOffer.status == OfferStatus.PUBLISHED)
             .order_by(ConsolidatedOffer.published_at.desc(), ConsolidatedOffer.id.desc())
             .limit(ALTERNATIVES))
    if offer_id is not None:
        query = query.where(ConsolidatedOffer.id != offer_id)
    return list(db.session.scalars(query))


def offer_unavailability(offer: ConsolidatedOffer) -> Unavailability | None:
    """The page to show a buyer instead of the offer; None when the offer never was public
    (a draft: nobody outside the cooperative has its address) or is public now."""
    if offer.is_public:
        return None
    lot_code = withdrawn_lot_code(offer)
    if offer.status == OfferStatus.WITHDRAWN:
        if offer.published_at is None:
            return None
        return Unavailability(
            _("This offer is no longer available"),
            _("%(coop)s has withdrawn offer %(offer)s.", coop=offer.cooperative.name,
              offer=offer.offer_code),
            is_temporary=False, alternatives=_other_offers(offer.id))
    if offer.status == OfferStatus.SUSPENDED:
        reason = (_("Lot %(lot)s in this offer was withdrawn by its owner; %(coop)s is "
                    "replacing it.", lot=lot_code, coop=offer.cooperative.name)
                  if lot_code else
                  _("%(coop)s is revising this offer.", coop=offer.cooperative.name))
        return Unavailability(str(_TEMPORARY), reason, is_temporary=True,
                              alternatives=_other_offers(offer.id))
    if offer.published_at is not None:  # published once, back to draft for changes
        return Unavailability(str(_TEMPORARY),
                              _("%(coop)s is revising this offer.", coop=offer.cooperative.name),
                              is_temporary=True, alternatives=_other_offers(offer.id))
    return None


def lot_unavailability(lot: Lot) -> Unavailability | None:
    """The page for a lot that was published and is withdrawn now (an old QR code, a link)."""
    if lot.is_published or lot.withdrawn_at is None:
        return None
    others = list(db.session.scalars(
        db.select(Lot).where(Lot.is_published.is_(True), Lot.id != lot.id)
        .order_by((Lot.organisation_id == lot.organisation_id).desc(),
                  Lot.published_at.desc(), Lot.id.desc())
        .limit(ALTERNATIVES)))
    return Unavailability(
        _("This lot is temporarily unavailable"),
        _("%(org)s has taken lot %(lot)s out of the catalogue for now.",
          org=lot.organisation.name, lot=lot.lot_code),
        is_temporary=True, lot_alternatives=others)
