"""Demo buyers' demand, so recommendations work out of the box."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from matchmaker.services.matching.demand import DemandFields, fields_of, save_demand

D = Decimal

# e-mail → what that buyer states (certifications and yearly volume come from sign-up).
DEMAND = {
    "anna.becker@schokolade.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D(1), min_iso_grade="I",
        min_fermented_pct=D(80), max_moisture_pct=D("7.5"), flavours=["fresh_fruit", "floral"],
        genetics=["native_amazonian", "criollo"], incoterms=["FCA", "FOB"],
        price_ceiling_usd_per_mt=D(9000), eudr_required=True),
    "pieter.dejong@cocoatrade.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D(12), min_iso_grade="II",
        min_fermented_pct=D(75), incoterms=["FOB"], price_ceiling_usd_per_mt=D(7000),
        eudr_required=True),
    "sophie.martin@chocolat.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D("0.5"), min_iso_grade="I",
        min_fermented_pct=D(85), flavours=["floral", "fresh_fruit", "nutty"],
        genetics=["native_amazonian", "criollo"], price_ceiling_usd_per_mt=D(10000),
        eudr_required=True),
    "marco.rossi@cioccolato.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D(3), min_iso_grade="I",
        flavours=["fresh_fruit", "acidity_fruit"], price_ceiling_usd_per_mt=D(9000),
        eudr_required=True),
    "lukas.meier@kakao.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D(5), min_iso_grade="II",
        incoterms=["FOB"]),
    "emily.clark@beantobar.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D(1), min_iso_grade="I",
        flavours=["fresh_fruit"], incoterms=["FOB", "FCA"]),
    "james.wilson@roasters.demo": dict(
        product_forms=["dry_fermented", "nibs"], shipment_min_mt=D(1),
        flavours=["nutty", "caramel_panela"], genetics=["trinitario"],
        price_ceiling_usd_per_mt=D(8500)),
    "yuki.tanaka@cacao.demo": dict(
        product_forms=["dry_fermented"], flavours=["floral"], min_iso_grade="I"),
    "lucia.garcia@chocolates.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D(1), flavours=["fresh_fruit"],
        genetics=["native_amazonian"], eudr_required=True, price_ceiling_usd_per_mt=D(8500)),
    "diego.ramirez@cacaolima.demo": dict(
        product_forms=["dry_fermented", "liquor", "nibs"], shipment_min_mt=D("0.5"),
        flavours=["nutty", "caramel_panela", "fresh_fruit"], min_iso_grade="II",
        min_fermented_pct=D(70), incoterms=["FCA", "EXW"], price_ceiling_usd_per_mt=D(9000)),
    "jan.peeters@cocoa.demo": dict(
        product_forms=["dry_fermented"], shipment_min_mt=D(10), min_iso_grade="II",
        eudr_required=True),
}


def seed_matching(made: dict) -> None:
    """State each demo buyer's demand (Claire keeps an empty one: the overview lists her)."""
    start = date.today() + timedelta(days=30)
    for buyer in made.get("buyers", []):
        wanted = DEMAND.get(buyer.email)
        if wanted is None or buyer.buyer_profile is None:
            continue
        fields: DemandFields = fields_of(buyer.buyer_profile)
        for name, value in wanted.items():
            setattr(fields, name, value)
        fields.delivery_from, fields.delivery_to = start, start + timedelta(days=180)
        save_demand(buyer.buyer_profile, fields)


__all__ = ["seed_matching"]
