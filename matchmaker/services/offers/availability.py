"""Honest volumes: kilograms promised to one offer are not available to another.

A lot's committed volume is the sum of its *approved* lines in every offer that is not
withdrawn. A pending line (another organisation's lot, awaiting its owner's answer) holds
nothing: any cooperative may ask for any published lot, so counting requests would let one
of them lock other organisations' volume indefinitely. The owner's approval is therefore the
moment of commitment, and is re-checked against what is left then (`composing.answer_line`).
Writers lock the lot row (`SELECT … FOR UPDATE` on PostgreSQL; SQLite serialises writers
anyway) before summing, so two concurrent commitments cannot both see the same free
kilograms.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import func

from matchmaker.extensions import db
from matchmaker.models import Lot
from matchmaker.models.offers import ConsolidatedOffer, LineApproval, OfferLot, OfferStatus


def _committed_query(lot_ids: Iterable[int], exclude_line_id: int | None = None):
    query = (
        db.select(OfferLot.lot_id, func.coalesce(func.sum(OfferLot.kg), 0))
        .join(ConsolidatedOffer, ConsolidatedOffer.id == OfferLot.offer_id)
        .where(
            OfferLot.lot_id.in_(list(lot_ids)),
            OfferLot.approval == LineApproval.APPROVED,
            ConsolidatedOffer.status != OfferStatus.WITHDRAWN,
        )
        .group_by(OfferLot.lot_id)
    )
    if exclude_line_id is not None:
        query = query.where(OfferLot.id != exclude_line_id)
    return query


def committed_kg(lot_ids: Iterable[int], *, exclude_line_id: int | None = None) -> dict[int, Decimal]:
    """kg of each lot held by approved offer lines (missing lots hold nothing), in one query."""
    ids = list(lot_ids)
    if not ids:
        return {}
    rows = db.session.execute(_committed_query(ids, exclude_line_id)).all()
    held = {lot_id: Decimal(0) for lot_id in ids}
    held.update({lot_id: Decimal(total) for lot_id, total in rows})
    return held


def available_kg(lot: Lot, *, exclude_line_id: int | None = None) -> Decimal:
    """What is left of `lot` for a new or changed line; never below zero."""
    held = committed_kg([lot.id], exclude_line_id=exclude_line_id)[lot.id]
    return max(Decimal(0), Decimal(lot.volume_kg) - held)


def available_by_lot(lots: Iterable[Lot]) -> dict[int, Decimal]:
    """Left-over kg of several lots in one query (for listings and the suggester)."""
    lots = list(lots)
    held = committed_kg([lot.id for lot in lots])
    return {lot.id: max(Decimal(0), Decimal(lot.volume_kg) - held[lot.id]) for lot in lots}


def free_for_offer(offer: ConsolidatedOffer, lots: Iterable[Lot]) -> dict[int, Decimal]:
    """The most kg of each lot that `offer` may hold: what no other offer holds.

    The one figure behind the composer's lot list, its table of lines and the check on
    saving a line (`composing.set_line`): the lot's volume minus every approved line of
    every other open offer. This offer's own approved line counts as free for itself; its
    pending or declined line holds nothing, so it adds nothing back.
    """
    lots = list(lots)
    if not lots:
        return {}
    ids = [lot.id for lot in lots]
    query = (
        db.select(OfferLot.lot_id, func.coalesce(func.sum(OfferLot.kg), 0))
        .join(ConsolidatedOffer, ConsolidatedOffer.id == OfferLot.offer_id)
        .where(OfferLot.lot_id.in_(ids), OfferLot.approval == LineApproval.APPROVED,
               ConsolidatedOffer.status != OfferStatus.WITHDRAWN)
        .group_by(OfferLot.lot_id)
    )
    if offer.id is not None:
        query = query.where(OfferLot.offer_id != offer.id)
    held = {lot_id: Decimal(0) for lot_id in ids}
    held.update({lot_id: Decimal(total) for lot_id, total in db.session.execute(query).all()})
    return {lot.id: max(Decimal(0), Decimal(lot.volume_kg) - held[lot.id]) for lot in lots}


def left_beside_offer(offer: ConsolidatedOffer, lots: Iterable[Lot]) -> dict[int, Decimal]:
    """What stays free in each lot with this offer's own approved line counted too: the
    composer's "free" figure, which drops as soon as a line is added (`free_for_offer` is
    the most the line may grow to)."""
    lots = list(lots)
    own = {line.lot_id: line.kg for line in offer.lines
           if line.approval == LineApproval.APPROVED}
    return {lot_id: max(Decimal(0), kg - own.get(lot_id, Decimal(0)))
            for lot_id, kg in free_for_offer(offer, lots).items()}


def lock_lot(lot: Lot) -> Lot:
    """Lock the lot's row until the transaction ends and reload its volume.

    Everyone changing the lot's committed kg goes through here first, so the sum read next
    already includes any commitment that won the lock before us.
    """
    db.session.execute(
        db.select(Lot.id).where(Lot.id == lot.id).with_for_update()
    )
    db.session.refresh(lot, attribute_names=["volume_kg", "is_published"])
    return lot
