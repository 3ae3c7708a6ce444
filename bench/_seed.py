"""Seeding helpers shared by the lot benchmarks: many lots, inserted in bulk."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from matchmaker.extensions import db
from matchmaker.lotsheet.vocab import CERT_SCHEME, GENETICS, PRODUCT_FORM
from matchmaker.models import (
    Certificate,
    Event,
    Exhibitor,
    Lot,
    LotGenetics,
    Organisation,
    ProductionPlot,
    QualityAnalysis,
    SensoryEvaluation,
    SensoryScore,
)

REGIONS = ("Madre de Dios", "San Martín", "Ucayali", "Junín", "Cusco", "Amazonas")
SQUARE = ('{"type":"Polygon","coordinates":[[[-69.190000,-12.590000],[-69.189080,-12.590000],'
          '[-69.189080,-12.589096],[-69.190000,-12.589096],[-69.190000,-12.590000]]]}')


def seed_lots(count: int, *, organisations: int = 50, seed: int = 7) -> list[str]:
    """Insert `count` published lots with analyses, evaluations, certificates and plots."""
    rng = random.Random(seed)
    today = date.today()
    event = Event(slug="expo-bench", name="ExpoAmazónica bench", city="Tarapoto",
                  starts_on=today, ends_on=today + timedelta(days=2))
    db.session.add(event)
    orgs = []
    for i in range(organisations):
        org = Organisation(name=f"Asociación Bench {i}", slug=f"asociacion-bench-{i}",
                           region=REGIONS[i % len(REGIONS)], community=f"Comunidad {i}")
        orgs.append(org)
        db.session.add(org)
    db.session.flush()
    for i, org in enumerate(orgs[: organisations // 2]):
        db.session.add(Exhibitor(event_id=event.id, organisation_id=org.id, booth=f"B{i}"))
    now = datetime.now(UTC)
    codes = []
    lot_rows = []
    for i in range(count):
        org = orgs[i % organisations]
        code = f"PE-BEN-{i:05d}"
        codes.append(code)
        lot_rows.append(dict(
            organisation_id=org.id, lot_code=code, name_es=f"Cacao bench {i}",
            name_en=f"Bench cacao {i}", product_form=rng.choice(PRODUCT_FORM.codes),
            harvest_start=date(2025, 4, 1), harvest_end=date(2025, 7, 31),
            volume_kg=Decimal(rng.randrange(100, 20000)), net_kg_per_bag=Decimal(60),
            region=org.region, province="Tambopata", community=org.community,
            description_es="Cacao agroforestal.", description_en="Agroforestry cacao.",
            price_usd_per_mt=Decimal(rng.randrange(6000, 14000)), moq_kg=Decimal(600),
            latest_iso_grade=rng.choice(("I", "II", "SS", None)),
            latest_global_quality=Decimal(rng.randrange(40, 95)) / 10,
            is_published=rng.random() < 0.9, published_at=now - timedelta(minutes=i),
            created_at=now, updated_at=now,
        ))
    db.session.execute(db.insert(Lot), lot_rows)
    ids = dict(db.session.execute(db.select(Lot.lot_code, Lot.id)).all())
    genetics, certs, analyses, evaluations, plots = [], [], [], [], []
    for code in codes:
        lot_id = ids[code]
        genetics.append(dict(lot_id=lot_id, genetics=rng.choice(GENETICS.codes), variety_name="",
                             share_pct=Decimal(100)))
        certs.append(dict(lot_id=lot_id, scheme=rng.choice(CERT_SCHEME.codes), holder="Agrobosque",
                          certificate_no=f"C-{lot_id}", certifier_name="CU", status="certified",
                          valid_from=today - timedelta(days=300),
                          valid_to=today + timedelta(days=rng.randrange(-60, 300))))
        analyses.append(dict(lot_id=lot_id, analysis_date=date(2025, 8, 1), lab="Lab",
                             moisture_pct=Decimal("7.2"), bean_count_per_100g=95, cut_test_n=300,
                             well_fermented=240, partly_fermented=27, purple=24, slaty=6, mouldy=3,
                             insect_damaged=0, germinated=0, flat=0, iso_grade="I",
                             fermented_pct=Decimal("89.0"), created_at=now))
        evaluations.append(dict(lot_id=lot_id, protocol="coex_liquor", evaluator="Panel",
                                evaluated_on=date(2025, 8, 20), global_quality=Decimal("7.0"),
                                flavour_notes_es="Fruta y panela", flavour_notes_en="Fruit, panela",
                                created_at=now))
        plots.append(dict(lot_id=lot_id, plot_ref="P1", producer_name="Productor",
                          production_place="CN Infierno", area_ha=Decimal(1),
                          geometry_type="Polygon", geometry_json=SQUARE))
    for model, rows in ((LotGenetics, genetics), (Certificate, certs), (QualityAnalysis, analyses),
                        (SensoryEvaluation, evaluations), (ProductionPlot, plots)):
        db.session.execute(db.insert(model), rows)
    scores = [
        dict(evaluation_id=evaluation_id, attribute=attribute,
             intensity=Decimal(rng.randrange(0, 20)) / 2)
        for evaluation_id in db.session.scalars(db.select(SensoryEvaluation.id))
        for attribute in ("cacao", "acidity", "bitterness", "astringency", "fresh_fruit", "floral",
                          "nutty")
    ]
    db.session.execute(db.insert(SensoryScore), scores)
    db.session.commit()
    return codes
