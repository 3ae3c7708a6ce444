"""A consolidated offer selling FOB far below its own lots' FCA prices is caught on save."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matchmaker.errors import ValidationFailed
from matchmaker.services.offers import composing
from tests.factories import make_lot


def _offer_with_lots(coop, coop_rep, prices_and_kg, **terms):
    offer = composing.create_offer(coop, name_es="Contenedor", name_en="Container",
                                   target_volume_kg="12500", **terms)
    for price, kg, incoterm in prices_and_kg:
        lot = make_lot(coop, price_usd_per_mt=price, volume_kg="9000", incoterm=incoterm)
        composing.set_line(offer, lot, kg, actor=coop_rep)
    return offer


def test_fob_far_below_the_lots_fca_prices_is_refused(app, db, ctx, coop, coop_rep):
    # kg-weighted FCA price: (6000 × 8200 + 4000 × 7600) / 10000 = 7960 USD/MT.
    offer = _offer_with_lots(coop, coop_rep, [("8200", "6000", "FCA"), ("7600", "4000", "FCA")],
                             incoterm="FOB", incoterm_place="Callao")
    with pytest.raises(ValidationFailed) as caught:
        composing.update_offer(offer, price_usd_per_mt="4100")
    assert caught.value.code == "offer_price_below_lots"
    assert caught.value.params["field"] == "price_usd_per_mt"
    assert caught.value.params["lots_price"] == Decimal("7960")
    assert "7,960" in caught.value.message
    # Within 5 % (a volume discount) and above are accepted.
    composing.update_offer(offer, price_usd_per_mt="7600")
    composing.update_offer(offer, price_usd_per_mt="8300")
    assert offer.price_usd_per_mt == Decimal("8300")


def test_lots_quoted_further_along_are_not_compared(app, db, ctx, coop, coop_rep):
    # A lot already priced CIF says nothing about a FOB price below it.
    offer = _offer_with_lots(coop, coop_rep, [("9000", "5000", "CIF")],
                             incoterm="FOB", incoterm_place="Callao")
    composing.update_offer(offer, price_usd_per_mt="7000")
    assert offer.price_usd_per_mt == Decimal("7000")


def test_publishing_rechecks_the_price(app, db, ctx, coop, coop_rep):
    offer = composing.create_offer(coop, name_es="Contenedor", name_en="Container",
                                   target_volume_kg="12500", incoterm="FOB",
                                   incoterm_place="Callao", price_usd_per_mt="4100")
    lot = make_lot(coop, price_usd_per_mt="8200", volume_kg="9000", incoterm="FCA")
    composing.set_line(offer, lot, "6000", actor=coop_rep)
    with pytest.raises(ValidationFailed) as caught:
        composing.publish_offer(offer)
    assert caught.value.code == "offer_price_below_lots"
