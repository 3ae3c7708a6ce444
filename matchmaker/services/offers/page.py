"""The public view-model of an offer: volume, contributions, blend, coverage, EUDR.

Only approved lines are shown to buyers; the editor sees every line. Like the lot sheet,
`build_offer_page` takes an already loaded offer and a day, so it never reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.lotsheet import units
from matchmaker.models import Lot, Organisation
from matchmaker.models.offers import ConsolidatedOffer, OfferLot, OfferStatus
from matchmaker.services.offers.blending import BlendSummary, blend_lines
from matchmaker.services.offers.coverage import SchemeCoverage, coverage
from matchmaker.services.offers.eudr import OfferEudr, merge_offer


def offer_options():
    """Loader options for everything the offer page shows, in a fixed number of queries."""
    lot = selectinload(ConsolidatedOffer.lines).joinedload(OfferLot.lot)
    return (
        joinedload(ConsolidatedOffer.cooperative),
        lot.joinedload(Lot.organisation),
        lot.selectinload(Lot.analyses),
        lot.selectinload(Lot.certificates),
        lot.selectinload(Lot.plots),
    )


def load_offer(offer_code: str) -> ConsolidatedOffer | None:
    return db.session.scalar(
        db.select(ConsolidatedOffer).where(ConsolidatedOffer.offer_code == offer_code.upper())
        .options(*offer_options())
    )


@dataclass(frozen=True)
class Contribution:
    """One community's (organisation's) share, with its lots."""

    organisation: Organisation
    kg: Decimal
    percent: Decimal  # one decimal
    lines: list[OfferLot]


@dataclass(frozen=True)
class OfferPage:
    offer: ConsolidatedOffer
    today: date
    lines: list[OfferLot]
    total_kg: Decimal
    total_mt: Decimal
    bags: int | None  # None when a lot does not give its bag weight
    container_pct: Decimal
    target_pct: Decimal
    contributions: list[Contribution]
    blend: BlendSummary
    certifications: list[SchemeCoverage]
    eudr: OfferEudr
    price_expired: bool


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return units.round_half_up(part * 100 / whole, 1) if whole else Decimal(0)


def build_offer_page(offer: ConsolidatedOffer, *, today: date,
                     include_pending: bool = False) -> OfferPage:
    """The offer as buyers see it (approved lines only unless `include_pending`)."""
    lines = [line for line in offer.lines
             if line.approval == "approved" or (include_pending and line.approval == "pending")]
    total = sum((line.kg for line in lines), Decimal(0))
    bags: int | None = 0
    for line in lines:
        if line.lot.net_kg_per_bag:
            bags += units.whole_bags(line.kg, line.lot.net_kg_per_bag)
        else:
            bags = None
            break
    by_org: dict[int, list[OfferLot]] = {}
    for line in lines:
        by_org.setdefault(line.lot.organisation_id, []).append(line)
    contributions = []
    for org_lines in by_org.values():
        kg = sum((line.kg for line in org_lines), Decimal(0))
        contributions.append(Contribution(org_lines[0].lot.organisation, kg, _pct(kg, total),
                                          org_lines))
    contributions.sort(key=lambda c: (-c.kg, c.organisation.name))
    pairs = [(line.lot, line.kg) for line in lines]
    return OfferPage(
        offer=offer, today=today, lines=lines, total_kg=total,
        total_mt=units.round_half_up(units.kg_to_mt(total), 3),
        bags=bags if lines else 0,
        container_pct=units.round_half_up(units.container_share(total) * 100, 1),
        target_pct=_pct(total, offer.target_volume_kg),
        contributions=contributions,
        blend=blend_lines(pairs),
        certifications=coverage(pairs, today=today),
        eudr=merge_offer(line.lot for line in lines),
        price_expired=bool(offer.price_valid_until and offer.price_valid_until < today),
    )


def published_offers(*, min_mt: Decimal | None = None) -> list[tuple[ConsolidatedOffer, Decimal]]:
    """Published offers with their approved volume, largest first; optionally ≥ `min_mt`."""
    offers = db.session.scalars(
        db.select(ConsolidatedOffer).where(ConsolidatedOffer.status == OfferStatus.PUBLISHED)
        .options(joinedload(ConsolidatedOffer.cooperative),
                 selectinload(ConsolidatedOffer.lines).joinedload(OfferLot.lot)
                 .joinedload(Lot.organisation))
    ).unique().all()
    rows = [(offer, offer.approved_kg) for offer in offers]
    if min_mt is not None:
        rows = [(o, kg) for o, kg in rows if kg >= units.mt_to_kg(min_mt)]
    rows.sort(key=lambda row: (-row[1], row[0].offer_code))
    return rows


def offers_of(cooperative_id: int | None) -> list[ConsolidatedOffer]:
    """A cooperative's offers (all cooperatives' for None), newest first."""
    query = db.select(ConsolidatedOffer).options(
        joinedload(ConsolidatedOffer.cooperative), selectinload(ConsolidatedOffer.lines)
    ).order_by(ConsolidatedOffer.created_at.desc(), ConsolidatedOffer.id.desc())
    if cooperative_id is not None:
        query = query.where(ConsolidatedOffer.cooperative_id == cooperative_id)
    return list(db.session.scalars(query).unique())
