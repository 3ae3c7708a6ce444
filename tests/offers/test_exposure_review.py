"""Offers that change under buyers' feet, figures that agree, honest claims: the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from matchmaker.errors import Conflict
from matchmaker.models import Notice, OutboxMessage
from matchmaker.services.offers import composing, exposure, requests, review
from matchmaker.services.offers.availability import available_by_lot, free_for_offer
from matchmaker.services.offers.from_suggestion import offer_from_suggestion
from matchmaker.services.offers.page import build_offer_page
from matchmaker.services.offers.suggest import Constraints, candidates_from_catalogue, suggest
from tests.factories import add_analysis, add_certificate, make_lot, make_user

TODAY = date.today()


def _offer(coop, **fields):
    defaults = {"name_es": "Contenedor", "name_en": "Container", "target_volume_kg": "12500"}
    defaults.update(fields)
    return composing.create_offer(coop, **defaults)


# One free-volume figure ----------------------------------------------------------------

def test_a_declined_line_adds_nothing_back(app, db, ctx, coop, infierno, infierno_rep):
    """The composer once showed 11,440 kg free after a decline when 5,720 were."""
    lot = make_lot(infierno, volume_kg=Decimal("5720"), moq_kg=None)
    offer = _offer(coop)
    line = composing.set_line(offer, lot, "5720")
    composing.answer_line(line, infierno_rep, approve=False)
    assert free_for_offer(offer, [lot]) == {lot.id: Decimal(5720)}
    assert available_by_lot([lot]) == {lot.id: Decimal(5720)}


def test_own_approved_line_is_free_for_itself_only(app, db, ctx, coop, infierno, infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("8000"), moq_kg=None)
    first, second = _offer(coop), _offer(coop)
    line = composing.set_line(first, lot, "6600")
    composing.answer_line(line, infierno_rep, approve=True)
    assert free_for_offer(first, [lot])[lot.id] == Decimal(8000)  # may grow its own line
    assert free_for_offer(second, [lot])[lot.id] == Decimal(1400)
    assert available_by_lot([lot])[lot.id] == Decimal(1400)
    # The save check uses the same figure: exactly what is free passes, a cent more fails.
    composing.set_line(second, lot, "1400")
    with pytest.raises(Conflict) as error:
        composing.set_line(second, lot, "1400.01")
    assert error.value.code == "oversold"
    assert error.value.params["available_kg"] == free_for_offer(second, [lot])[lot.id]


def test_oversold_message_formats_kilograms(app, db, ctx, coop):
    lot = make_lot(coop, volume_kg=Decimal("6600"), moq_kg=None)
    offer = _offer(coop)
    with pytest.raises(Conflict) as error:
        composing.set_line(offer, lot, "7000")
    assert "6,600 kg" in error.value.message and "7,000 kg" in error.value.message
    assert "6600.00" not in error.value.message


def test_offer_code_uses_the_cooperatives_own_name(app, db, ctx, coop):
    offer = composing.create_offer(coop, name_es="X", target_volume_kg="100")
    assert offer.offer_code == f"OF-AGROBOSQUE-{TODAY.year % 100:02d}-001"
    assert composing.suggest_offer_code(coop).endswith("-002")


# Withdrawing a lot ---------------------------------------------------------------------

def _published_with(coop, lot, owner_rep, kg="1000"):
    offer = _offer(coop)
    line = composing.set_line(offer, lot, kg)
    if line.approval == "pending":
        composing.answer_line(line, owner_rep, approve=True)
    composing.publish_offer(offer)
    return offer


def test_withdrawal_is_announced_to_the_cooperative_and_the_buyers_who_asked(
        app, db, ctx, coop, infierno, coop_rep, infierno_rep):
    from matchmaker.services.lots.editing import withdraw_lot

    lot = make_lot(infierno, volume_kg=Decimal("6000"), moq_kg=None)
    offer = _published_with(coop, lot, infierno_rep)
    draft = _offer(coop)
    composing.set_line(draft, lot, "500")  # pending in a draft: still counts on the lot
    buyer = make_user("buyer", locale="en")
    requests.request_sample(offer, buyer, message="Two kilos please")
    requests.request_sample(offer, buyer, message="again")  # told once, not twice
    db.session.commit()
    assert [o.offer_code for o in exposure.offers_holding(lot)] == [offer.offer_code,
                                                                    draft.offer_code]
    withdraw_lot(lot)
    db.session.commit()
    assert offer.status == "suspended" and draft.status == "draft"
    notices = db.session.scalars(db.select(Notice).where(Notice.kind == "offer_suspended")
                                 .order_by(Notice.id)).all()
    assert [n.user_id for n in notices] == [coop_rep.id, buyer.id]
    assert offer.offer_code in notices[1].subject and "temporarily unavailable" in notices[1].subject
    assert notices[1].link.endswith(f"/offers/{offer.offer_code}")
    mails = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "offer_suspended")).all()
    assert sorted(m.recipient for m in mails) == sorted([coop_rep.email, buyer.email])


def test_unavailability_says_why_and_offers_alternatives(app, db, ctx, coop, infierno,
                                                         infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("6000"), moq_kg=None)
    other_lot = make_lot(coop, volume_kg=Decimal("3000"), moq_kg=None)
    offer = _published_with(coop, lot, infierno_rep)
    other = _published_with(coop, other_lot, None)
    never = _offer(coop)
    assert exposure.offer_unavailability(offer) is None  # public
    assert exposure.offer_unavailability(never) is None  # a draft nobody outside has seen
    composing.on_lot_withdrawn(lot)
    why = exposure.offer_unavailability(offer)
    assert why.is_temporary and why.status == 200
    assert lot.lot_code in why.reason and why.alternatives == [other]
    composing.withdraw_offer(offer)
    gone = exposure.offer_unavailability(offer)
    assert not gone.is_temporary and gone.status == 410


def test_withdrawn_lot_page_points_to_other_lots(app, db, ctx, infierno, tahuamanu):
    from matchmaker.services.lots.editing import withdraw_lot

    lot = make_lot(infierno)
    sibling = make_lot(infierno)
    stranger = make_lot(tahuamanu)
    draft = make_lot(infierno, published=False)
    assert exposure.lot_unavailability(draft) is None  # never published: plain 404
    withdraw_lot(lot)
    why = exposure.lot_unavailability(lot)
    assert why.is_temporary and lot.lot_code in why.reason
    assert why.lot_alternatives[0] == sibling and stranger in why.lot_alternatives


# Claims, target, quality ---------------------------------------------------------------

def test_organic_claim_with_partial_coverage_is_flagged(app, db, ctx, coop):
    certified = make_lot(coop, volume_kg=Decimal("5000"), moq_kg=None)
    plain = make_lot(coop, volume_kg=Decimal("3000"), moq_kg=None)
    add_certificate(certified, "eu_organic")
    offer = _offer(coop, name_en="Organic container", name_es="Contenedor orgánico",
                   target_volume_kg="8000")
    composing.set_line(offer, certified, "5000")
    composing.set_line(offer, plain, "3000")
    page = build_offer_page(offer, today=TODAY)
    [claim] = review.claims(offer, page)
    assert claim.claim == "organic" and not claim.is_honest
    assert (claim.covered_kg, claim.total_kg) == (Decimal(5000), Decimal(8000))
    findings = review.offer_review(offer, page, today=TODAY)
    assert [f.code for f in findings] == ["claim_not_covered"]
    assert "only 5,000 of 8,000 kg" in findings[0].message


def test_plain_name_claims_nothing(app, db, ctx, coop):
    lot = make_lot(coop, moq_kg=None)
    offer = _offer(coop, name_en="Madre de Dios container", target_volume_kg="3000")
    composing.set_line(offer, lot, "3000")
    assert review.claims(offer, build_offer_page(offer, today=TODAY)) == []


def test_far_below_target_and_wet_blend_are_flagged(app, db, ctx, coop):
    lot = make_lot(coop, volume_kg=Decimal("6600"), moq_kg=None)
    add_analysis(lot, moisture="9.5")
    offer = _offer(coop, target_volume_kg="20000")
    composing.set_line(offer, lot, "6600")
    page = build_offer_page(offer, today=TODAY)
    assert review.below_target(offer, page)  # 33 %
    codes = [f.code for f in review.offer_review(offer, page, today=TODAY)]
    assert codes == ["blend_moisture", "below_target"]


# Lots changing inside published offers: tests/offers/test_material_changes.py


# From a suggestion to an offer ---------------------------------------------------------

def test_suggestion_becomes_a_draft_offer(app, db, ctx, coop, infierno, tahuamanu, coop_rep):
    own = make_lot(coop, volume_kg=Decimal("6000"), moq_kg=None, net_kg_per_bag=None,
                   bag_count=None, price_usd_per_mt=Decimal("3500"))
    theirs = make_lot(infierno, volume_kg=Decimal("8000"), moq_kg=None, net_kg_per_bag=None,
                      bag_count=None, price_usd_per_mt=Decimal("3600"))
    candidates, lots = candidates_from_catalogue(today=TODAY)
    suggestion = suggest(candidates, Constraints(wanted_kg=Decimal("10000")))
    offer = offer_from_suggestion(coop, suggestion, lots, actor=coop_rep)
    assert offer.status == "draft" and offer.target_volume_kg == Decimal(10000)
    assert offer.offer_code.startswith("OF-AGROBOSQUE-")
    lines = {line.lot_id: line for line in offer.lines}
    assert lines[own.id].kg == Decimal(6000) and lines[own.id].approval == "approved"
    assert lines[theirs.id].kg == Decimal(4000) and lines[theirs.id].approval == "pending"
    assert "10" in offer.name_en and "MT" in offer.name_en and offer.name_es


def test_empty_suggestion_makes_no_offer(app, db, ctx, coop, coop_rep):
    candidates, lots = candidates_from_catalogue(today=TODAY)
    suggestion = suggest(candidates, Constraints(wanted_kg=Decimal("10000")))
    with pytest.raises(Conflict) as error:
        offer_from_suggestion(coop, suggestion, lots, actor=coop_rep)
    assert error.value.code == "nothing_suggested"
