"""Contradictions in a lot's own figures are caught on save with a clear message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matchmaker.errors import ValidationFailed
from matchmaker.services.lots import editing
from tests.lots_editor.conftest import TERMS

D = Decimal


@pytest.mark.parametrize(("volume", "bags", "per_bag", "ok"), [
    ("2400", 40, "60", True),
    ("2415", 40, "60", True),  # 15 kg over 40 bags: rounding of the net weights
    ("2410", 40, "60.5", True),  # 40 × 60.5 = 2420: 10 kg off, within 0.5 kg a bag
    ("3000", 40, "60", False),
    ("1500", 40, "60", False),
])
def test_volume_must_match_bags_times_net_weight(lot, db, volume, bags, per_bag, ok):
    fields = {"volume_kg": D(volume), "bag_count": bags, "net_kg_per_bag": D(per_bag)}
    if ok:
        editing.update_lot(lot, "identity", **fields)
        assert lot.volume_kg == D(volume)
        return
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "identity", **fields)
    assert caught.value.code == "packing_mismatch"
    assert caught.value.params["field"] == "volume_kg"
    assert f"{bags} bags × {per_bag} kg make" in caught.value.message


def test_missing_bag_figures_are_not_a_contradiction(lot, db):
    editing.update_lot(lot, "identity", volume_kg=D("2500"), bag_count=None)
    assert lot.volume_kg == D("2500")


def test_minimum_order_above_volume_is_refused_even_without_bag_weight(lot, db):
    editing.update_lot(lot, "identity", net_kg_per_bag=None, bag_count=None)
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "terms", **{**TERMS, "moq_kg": D("5000")})
    assert caught.value.code == "moq_exceeds_volume"
    assert "more than the volume available (2400 kg)" in caught.value.message


@pytest.mark.parametrize(("fields", "code", "field"), [
    ({"price_usd_per_mt": D("8.2")}, "price_out_of_range", "price_usd_per_mt"),
    ({"price_basis": "differential", "price_market": "",
      "price_differential_usd_mt": D("650")}, "market_required", "price_market"),
    ({"price_basis": "differential", "price_market": "other", "price_market_other_es": "",
      "price_differential_usd_mt": D("650")}, "market_other_required", "price_market_other_es"),
    ({"price_premium_usd_mt": D("240"), "price_premium_kind": ""}, "premium_kind_required",
     "price_premium_kind"),
])
def test_price_contradictions(lot, db, fields, code, field):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "terms", **{**TERMS, **fields})
    assert (caught.value.code, caught.value.params["field"]) == (code, field)


def test_switching_to_a_differential_clears_the_fixed_price(lot, db):
    editing.update_lot(lot, "terms", **TERMS)
    assert lot.price_usd_per_mt is not None
    editing.update_lot(lot, "terms", **{**TERMS, "price_basis": "differential",
                                        "price_market": "ice_ny", "ice_contract_month_es": "marzo 2027",
                                        "price_differential_usd_mt": D("-120")})
    db.session.commit()
    assert lot.price_usd_per_mt is None and lot.price_differential_usd_mt == D("-120")
    assert lot.price.is_differential and lot.price.is_stated
    editing.update_lot(lot, "terms", **TERMS)
    db.session.commit()
    assert lot.price_differential_usd_mt is None and lot.price_market == ""


@pytest.mark.parametrize(("code", "ok"), [
    ("1801.00", True), ("1803.10", True), ("1801.00.19.00", True), ("0901.11", False),
    ("1801", False), ("1807.00", False), ("", False),
])
def test_hs_code_must_be_a_cocoa_heading(lot, db, code, ok):
    if ok:
        editing.update_lot(lot, "identity", hs_code=code)
        assert lot.hs_code == code
        return
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "identity", hs_code=code)
    assert caught.value.code == "hs_code_not_cocoa"
