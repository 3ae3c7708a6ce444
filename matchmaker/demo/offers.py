"""Demo: Agrobosque's "Contenedor Madre de Dios 2026", pooling Infierno's and Tahuamanu's lots."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from matchmaker.models import Role
from matchmaker.services.offers import composing
from matchmaker.services.offers.availability import available_kg


def _rep_of(made: dict, organisation):
    return next(u for u in made["reps"]
                if u.organisation_id == organisation.id and u.role == Role.REP)


def seed_offers(made: dict) -> None:
    """One published offer; each association's rep approved its own lot."""
    orgs, lots = made["organisations"], made.get("lots", {})
    if "infierno" not in lots or "tahuamanu" not in lots:
        return
    agrobosque = orgs["agrobosque"]
    offer = composing.create_offer(
        agrobosque, offer_code="OF-AGROBOSQUE-26-001",
        name_es="Contenedor Madre de Dios 2026", name_en="Madre de Dios container 2026",
        description_es="Cacao nativo agroforestal de dos comunidades de Madre de Dios, "
                       "consolidado y exportado por la Cooperativa Agrobosque.",
        description_en="Native agroforestry cacao from two Madre de Dios communities, "
                       "consolidated and exported by the Agrobosque Cooperative.",
        target_volume_kg=Decimal(12500), incoterm="FOB", incoterm_place="Callao",
        price_usd_per_mt=Decimal(8450), price_valid_until=date.today() + timedelta(days=60),
        exporter_of_record="Cooperativa Agraria Agrobosque",
        certificate_holder="Cooperativa Agraria Agrobosque",
    )
    carmen = _rep_of(made, agrobosque)
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


__all__ = ["seed_offers"]
