"""Supply for the matcher: published lots and consolidated offers as plain `Supply` values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.lotsheet.pricing import (
    DIFFERENTIAL,
    NO_REFERENCES,
    MarketReferences,
    indicative_price,
)
from matchmaker.matching import CertificateInfo, OfferRef, Supply
from matchmaker.models import (
    ConsolidatedOffer,
    Event,
    Exhibitor,
    Lot,
    OfferLot,
    SensoryEvaluation,
)
from matchmaker.models.offers import OfferStatus
from matchmaker.services.lots.pricing import market_references
from matchmaker.services.lots.sheet import CERT_VALID, certificate_state
from matchmaker.services.offers.blending import blend_lines, latest_analysis
from matchmaker.services.offers.coverage import coverage


def lot_price_for_ceiling(lot: Lot, references: MarketReferences = NO_REFERENCES
                          ) -> tuple[str, Decimal | None]:
    """(basis, USD/MT) that a buyer's price ceiling is compared with: the one place the
    matcher reads a lot's price.

    A fixed price (plus any premium) as it is; a differential plus the fair's market
    reference as an indicative price; a differential with no reference has no figure.
    """
    indicative = indicative_price(lot.price, references)
    if indicative is None:
        return ("differential" if lot.price_basis == DIFFERENTIAL else "fixed"), None
    return ("indicative" if indicative.is_indicative else "fixed"), indicative.usd_mt


def _latest_evaluation(lot: Lot) -> SensoryEvaluation | None:
    return max(lot.evaluations, key=lambda e: (e.evaluated_on, e.id)) if lot.evaluations else None


def _flavour(lot: Lot) -> dict[str, Decimal]:
    evaluation = _latest_evaluation(lot)
    return {s.attribute: Decimal(s.intensity) for s in evaluation.scores} if evaluation else {}


def _eudr_ready(lot: Lot) -> bool:
    return bool(lot.plots) and bool(lot.no_deforestation_evidence_path
                                    or lot.no_deforestation_evidence_url) \
        and bool(lot.legality_evidence_path)


def _valid_certificates(lot: Lot, today: date) -> tuple[CertificateInfo, ...]:
    return tuple(CertificateInfo(c.scheme, c.valid_to) for c in lot.certificates
                 if c.scheme != "other" and certificate_state(c, today) == CERT_VALID)


def lot_supply(lot: Lot, *, today: date, offers: Iterable[OfferRef] = (),
               locale: str = "en", references: MarketReferences = NO_REFERENCES) -> Supply:
    """One lot as the matcher sees it, with the published offers that contain it.

    The volume is the lot's own, as its sheet shows it: kilograms promised to an offer are
    still that lot's cacao, and the offer is named beside it.
    """
    analysis = latest_analysis(lot)
    basis, price = lot_price_for_ceiling(lot, references)
    expired = lot.price_valid_until is not None and lot.price_valid_until < today
    return Supply(
        kind="lot", code=lot.lot_code, name=lot.name(locale),
        organisation_id=lot.organisation_id, organisation_name=lot.organisation.name,
        product_form=lot.product_form, available_kg=Decimal(lot.volume_kg),
        moq_kg=lot.moq_kg, iso_grade=analysis.iso_grade if analysis else None,
        fermented_pct=analysis.fermented_pct if analysis else None,
        moisture_pct=analysis.moisture_pct if analysis else None,
        global_quality=lot.latest_global_quality, flavour=_flavour(lot),
        genetics={g.genetics: Decimal(g.share_pct) for g in lot.genetics},
        certificates=_valid_certificates(lot, today), eudr_ready=_eudr_ready(lot),
        incoterm=lot.incoterm, incoterm_place=lot.incoterm_place, price_basis=basis,
        price_usd_per_mt=None if expired else price, harvest_end=lot.harvest_end,
        offers=tuple(offers), region=lot.region,
    )


def offer_supply(offer: ConsolidatedOffer, *, today: date, locale: str = "en") -> Supply:
    """A published offer: blended quality, schemes covering all of it, merged EUDR, kg-weighted
    genetics and flavour."""
    from matchmaker.services.offers.eudr import merge_offer

    lines = [(line.lot, Decimal(line.kg)) for line in offer.approved_lines]
    total = sum((kg for _, kg in lines), Decimal(0))
    blend = blend_lines(lines)
    covering = [c for c in coverage(lines, today=today) if c.is_full and c.scheme != "other"]
    certificates = []
    for item in covering:
        ends = [c.valid_to for lot, _ in lines for c in lot.certificates
                if c.scheme == item.scheme and certificate_state(c, today) == CERT_VALID]
        certificates.append(CertificateInfo(item.scheme, min(ends)))
    genetics: dict[str, Decimal] = defaultdict(Decimal)
    flavour_sum: dict[str, Decimal] = defaultdict(Decimal)
    flavour_kg = Decimal(0)
    for lot, kg in lines:
        for g in lot.genetics:
            genetics[g.genetics] += Decimal(g.share_pct) * kg / total
        scores = _flavour(lot)
        if scores:
            flavour_kg += kg
            for code, value in scores.items():
                flavour_sum[code] += value * kg
    forms = {lot.product_form for lot, _ in lines}
    expired = offer.price_valid_until is not None and offer.price_valid_until < today
    qualities = [lot.latest_global_quality for lot, _ in lines]
    return Supply(
        kind="offer", code=offer.offer_code, name=offer.name(locale),
        organisation_id=offer.cooperative_id, organisation_name=offer.cooperative.name,
        product_form=forms.pop() if len(forms) == 1 else "mixed", available_kg=total,
        iso_grade=blend.worst_grade if not blend.partial else None,
        fermented_pct=blend.fermented_pct if not blend.partial else None,
        moisture_pct=blend.moisture_pct if not blend.partial else None,
        global_quality=(min(qualities) if qualities and None not in qualities else None),
        flavour={c: (v / flavour_kg).quantize(Decimal("0.1")) for c, v in flavour_sum.items()}
        if flavour_kg == total and total > 0 else {},
        genetics={c: v.quantize(Decimal("0.1")) for c, v in genetics.items()},
        certificates=tuple(certificates),
        eudr_ready=bool(lines) and merge_offer([lot for lot, _ in lines]).is_complete,
        incoterm=offer.incoterm, incoterm_place=offer.incoterm_place, price_basis="fixed",
        price_usd_per_mt=None if expired else offer.price_usd_per_mt,
        harvest_end=max((lot.harvest_end for lot, _ in lines), default=None),
    )


def _lot_query():
    return (db.select(Lot).where(Lot.is_published.is_(True))
            .options(joinedload(Lot.organisation), selectinload(Lot.certificates),
                     selectinload(Lot.genetics), selectinload(Lot.analyses),
                     selectinload(Lot.plots),
                     selectinload(Lot.evaluations).selectinload(SensoryEvaluation.scores))
            .order_by(Lot.lot_code))


def _exhibiting(event: Event):
    return db.select(Exhibitor.organisation_id).where(Exhibitor.event_id == event.id)


def published_offers(event: Event | None = None) -> list[ConsolidatedOffer]:
    """Published offers (at an event: those whose cooperative or a contributing lot's
    organisation exhibits there)."""
    query = (db.select(ConsolidatedOffer)
             .where(ConsolidatedOffer.status == OfferStatus.PUBLISHED)
             .options(joinedload(ConsolidatedOffer.cooperative),
                      selectinload(ConsolidatedOffer.lines).joinedload(OfferLot.lot))
             .order_by(ConsolidatedOffer.offer_code))
    if event is not None:
        query = query.where(
            ConsolidatedOffer.cooperative_id.in_(_exhibiting(event))
            | ConsolidatedOffer.id.in_(
                db.select(OfferLot.offer_id).join(Lot, Lot.id == OfferLot.lot_id)
                .where(Lot.organisation_id.in_(_exhibiting(event)))))
    return list(db.session.scalars(query).unique())


def supplies(event: Event | None, *, today: date, organisation_id: int | None = None,
             with_offers: bool = True, locale: str = "en") -> list[Supply]:
    """Published lots (of the event's exhibitors) and published offers, as `Supply` values.

    With `organisation_id`: only that organisation's lots and the offers it composes.
    """
    query = _lot_query()
    if event is not None:
        query = query.where(Lot.organisation_id.in_(_exhibiting(event)))
    if organisation_id is not None:
        query = query.where(Lot.organisation_id == organisation_id)
    lots = list(db.session.scalars(query).unique())
    offers = published_offers(event) if with_offers else []
    refs: dict[int, list[OfferRef]] = defaultdict(list)
    result: list[Supply] = []
    for offer in offers:
        ref = OfferRef(offer.offer_code, offer.name(locale), offer.approved_kg)
        for line in offer.approved_lines:
            refs[line.lot_id].append(ref)
        if organisation_id is None or offer.cooperative_id == organisation_id:
            result.append(offer_supply(offer, today=today, locale=locale))
    references = market_references(event, today=today)
    lot_supplies = [lot_supply(lot, today=today, offers=refs.get(lot.id, ()), locale=locale,
                               references=references) for lot in lots]
    return lot_supplies + result
