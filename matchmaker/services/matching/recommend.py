"""Recommendations for buyers and reps, the organiser's overview, similar lots, pre-filled wishes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from matchmaker.errors import NotAllowed
from matchmaker.extensions import db
from matchmaker.matching import (
    BuyerFit,
    Demand,
    Match,
    Overview,
    Supply,
    buyers_for_supplies,
    overview,
    rank,
    similar,
)
from matchmaker.matching.weights import TOP_N
from matchmaker.models import (
    BuyerProfile,
    Event,
    Exhibitor,
    Lead,
    LeadSource,
    Lot,
    LotInterest,
    Meeting,
    Organisation,
    User,
)
from matchmaker.models.meetings import MeetingStatus
from matchmaker.models.roundtable import WishLevel
from matchmaker.services.matching.demand import demand_of
from matchmaker.services.matching.supply import lot_supply, supplies
from matchmaker.services.roundtable import wishes as wish_service

PREFILL_TOP = 5
_SCAN_KINDS = ("lot_scan", "offer_scan", "booth_scan", "badge_scan")
_LIVE_MEETINGS = (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED,
                  MeetingStatus.HELD)


@dataclass(frozen=True)
class BuyerRecommendations:
    """What fits a buyer at an event, what a hard requirement keeps out, and whom to meet."""

    buyer: User
    event: Event | None
    demand: Demand
    fitting: list[Match]
    excluded: list[Match]
    to_meet: list[Organisation]

    @property
    def top(self) -> list[Match]:
        return self.fitting[:TOP_N]


@dataclass(frozen=True)
class RepRecommendation:
    buyer: User
    fit: BuyerFit


def _signals_by_buyer(buyer_ids: list[int], event: Event | None) -> dict[int, dict]:
    """Per buyer: lot codes → interest kinds; organisation ids met or scanned."""
    found: dict[int, dict] = defaultdict(lambda: {"lots": defaultdict(set), "meeting": set(),
                                                  "scan": set()})
    if not buyer_ids:
        return found
    for buyer_id, code, kind in db.session.execute(
            db.select(LotInterest.buyer_id, Lot.lot_code, LotInterest.kind)
            .join(Lot, Lot.id == LotInterest.lot_id).where(LotInterest.buyer_id.in_(buyer_ids))):
        found[buyer_id]["lots"][code].add(kind)
    meetings = db.select(Meeting.buyer_id, Meeting.organisation_id).where(
        Meeting.buyer_id.in_(buyer_ids), Meeting.status.in_(_LIVE_MEETINGS))
    scans = (db.select(Lead.buyer_id, Lead.organisation_id)
             .join(LeadSource, LeadSource.lead_id == Lead.id)
             .where(Lead.buyer_id.in_(buyer_ids), LeadSource.kind.in_(_SCAN_KINDS)))
    if event is not None:
        meetings = meetings.where(Meeting.event_id == event.id)
        scans = scans.where(Lead.event_id == event.id)
    for buyer_id, organisation_id in db.session.execute(meetings):
        found[buyer_id]["meeting"].add(organisation_id)
    for buyer_id, organisation_id in db.session.execute(scans):
        found[buyer_id]["scan"].add(organisation_id)
    return found


def _behaviour(signals: dict) -> Callable[[Supply], list[str]]:
    def kinds(supply: Supply) -> list[str]:
        result = list(signals["lots"].get(supply.code, ())) if supply.kind == "lot" else []
        if supply.organisation_id in signals["meeting"]:
            result.append("meeting")
        if supply.organisation_id in signals["scan"]:
            result.append("scan")
        return result
    return kinds


def _exhibiting_ids(event: Event | None) -> set[int]:
    if event is None:
        return set()
    return set(db.session.scalars(
        db.select(Exhibitor.organisation_id).where(Exhibitor.event_id == event.id)))


def organisations_to_meet(matches: list[Match], event: Event | None,
                          limit: int = PREFILL_TOP) -> list[Organisation]:
    """The exhibiting organisations behind the best matches, best first, each once."""
    exhibiting = _exhibiting_ids(event)
    ordered: list[int] = []
    for item in matches:
        org_id = item.supply.organisation_id
        if org_id in exhibiting and org_id not in ordered:
            ordered.append(org_id)
    ordered = ordered[:limit]
    by_id = {o.id: o for o in db.session.scalars(
        db.select(Organisation).where(Organisation.id.in_(ordered)))} if ordered else {}
    return [by_id[i] for i in ordered]


def for_buyer(buyer: User, event: Event | None, *, today: date,
              locale: str = "en") -> BuyerRecommendations:
    """The ranked supplies for a buyer at an event (all published supply without an event).

    Raises:
        NotAllowed: ``not_a_buyer``.
    """
    if not buyer.is_buyer:
        raise NotAllowed(_("Recommendations of lots are for buyers."), code="not_a_buyer")
    demand = demand_of(buyer.buyer_profile)
    signals = _signals_by_buyer([buyer.id], event)[buyer.id]
    fitting, excluded = rank(demand, supplies(event, today=today, locale=locale),
                             behaviour=_behaviour(signals))
    return BuyerRecommendations(buyer, event, demand, fitting, excluded,
                                organisations_to_meet(fitting, event))


def event_buyers(event: Event | None) -> list[User]:
    """The buyers who can meet at the event (buyers do not register per event)."""
    if event is not None:
        return wish_service.event_buyers(event)
    return list(db.session.scalars(db.select(User).where(User.role == "buyer",
                                                         User.is_active.is_(True))))


def _demands(buyers: list[User]) -> dict[int, Demand]:
    profiles = {p.user_id: p for p in db.session.scalars(
        db.select(BuyerProfile).where(BuyerProfile.user_id.in_([b.id for b in buyers])))}
    return {b.id: demand_of(profiles.get(b.id)) for b in buyers}


def for_organisation(organisation_id: int, event: Event | None, *, today: date,
                     locale: str = "en") -> list[RepRecommendation]:
    """The event's buyers whose demand fits this organisation's lots (and offers), best first."""
    buyers = event_buyers(event)
    by_id = {b.id: b for b in buyers}
    own = supplies(event, today=today, organisation_id=organisation_id, locale=locale)
    if not own:
        return []
    demands = _demands(buyers)
    signals = _signals_by_buyer(list(by_id), event)
    languages = {b_id: d.languages for b_id, d in demands.items()}
    fits = buyers_for_supplies(demands, own, languages=languages,
                               behaviour=lambda b_id, s: _behaviour(signals[b_id])(s))
    return [RepRecommendation(by_id[fit.buyer_id], fit) for fit in fits]


def for_rep(rep: User, event: Event | None, *, today: date,
            locale: str = "en") -> list[RepRecommendation]:
    """For an approved rep: the buyers worth meeting for their organisation.

    Raises:
        NotAllowed: ``not_a_rep``.
    """
    if not (rep.is_rep and rep.is_approved and rep.organisation_id):
        raise NotAllowed(_("Only approved association reps see buyers to meet."), code="not_a_rep")
    return for_organisation(rep.organisation_id, event, today=today, locale=locale)


@dataclass(frozen=True)
class EventOverview:
    overview: Overview
    buyers: dict[int, User]


def event_overview(event: Event, *, today: date, locale: str = "en") -> EventOverview:
    """Demand and supply of the event for the organiser."""
    buyers = event_buyers(event)
    result = overview(_demands(buyers), supplies(event, today=today, locale=locale))
    return EventOverview(result, {b.id: b for b in buyers})


def similar_lots(lot: Lot, *, today: date, n: int = 3, locale: str = "en") -> list[tuple[Lot, float]]:
    """Published lots nearest to `lot` by quality and flavour profile."""
    others = supplies(None, today=today, with_offers=False, locale=locale)
    target = next((s for s in others if s.code == lot.lot_code), None) \
        or lot_supply(lot, today=today, locale=locale)
    nearest = similar(target, others, n=n)
    codes = [s.code for s, _ in nearest]
    lots = {x.lot_code: x for x in db.session.scalars(db.select(Lot).where(Lot.lot_code.in_(codes)))}
    return [(lots[s.code], d) for s, d in nearest if s.code in lots]


def prefill_wishes(event: Event, user: User, *, today: date, top: int = PREFILL_TOP) -> int:
    """Turn the user's top recommendations into "would like" wishes; returns how many were added.

    Ratings the user already gave are never changed (a "no" stays a "no"), so pressing the
    button twice adds nothing. Buyers get the organisations behind their best matches; reps
    get the buyers whose demand best fits their lots.

    Raises:
        NotAllowed: ``not_a_participant`` (from the wish rules) for anyone else.
    """
    if user.is_buyer:
        others = [o.id for o in for_buyer(user, event, today=today).to_meet[:top]]
    elif user.is_rep and user.is_approved and user.organisation_id:
        others = [r.buyer.id for r in for_rep(user, event, today=today)[:top]]
    else:
        raise NotAllowed(_("Only buyers and association reps rate meetings."),
                         code="not_a_participant")
    current = wish_service.own_wishes(event, user)
    new = {other: WishLevel.LIKE.value for other in others if other not in current}
    if new:
        wish_service.save_wishes(event, user, new)
    return len(new)
