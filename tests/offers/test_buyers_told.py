"""Buyers who asked about an offer or a lot are told when it leaves their reach: a lot
withdrawn, an offer suspended, back to draft or withdrawn (notice + e-mail, once each)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from matchmaker.models import Notice, OutboxMessage
from matchmaker.models.leads import LeadSourceKind
from matchmaker.services import interest, qr_codes
from matchmaker.services.leads.recording import record_lead
from matchmaker.services.lots.editing import withdraw_lot
from matchmaker.services.offers import composing, exposure, requests
from matchmaker.services.offers.suggest import Constraints, candidates_from_catalogue, suggest
from tests.factories import (
    make_event,
    make_exhibitor,
    make_lot,
    make_meeting,
    make_session,
    make_user,
)


@pytest.fixture
def scene(app, db, ctx, coop, infierno, infierno_rep, coop_rep):
    """A published offer holding an Infierno lot, and a fair where the cooperative exhibits."""
    lot = make_lot(infierno, volume_kg=Decimal("9000"), moq_kg=None)
    offer = composing.create_offer(coop, name_es="Contenedor", target_volume_kg="6000")
    line = composing.set_line(offer, lot, "6000")
    composing.answer_line(line, infierno_rep, approve=True)
    composing.publish_offer(offer)
    event = make_event(starts_on=date.today() + timedelta(days=7))
    make_exhibitor(event, coop)
    db.session.commit()
    return offer, lot, event


def _told(kind: str) -> list[int]:
    from matchmaker.extensions import db

    return [n.user_id for n in db.session.scalars(
        db.select(Notice).where(Notice.kind == kind).order_by(Notice.id))]


def test_buyers_who_asked_about_an_offer_include_meetings_and_scan_contacts(
        app, db, ctx, scene, coop):
    offer, _lot, event = scene
    sampler = make_user("buyer", locale="en")
    requests.request_sample(offer, sampler)
    meeter = make_user("buyer", locale="en")
    make_meeting(make_session(event).slots[0], buyer=meeter, organisation=coop, offer=offer)
    scanner = make_user("buyer", locale="en")
    token = qr_codes.offer_token(offer)
    qr_codes.record_scan(token, "visitor-1", scanner)
    record_lead(scanner, coop, LeadSourceKind.OFFER_SCAN, event=event)
    passer_by = make_user("buyer", locale="en")  # scanned, left no contact: not asked
    qr_codes.record_scan(token, "visitor-2", passer_by)
    stranger = make_user("buyer", locale="en")  # contact with the coop, not about this offer
    record_lead(stranger, coop, LeadSourceKind.BOOTH_SCAN, event=event)
    db.session.commit()
    assert exposure.buyers_who_asked(offer) == [sampler, meeter, scanner]


def test_withdrawing_a_lot_tells_every_buyer_concerned_once(
        app, db, ctx, scene, coop, coop_rep, tahuamanu):
    offer, lot, _event = scene
    draft = composing.create_offer(coop, name_es="Borrador", target_volume_kg="9000")
    other = make_lot(coop, volume_kg=Decimal("3000"), moq_kg=None)
    composing.set_line(draft, other, "3000")
    composing.set_line(draft, lot, "3000")  # pending in a draft: the coop must know too
    sampler = make_user("buyer", locale="en")
    requests.request_sample(offer, sampler)
    interested = make_user("buyer", locale="en")
    interest.express_interest(lot, interested)
    # A buyer who asked through the suggester about a set naming the lot, and the sampler
    # asking the same way: the sampler hears once, about the offer.
    candidates, lots = candidates_from_catalogue(today=date.today())
    suggestion = suggest(candidates, Constraints(wanted_kg=Decimal("9000")))
    assert lot.lot_code in {p.candidate.lot_code for p in suggestion.picks}
    organisations = {lt.organisation_id: lt.organisation for lt in lots.values()}
    suggester = make_user("buyer", locale="en")
    for buyer in (suggester, sampler):
        requests.request_consolidation(suggestion, buyer, recipients="associations",
                                       organisations=organisations)
    db.session.commit()

    withdraw_lot(lot)
    db.session.commit()
    assert _told("offer_suspended") == [coop_rep.id, sampler.id]
    assert sorted(_told("lot_withdrawn")) == sorted([interested.id, suggester.id])
    assert _told("offer_lot_withdrawn") == [coop_rep.id]
    from matchmaker.extensions import db as database

    notice = database.session.scalar(database.select(Notice).where(
        Notice.kind == "lot_withdrawn", Notice.user_id == suggester.id))
    assert notice.subject == f"Lot {lot.lot_code} is no longer in the catalogue"
    assert notice.link.endswith(f"/lots/{lot.lot_code}")
    mails = database.session.scalars(database.select(OutboxMessage).where(
        OutboxMessage.kind == "lot_withdrawn")).all()
    assert sorted(m.recipient for m in mails) == sorted([interested.email, suggester.email])


def test_back_to_draft_and_withdrawal_tell_the_buyers(app, db, ctx, scene):
    offer, _lot, _event = scene
    buyer = make_user("buyer", locale="en")
    requests.request_sample(offer, buyer)
    composing.unpublish_offer(offer)
    assert _told("offer_unavailable") == [buyer.id]
    composing.publish_offer(offer)
    assert _told("offer_available") == [buyer.id]  # back: the buyer hears that too
    composing.withdraw_offer(offer)
    assert _told("offer_unavailable") == [buyer.id, buyer.id]
    from matchmaker.extensions import db as database

    last = database.session.scalars(database.select(Notice).where(
        Notice.kind == "offer_unavailable").order_by(Notice.id.desc())).first()
    assert last.subject == f"Offer {offer.offer_code} is no longer available"
    assert "revising" in database.session.scalars(database.select(Notice).where(
        Notice.kind == "offer_unavailable").order_by(Notice.id)).first().body


def test_withdrawing_a_draft_never_published_tells_no_buyer(app, db, ctx, coop):
    offer = composing.create_offer(coop, name_es="Nunca publicado", target_volume_kg="1000")
    composing.withdraw_offer(offer)
    assert _told("offer_unavailable") == []
