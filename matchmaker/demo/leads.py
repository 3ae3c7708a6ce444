"""Demo QR codes, scans and leads: tokens for every published lot, booth and buyer badge of
the demo fair, a few anonymous scans, and leads from several sources with ratings."""

from __future__ import annotations

import secrets
from datetime import timedelta

from matchmaker.extensions import db
from matchmaker.models import Lot
from matchmaker.models.base import utcnow
from matchmaker.services import qr_codes
from matchmaker.services.leads import annotate, consent, recording


def seed_leads(made: dict) -> None:
    event = made["event"]
    now = utcnow()
    lots = db.session.scalars(db.select(Lot).where(Lot.is_published.is_(True))).all()
    lot_tokens = [qr_codes.lot_token(lot) for lot in lots]
    booth_tokens = [qr_codes.booth_token(exhibitor) for exhibitor in made["exhibitors"].values()]
    for buyer in made["buyers"]:
        qr_codes.badge_token(event, buyer)

    # Anonymous visitors scanning posters and sample bags (no lead: nobody logged in).
    for index, token in enumerate(lot_tokens + booth_tokens):
        for visit in range(index % 3 + 1):
            qr_codes.record_scan(token, secrets.token_urlsafe(16), None,
                                 now=now - timedelta(hours=visit + index))

    reps = {rep.organisation_id: rep for rep in made["reps"]}
    buyers = made["buyers"]
    ratings = ("hot", "warm", "cold", None)
    for index, lot in enumerate(lots):
        for offset, kind in enumerate(("badge_scan", "interest", "lot_scan")):
            buyer = buyers[(index + offset) % len(buyers)]
            rep = reps.get(lot.organisation_id)
            lead = recording.record_lead(
                buyer, lot.organisation, kind, event=event, lot=lot,
                by_user=rep if kind == "badge_scan" else None,
                at=now - timedelta(hours=3 * offset + index),
            )
            if lead is not None and lead.rating is None:
                annotate.update_lead(
                    lead, rating=ratings[(index + offset) % len(ratings)],
                    tags="orgánico, fino de aroma" if offset == 0 else "muestra",
                    notes="Pide muestra de 500 g y ficha de análisis." if offset == 0 else "",
                    follow_up_action="Enviar muestra por DHL" if offset == 0 else "",
                    follow_up_due=(now + timedelta(days=7)).date() if offset == 0 else None,
                    lot_ids=[lot.id],
                )
    # One buyer keeps their contact details from one organisation.
    if buyers and lots:
        consent.set_consent(buyers[-1], lots[0].organisation, False)
    made["qr_tokens"] = len(lot_tokens) + len(booth_tokens) + len(buyers)


__all__ = ["seed_leads"]
