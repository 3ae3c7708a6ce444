"""Demo consolidation: Agrobosque pools its associations' lots into export containers.

Lots are quoted FCA Puerto Maldonado (where the cooperative's warehouse is); offers are FOB
Callao, about USD 200/MT above for the trucking over the Andes and export handling, plus
the cooperative's margin. One lot is a differential to ICE New York and shows as such.

- "Contenedor Madre de Dios 2026": published, Infierno's and Tahuamanu's organic lots;
- three more organic associations (Las Piedras, Lago Valencia, Inambari) with lots free,
  and a draft "Contenedor orgánico 20 t": one line approved, one awaiting Lago Valencia's
  answer (the approval card), so the suggester has organic supply for a 20 t container
  and still shows a shortfall.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from matchmaker.demo.lots import (
    CUT_GRADE_I,
    CUT_GRADE_II,
    _collection,
    _feature,
    _lot,
    _pdf,
    _rectangle,
)
from matchmaker.models import Role
from matchmaker.services.lots import analyses, certificates, editing, editing_eudr, plots
from matchmaker.services.offers import composing
from matchmaker.services.offers.availability import available_kg

D = Decimal

# key: (lot code, name es/en, kg, terms beyond the common ones, moisture, cut test, plot box)
SUPPLY = {
    "las_piedras": ("PE-MDD-PIE-26-001", "Cacao orgánico Las Piedras",
                    "Las Piedras organic cacao", D(6000),
                    {"price_basis": "fixed", "price_usd_per_mt": D(8300)}, D("7.0"), CUT_GRADE_I,
                    ("-69.301200", "-12.201400", "-69.298400", "-12.199300")),
    "valencia": ("PE-MDD-VAL-26-001", "Cacao orgánico Lago Valencia",
                 "Lago Valencia organic cacao", D(4800),
                 {"price_basis": "fixed", "price_usd_per_mt": D(8100)}, D("7.4"), CUT_GRADE_II,
                 ("-69.071500", "-12.402300", "-69.068800", "-12.400100")),
    "inambari": ("PE-MDD-INA-26-001", "Cacao nativo chuncho Inambari",
                 "Inambari native chuncho cacao", D(5400),
                 {"price_basis": "differential", "price_market": "ice_ny",
                  "price_differential_usd_mt": D(250), "ice_contract_month_es": "Marzo 2027",
                  "ice_contract_month_en": "March 2027"},
                 D("7.2"), CUT_GRADE_I,
                 ("-70.381900", "-13.081600", "-70.379100", "-13.079400")),
}


def _rep_of(made: dict, organisation):
    return next(u for u in made["reps"]
                if u.organisation_id == organisation.id and u.role == Role.REP)


def _organic_certificate(today: date) -> dict:
    return {"scheme": "eu_organic", "holder": "Cooperativa Agrobosque",
            "certificate_no": "CU-PE-884412", "certifier_name": "Control Union Peru",
            "certifier_code": "PE-BIO-149", "status": "certified",
            "valid_from": today - timedelta(days=300), "valid_to": today + timedelta(days=430),
            "verify_url": "https://certificates.controlunion.com/"}


def seed_supply(made: dict) -> dict:
    """A published organic lot for each of the three more associations."""
    orgs, today = made["organisations"], date.today()
    made_lots = {}
    for key, (code, name_es, name_en, kg, price, moisture, cut, box) in SUPPLY.items():
        org = orgs[key]
        lot = _lot(
            org, lot_code=code, name_es=name_es, name_en=name_en, product_form="dry_fermented",
            harvest_start=date(2026, 3, 1), harvest_end=date(2026, 7, 31), volume_kg=kg,
            bag_count=int(kg / 60), net_kg_per_bag=D(60), bag_type="jute", hs_code="1801.00",
            origin={"exporter_of_record": "Cooperativa Agrobosque", "region": "Madre de Dios",
                    "province": org.province, "community": org.community, "n_producers": 18,
                    "area_ha": D(24), "production_system": "agroforestry"},
            genetics=[("native_amazonian", D(100), "Chuncho")],
            post_harvest={"processing_site": "central_plant", "ferment_vessel": "wooden_box",
                          "ferment_hours": 132, "turns": 3, "dry_method": "sun_beds",
                          "dry_days": 7},
            terms={"incoterm": "FCA", "incoterm_place": "Puerto Maldonado",
                   "price_valid_until": today + timedelta(days=90), "moq_kg": D(600),
                   "price_premium_kind": "organic", "price_premium_usd_mt": D(300),
                   "sample_available": True, "sample_size_g": 500, "sample_cost_usd": D(0),
                   "sample_lead_time_days": 10, **price},
        )
        plots.import_geojson(lot, _collection(
            _feature(f"{code[-10:-7]}-P01", f"Socios de {org.community}",
                     f"{org.community}, Tambopata, Madre de Dios", _rectangle(*box))))
        editing_eudr.save_eudr_evidence(
            lot, legality_file=_pdf("Constancias de posesión de los socios",
                                    ["Documento de demostración."], "posesion.pdf"),
            no_deforestation_evidence_url="https://www.globalforestwatch.org/map/")
        analyses.save_analysis(lot, analysis_date=date(2026, 8, 12),
                               lab="Laboratorio de Calidad Agrobosque", moisture_pct=moisture,
                               bean_count_per_100g=98, **cut)
        certificates.save_certificate(lot, **_organic_certificate(today))
        editing.publish_lot(lot)
        made_lots[key] = lot
    made.setdefault("lots", {}).update(made_lots)
    return made_lots


def seed_offers(made: dict) -> None:
    """The published Madre de Dios container, and a 20 t organic container in the making."""
    orgs, lots = made["organisations"], made.get("lots", {})
    if "infierno" not in lots or "tahuamanu" not in lots:
        return
    agrobosque = orgs["agrobosque"]
    carmen = _rep_of(made, agrobosque)
    # FOB Callao above each lot's FCA Puerto Maldonado (Infierno 8,500 with its organic
    # premium, Tahuamanu 7,600), never below any of them.
    offer = composing.create_offer(
        agrobosque, offer_code="OF-AGROBOSQUE-26-001",
        name_es="Contenedor Madre de Dios 2026", name_en="Madre de Dios container 2026",
        description_es="Cacao nativo agroforestal de dos comunidades de Madre de Dios, "
                       "consolidado y exportado por la Cooperativa Agrobosque.",
        description_en="Native agroforestry cacao from two Madre de Dios communities, "
                       "consolidated and exported by the Agrobosque Cooperative.",
        target_volume_kg=Decimal(12500), incoterm="FOB", incoterm_place="Callao",
        price_usd_per_mt=Decimal(8750), price_valid_until=date.today() + timedelta(days=60),
        exporter_of_record="Cooperativa Agraria Agrobosque",
        certificate_holder="Cooperativa Agraria Agrobosque",
    )
    for key in ("infierno", "tahuamanu"):
        lot = lots[key]
        left = available_kg(lot)
        if left <= 0:
            continue
        line = composing.set_line(offer, lot, left, actor=carmen)
        if line.approval == "pending":
            composing.answer_line(line, _rep_of(made, orgs[key]), approve=True)
    composing.publish_offer(offer)
    made["offers"] = {"madre_de_dios": offer}

    supply = seed_supply(made) if "las_piedras" in orgs else {}
    if not supply:
        return
    # FOB Callao above its lots' FCA Puerto Maldonado 8,600 (8,300 + 300 organic premium).
    organic = composing.create_offer(
        agrobosque, offer_code="OF-AGROBOSQUE-26-002",
        name_es="Contenedor orgánico 20 t 2026", name_en="Organic 20 t container 2026",
        description_es="Cacao orgánico (UE) de las asociaciones de Agrobosque, para un "
                       "contenedor de 20 pies.",
        description_en="EU organic cacao from Agrobosque's associations, for one 20-ft "
                       "container.",
        target_volume_kg=Decimal(20000), incoterm="FOB", incoterm_place="Callao",
        price_usd_per_mt=Decimal(9150), price_valid_until=date.today() + timedelta(days=45),
        exporter_of_record="Cooperativa Agraria Agrobosque",
        certificate_holder="Cooperativa Agraria Agrobosque",
    )
    piedras = composing.set_line(organic, supply["las_piedras"], D(3000), actor=carmen)
    composing.answer_line(piedras, _rep_of(made, orgs["las_piedras"]), approve=True)
    composing.set_line(organic, supply["valencia"], D(4800), actor=carmen)  # awaiting Valencia
    made["offers"]["organic_20t"] = organic


__all__ = ["seed_offers", "seed_supply"]
