"""Composing offers: consent, honest availability, publication and the lot-withdrawal hook."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.models import OutboxMessage
from matchmaker.services.offers import composing
from matchmaker.services.offers.availability import available_kg
from tests.factories import make_lot


def _offer(coop, **fields):
    defaults = {"name_es": "Contenedor", "name_en": "Container", "target_volume_kg": "12500"}
    defaults.update(fields)
    return composing.create_offer(coop, **defaults)


def test_only_cooperatives_compose(app, db, ctx, infierno):
    with pytest.raises(NotAllowed) as error:
        _offer(infierno)
    assert error.value.code == "not_a_cooperative"


def test_code_suggested_and_unique(app, db, ctx, coop):
    first = _offer(coop)
    assert first.offer_code.startswith("OF-")
    with pytest.raises(Conflict) as error:
        _offer(coop, offer_code=first.offer_code.lower())
    assert error.value.code == "offer_code_taken"
    with pytest.raises(ValidationFailed) as error:
        _offer(coop, offer_code="x y")
    assert error.value.code == "offer_code_invalid"


def test_other_organisations_lot_waits_for_consent(app, db, ctx, coop, infierno, coop_rep,
                                                   infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("4000"))
    offer = _offer(coop)
    line = composing.set_line(offer, lot, "3000", actor=coop_rep)
    db.session.commit()
    assert line.approval == "pending"
    assert offer.approved_kg == 0
    mail = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "offer_approval_request")).all()
    assert [m.recipient for m in mail] == [infierno_rep.email]
    assert "3.000 kg" in mail[0].body_text and "Agrobosque" in mail[0].subject  # Spanish rep
    assert "OF-AGROBOSQUE-" in mail[0].body_text  # the hint's pattern, not OF-COOPERAT-
    with pytest.raises(Conflict) as error:
        composing.publish_offer(offer)
    assert error.value.code == "no_approved_lines"
    with pytest.raises(NotAllowed) as error:
        composing.answer_line(line, coop_rep, approve=True)  # the cooperative cannot consent
    assert error.value.code == "not_lot_owner"
    composing.answer_line(line, infierno_rep, approve=True)
    composing.publish_offer(offer)
    db.session.commit()
    assert offer.status == "published" and offer.approved_kg == Decimal(3000)
    # Asking for more than was approved asks again.
    composing.set_line(offer, lot, "3500", actor=coop_rep)
    assert line.approval == "pending"
    # Less keeps the consent.
    composing.answer_line(line, infierno_rep, approve=True)
    composing.set_line(offer, lot, "1000", actor=coop_rep)
    assert line.approval == "approved"


def test_cooperatives_own_lot_is_approved_at_once(app, db, ctx, coop, coop_rep):
    lot = make_lot(coop)
    offer = _offer(coop)
    line = composing.set_line(offer, lot, "100", actor=coop_rep)
    assert line.approval == "approved" and line.approved_by_id == coop_rep.id


def test_volumes_are_not_available_twice(app, db, ctx, coop, infierno, infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("5000"))
    first, second = _offer(coop), _offer(coop)
    line = composing.set_line(first, lot, "3000")
    assert available_kg(lot) == Decimal(5000)  # a pending request holds nothing (issue #12)
    composing.answer_line(line, infierno_rep, approve=True)
    assert available_kg(lot) == Decimal(2000)  # the owner's approval commits the kg
    with pytest.raises(Conflict) as error:
        composing.set_line(second, lot, "2000.01")
    assert error.value.code == "oversold"
    assert error.value.params["available_kg"] == Decimal(2000)
    second_line = composing.set_line(second, lot, "2000")
    composing.answer_line(second_line, infierno_rep, approve=True)
    assert available_kg(lot) == 0
    # Changing a line's own quantity does not count its old kg against itself.
    composing.set_line(first, lot, "2999")
    composing.withdraw_offer(first)
    assert available_kg(lot) == Decimal(3000)


def test_declined_line_frees_its_kg(app, db, ctx, coop, infierno, infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("1000"))
    line = composing.set_line(_offer(coop), lot, "1000")
    composing.answer_line(line, infierno_rep, approve=False)
    assert available_kg(lot) == Decimal(1000)
    with pytest.raises(Conflict) as error:
        composing.answer_line(line, infierno_rep, approve=True)
    assert error.value.code == "already_answered"


@pytest.mark.parametrize("kg, code", [("0", "kg_not_positive"), ("-5", "kg_not_positive"),
                                      ("1.005", "kg_precision"), ("abc", "not_a_number")])
def test_bad_quantities(app, db, ctx, coop, infierno, kg, code):
    lot = make_lot(infierno)
    with pytest.raises(ValidationFailed) as error:
        composing.set_line(_offer(coop), lot, kg)
    assert error.value.code == code


def test_unpublished_lot_cannot_go_in(app, db, ctx, coop, infierno):
    lot = make_lot(infierno, published=False)
    with pytest.raises(NotAllowed) as error:
        composing.set_line(_offer(coop), lot, "10")
    assert error.value.code == "lot_not_published"


def test_withdrawing_a_lot_suspends_offers_and_tells_the_owner(app, db, ctx, coop, infierno, coop_rep,
                                                               infierno_rep):
    lot = make_lot(infierno)
    own = make_lot(coop)
    offer = _offer(coop)
    line = composing.set_line(offer, lot, "1000")
    composing.set_line(offer, own, "1000")
    composing.answer_line(line, infierno_rep, approve=True)
    composing.publish_offer(offer)
    db.session.commit()
    lot.is_published = False
    suspended = composing.on_lot_withdrawn(lot)
    db.session.commit()
    assert suspended == [offer] and offer.status == "suspended"
    assert lot.lot_code in offer.suspended_reason
    notices = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "offer_suspended")).all()
    assert [m.recipient for m in notices] == [coop_rep.email]
    with pytest.raises(Conflict) as error:
        composing.publish_offer(offer)
    assert error.value.code == "lot_not_published"
    composing.remove_line(line)
    composing.publish_offer(offer)
    assert offer.status == "published" and offer.approved_kg == Decimal(1000)


def test_withdrawn_offer_is_frozen(app, db, ctx, coop, infierno):
    offer = _offer(coop)
    composing.withdraw_offer(offer)
    with pytest.raises(Conflict) as error:
        composing.set_line(offer, make_lot(infierno), "1")
    assert error.value.code == "offer_withdrawn"


def test_lot_editor_withdrawal_suspends_the_offer(app, db, ctx, coop, coop_rep):
    from matchmaker.services.lots.editing import withdraw_lot

    lot = make_lot(coop)
    offer = _offer(coop)
    composing.set_line(offer, lot, "500")
    composing.publish_offer(offer)
    db.session.commit()
    withdraw_lot(lot)
    db.session.commit()
    assert offer.status == "suspended"
    assert db.session.scalar(db.select(OutboxMessage).where(
        OutboxMessage.kind == "offer_suspended")).recipient == coop_rep.email


def test_lot_volume_cannot_drop_below_what_offers_hold(app, db, ctx, coop, infierno,
                                                       infierno_rep):
    from matchmaker.services.lots.editing import update_lot

    lot = make_lot(infierno, volume_kg=Decimal("5000"), moq_kg=None, bag_count=None,
                   net_kg_per_bag=None)
    offer = _offer(coop)
    line = composing.set_line(offer, lot, "3000")
    composing.answer_line(line, infierno_rep, approve=True)  # approved: held
    db.session.commit()
    with pytest.raises(ValidationFailed) as error:
        update_lot(lot, "identity", volume_kg=Decimal("2999.5"))
    assert error.value.code == "volume_below_offers"
    assert error.value.params["held_kg"] == Decimal(3000)
    assert "3000" in error.value.message.replace(",", "")
    db.session.rollback()
    assert db.session.get(type(lot), lot.id).volume_kg == Decimal(5000)  # nothing written
    update_lot(lot, "identity", volume_kg=Decimal(3000))  # exactly what is held is fine
    db.session.commit()
    composing.withdraw_offer(offer)  # a withdrawn offer holds nothing any more
    update_lot(lot, "identity", volume_kg=Decimal(100))
    db.session.commit()
    assert lot.volume_kg == Decimal(100)
