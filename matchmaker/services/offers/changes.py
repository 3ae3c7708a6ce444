"""Material changes to a lot inside a live offer: recorded, dated, announced, reviewed.

Each approved line of a published or suspended offer remembers its lot's material figures
(`material.lot_figures`) from publication on. The lot services call `on_lot_changed` after
every write; a material difference becomes `OfferLotChange` rows the cooperative sees until
it marks them reviewed, a quality difference dates the offer ("quality updated on …"), and
the cooperative's reps get a notice and an e-mail, saying too when the blend has left the
grade the offer declares. A cosmetic edit (a description typo) matches the snapshot and does
nothing.
"""

from __future__ import annotations

from datetime import datetime

from matchmaker.extensions import db
from matchmaker.models import Lot
from matchmaker.models.base import utcnow
from matchmaker.models.offers import (
    ConsolidatedOffer,
    LineApproval,
    OfferLot,
    OfferLotChange,
    OfferStatus,
)
from matchmaker.services.offers import material, notify
from matchmaker.services.offers.blending import blend_lines

LIVE = (OfferStatus.PUBLISHED, OfferStatus.SUSPENDED)


def remember_figures(line: OfferLot) -> None:
    """Take the lot's figures as the line's reference (at publication, on approval)."""
    line.figures = material.dump(material.lot_figures(line.lot))


def current_grade(offer: ConsolidatedOffer) -> str | None:
    """The worst ISO grade of the approved lots' latest analyses (what buyers are shown)."""
    return blend_lines((line.lot, line.kg) for line in offer.approved_lines).worst_grade


def on_lot_changed(lot: Lot, *, now: datetime | None = None) -> list[OfferLotChange]:
    """Hook for the lot services, after a lot, analysis or certificate write: record and
    announce what changed materially for every live offer holding the lot. Returns the
    changes recorded."""
    db.session.flush()
    db.session.expire(lot, ["analyses", "certificates"])  # deleted rows leave the lists
    lines = db.session.scalars(
        db.select(OfferLot).join(ConsolidatedOffer, ConsolidatedOffer.id == OfferLot.offer_id)
        .where(OfferLot.lot_id == lot.id, OfferLot.approval == LineApproval.APPROVED,
               ConsolidatedOffer.status.in_(LIVE))
        .order_by(OfferLot.id)
    ).all()
    if not lines:
        return []
    current = material.lot_figures(lot)
    now = now or utcnow()
    recorded: list[OfferLotChange] = []
    for line in lines:
        before = material.load(line.figures)
        line.figures = material.dump(current)
        if before is None:
            continue  # published before lines kept figures: this is the reference from now
        found = material.differences(before, current)
        if not found:
            continue
        rows = [OfferLotChange(line=line, field=d.key, old_value=d.old[:255],
                               new_value=d.new[:255], changed_at=now) for d in found]
        db.session.add_all(rows)
        offer = line.offer
        if any(material.is_quality(d.key) for d in found):
            offer.quality_updated_at = now
        db.session.flush()
        grade = current_grade(offer)
        left = grade if material.grade_below(offer.declared_grade, grade) else None
        notify.lot_changed(line, found, grade_left=left)
        recorded += rows
    return recorded


def unreviewed(offer: ConsolidatedOffer) -> list[tuple[OfferLot, list[OfferLotChange]]]:
    """Each line's changes the cooperative has not marked reviewed, oldest first."""
    result = []
    for line in offer.lines:
        pending = [c for c in line.changes if c.reviewed_at is None]
        if pending:
            result.append((line, pending))
    return result


def mark_reviewed(offer: ConsolidatedOffer, *, now: datetime | None = None) -> int:
    """The cooperative has looked at the changes; returns how many it cleared."""
    count = 0
    for _line, changes in unreviewed(offer):
        for change in changes:
            change.reviewed_at = now or utcnow()
            count += 1
    db.session.flush()
    return count
