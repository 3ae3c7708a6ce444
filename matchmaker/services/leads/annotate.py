"""Reps rate and annotate their leads: rating, tags, notes, lots of interest, follow-up."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _

from matchmaker.errors import ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Lot
from matchmaker.models.leads import Lead, LeadLot, LeadRating

MAX_TAGS = 12
MAX_TAG_LENGTH = 30


def normalise_tags(text: str) -> str:
    """"Organic, export ,organic" → "organic,export": lower-case, trimmed, unique, in order.

    Raises:
        ValidationFailed: ``too_many_tags``.
    """
    tags: list[str] = []
    for raw in re.split(r"[,;]", text or ""):
        tag = " ".join(raw.split()).lower()[:MAX_TAG_LENGTH]
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationFailed(_("At most %(count)d tags.", count=MAX_TAGS), code="too_many_tags")
    return ",".join(tags)


def update_lead(lead: Lead, *, rating: str | None, tags: str, notes: str,
                follow_up_action: str, follow_up_due: date | None,
                lot_ids: Iterable[int]) -> Lead:
    """Save the rep's assessment of a lead; lots must be the lead organisation's own.

    Raises:
        ValidationFailed: ``bad_rating``, ``too_many_tags``, ``foreign_lot``.
    """
    if rating and rating not in {r.value for r in LeadRating}:
        raise ValidationFailed(_("Choose hot, warm or cold."), code="bad_rating")
    wanted = {int(i) for i in lot_ids}
    if wanted:
        own = set(db.session.scalars(
            db.select(Lot.id).where(Lot.id.in_(wanted), Lot.organisation_id == lead.organisation_id)
        ))
        if own != wanted:
            raise ValidationFailed(_("This lot belongs to another organisation."),
                                   code="foreign_lot")
    lead.tags = normalise_tags(tags)
    lead.rating = rating or None
    lead.notes = (notes or "").strip()
    lead.follow_up_action = (follow_up_action or "").strip()[:255]
    lead.follow_up_due = follow_up_due
    current = set(db.session.scalars(db.select(LeadLot.lot_id).where(LeadLot.lead_id == lead.id)))
    for lot_id in current - wanted:
        db.session.delete(db.session.get(LeadLot, (lead.id, lot_id)))
    for lot_id in wanted - current:
        db.session.add(LeadLot(lead_id=lead.id, lot_id=lot_id))
    db.session.flush()
    db.session.expire(lead, ["lots"])
    return lead
