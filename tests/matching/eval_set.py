"""A small labelled evaluation set: lots, one consolidated offer, buyers' demand, and the
matches a cacao trader would call right for each buyer.

Plain data only (no database), so the figures in docs/matching.md can be reproduced with
`python -m bench.matching_eval`. The labels were written from the buyer's point of view
before looking at the ranking: "would I put this lot in front of this buyer?".
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from matchmaker.matching import CertificateInfo, Demand, OfferRef, Supply

VALID = date(2027, 3, 31)
OFFER_REF = OfferRef("OF-AGB-26-001", "Madre de Dios container 2026", D(3700))


def lot(code, org, form="dry_fermented", kg=1000, grade=None, fermented=None, moisture=None,
        gq=None, flavour=None, genetics=None, certs=(), eudr=False, incoterm="FOB",
        price=None, basis="fixed", offers=(), harvest_end=date(2026, 8, 31), moq=None,
        kind="lot"):
    return Supply(
        kind=kind, code=code, name=code, organisation_id=org, organisation_name=f"org {org}",
        product_form=form, available_kg=D(kg), moq_kg=D(moq) if moq else None,
        iso_grade=grade, fermented_pct=D(fermented) if fermented is not None else None,
        moisture_pct=D(str(moisture)) if moisture is not None else None,
        global_quality=D(str(gq)) if gq is not None else None,
        flavour={k: D(v) for k, v in (flavour or {}).items()},
        genetics={k: D(v) for k, v in (genetics or {}).items()},
        certificates=tuple(CertificateInfo(s, VALID) for s in certs), eudr_ready=eudr,
        incoterm=incoterm, price_basis=basis, price_usd_per_mt=D(price) if price else None,
        harvest_end=harvest_end, offers=tuple(offers),
    )


SUPPLIES = [
    lot("INF", 1, kg=2400, grade="I", fermented=92, moisture=7.1, gq=7.8,
        flavour={"cacao": 5, "acidity": 3, "fresh_fruit": 5, "floral": 4, "nutty": 3,
                 "off_flavours": 0},
        genetics={"native_amazonian": 70, "trinitario": 30}, certs=("eu_organic", "fairtrade"),
        eudr=True, incoterm="FCA", price=8200, offers=(OFFER_REF,), moq=600),
    lot("TAH", 2, kg=1300, grade="II", fermented=86, moisture=7.6,
        genetics={"native_amazonian": 100}, certs=("eu_organic",), eudr=True, incoterm="FCA",
        price=7600, offers=(OFFER_REF,), moq=650),
    lot("HUA", 3, kg=12000, grade="I", fermented=92, moisture=6.9,
        genetics={"trinitario": 60, "forastero_amazon": 25, "ccn51": 15}, eudr=True,
        basis="differential", moq=3000),
    lot("CCN", 4, kg=25000, grade="II", fermented=78, moisture=7.8, gq=5.0,
        flavour={"cacao": 6, "bitterness": 6, "astringency": 5, "fresh_fruit": 1, "floral": 0,
                 "nutty": 2, "off_flavours": 1},
        genetics={"ccn51": 100}, price=3900, moq=10000),
    lot("AMA", 5, kg=900, grade="I", fermented=90, moisture=7.0, gq=8.5,
        flavour={"cacao": 5, "acidity": 4, "fresh_fruit": 6, "floral": 6, "nutty": 3,
                 "off_flavours": 0},
        genetics={"native_amazonian": 100}, eudr=True, incoterm="FCA", price=9500),
    lot("NIB", 6, form="nibs", kg=3000, grade="I", fermented=90, moisture=3.0, gq=7.5,
        flavour={"cacao": 6, "nutty": 6, "caramel_panela": 5, "fresh_fruit": 3},
        genetics={"trinitario": 50, "native_amazonian": 50}, certs=("eu_organic", "usda_nop"),
        eudr=True, price=11000),
    lot("LIQ", 7, form="liquor", kg=5000, gq=7.0,
        flavour={"cacao": 7, "nutty": 5, "caramel_panela": 3, "bitterness": 5},
        genetics={"trinitario": 100}, certs=("eu_organic",), eudr=True, price=9800),
    lot("SAM", 8, kg=8000, grade="I", fermented=88, moisture=7.0, gq=7.0,
        flavour={"cacao": 5, "acidity": 5, "acidity_fruit": 5, "fresh_fruit": 4, "nutty": 4,
                 "floral": 2},
        genetics={"trinitario": 80, "native_amazonian": 20}, certs=("eu_organic", "fairtrade"),
        eudr=True, price=7400, moq=2000),
    lot("FT", 9, kg=15000, grade="II", fermented=82, moisture=7.4, gq=6.0,
        flavour={"cacao": 5, "nutty": 4, "fresh_fruit": 2, "floral": 1},
        genetics={"trinitario": 40, "forastero_amazon": 60},
        certs=("fairtrade", "rainforest_alliance"), eudr=True, price=6200, moq=5000),
    lot("USD", 10, kg=6000, grade="I", fermented=85, moisture=7.2, gq=7.2,
        flavour={"cacao": 5, "fresh_fruit": 5, "floral": 3},
        genetics={"native_amazonian": 40, "trinitario": 60}, certs=("usda_nop",), price=7000),
    lot("MOULD", 11, kg=4000, grade="SS", fermented=65, moisture=8.5, gq=3.0,
        flavour={"cacao": 3, "off_flavours": 4, "nutty": 2}, genetics={"mixed_unknown": 100},
        incoterm="FCA", price=3500),
    lot("WET", 12, form="wet", kg=10000, genetics={"native_amazonian": 100}, incoterm="FCA",
        price=1500),
    lot("OF-AGB-26-001", 13, kind="offer", kg=3700, grade="II", fermented=D("89.9"),
        moisture=D("7.3"), gq=None, genetics={"native_amazonian": D("79.0"), "trinitario": D("21.0")},
        certs=("eu_organic",), eudr=True, price=8000),
]

FINE = {"product_forms": frozenset({"dry_fermented"})}

# (name, demand, labelled right matches)
BUYERS: list[tuple[str, Demand, frozenset[str]]] = [
    ("Anna, German craft maker", Demand(
        **FINE, certifications=frozenset({"eu_organic"}), eudr_required=True,
        min_iso_grade="I", min_fermented_pct=D(80), max_moisture_pct=D("7.5"),
        flavours=frozenset({"fresh_fruit", "floral"}),
        genetics=frozenset({"native_amazonian", "criollo"}), shipment_min_mt=D(1),
        price_ceiling_usd_per_mt=D(9000), incoterms=frozenset({"FCA", "FOB"})),
     frozenset({"INF", "OF-AGB-26-001", "SAM", "TAH"})),
    ("Pieter, Dutch bulk trader", Demand(
        **FINE, shipment_min_mt=D(10), volume_year_max_mt=D(500), min_iso_grade="II",
        min_fermented_pct=D(75), max_moisture_pct=D(8), incoterms=frozenset({"FOB"}),
        price_ceiling_usd_per_mt=D(7000), eudr_required=True),
     frozenset({"HUA", "FT"})),
    ("Sophie, French bean-to-bar", Demand(
        **FINE, flavours=frozenset({"floral", "fresh_fruit", "nutty"}),
        genetics=frozenset({"native_amazonian", "criollo"}), min_iso_grade="I",
        min_fermented_pct=D(85), shipment_min_mt=D("0.5"), price_ceiling_usd_per_mt=D(10000),
        eudr_required=True),
     frozenset({"AMA", "INF", "OF-AGB-26-001", "TAH"})),
    ("Emily, US bean-to-bar", Demand(
        **FINE, certifications=frozenset({"usda_nop"}), flavours=frozenset({"fresh_fruit"}),
        min_iso_grade="I", shipment_min_mt=D(1), incoterms=frozenset({"FOB", "FCA"})),
     frozenset({"USD"})),
    ("Diego, Lima chocolate maker", Demand(
        product_forms=frozenset({"dry_fermented", "liquor", "nibs"}),
        flavours=frozenset({"nutty", "caramel_panela"}), price_ceiling_usd_per_mt=D(12000),
        shipment_min_mt=D("0.5"), min_iso_grade="II", min_fermented_pct=D(70),
        languages=frozenset({"es"})),
     frozenset({"NIB", "LIQ", "SAM", "FT"})),
    ("Yuki, Japanese maker (JAS)", Demand(
        **FINE, certifications=frozenset({"jas"}), flavours=frozenset({"floral"})),
     frozenset()),
    ("Lukas, Swiss importer", Demand(
        **FINE, certifications=frozenset({"eu_organic", "fairtrade"}), shipment_min_mt=D(5),
        min_iso_grade="II"),
     frozenset({"SAM"})),
    ("Jan, Belgian importer", Demand(
        **FINE, certifications=frozenset({"rainforest_alliance"}), eudr_required=True,
        shipment_min_mt=D(10), min_iso_grade="II"),
     frozenset({"FT"})),
    ("Marco, Italian maker", Demand(
        **FINE, certifications=frozenset({"eu_organic"}), eudr_required=True,
        flavours=frozenset({"fresh_fruit", "acidity_fruit"}), shipment_min_mt=D(3),
        price_ceiling_usd_per_mt=D(9000), min_iso_grade="I"),
     frozenset({"INF", "OF-AGB-26-001", "SAM"})),
]
