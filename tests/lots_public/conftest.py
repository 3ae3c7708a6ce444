"""Factories for public lot tests: lots built directly with the models, fully filled in."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import (
    Certificate,
    Lot,
    LotGenetics,
    ProductionPlot,
    QualityAnalysis,
    SensoryEvaluation,
    SensoryScore,
)
from tests.factories import make_organisation

_n = itertools.count(1)

SQUARE_1HA = {
    "type": "Polygon",
    "coordinates": [[
        ["-69.190000", "-12.590000"], ["-69.189080", "-12.590000"],
        ["-69.189080", "-12.589096"], ["-69.190000", "-12.589096"],
        ["-69.190000", "-12.590000"],
    ]],
}


def _geometry_text(geometry: dict) -> str:
    # Coordinates written digit for digit, as the editor stores what was typed.
    def render(value):
        if isinstance(value, list):
            return "[" + ",".join(render(v) for v in value) + "]"
        if isinstance(value, str) and value.lstrip("-").replace(".", "").isdigit():
            return value
        return json.dumps(value)

    return "{" + f'"type":"{geometry["type"]}","coordinates":{render(geometry["coordinates"])}' + "}"


def make_lot(organisation=None, *, published: bool = True, **overrides) -> Lot:
    n = next(_n)
    organisation = organisation or make_organisation()
    fields = {
        "lot_code": f"PE-MDD-TST-25-{n:03d}",
        "name_es": f"Cacao fino de prueba {n}", "name_en": f"Fine test cacao {n}",
        "product_form": "dry_fermented",
        "harvest_start": date(2025, 4, 1), "harvest_end": date(2025, 7, 31),
        "volume_kg": Decimal("3000"), "bag_count": 50, "net_kg_per_bag": Decimal("60"),
        "bag_type": "jute", "exporter_of_record": "Cooperativa Agrobosque",
        "region": "Madre de Dios", "province": "Tambopata", "community": "CN Infierno",
        "n_producers": 21, "area_ha": Decimal("21"), "production_system": "agroforestry",
        "description_es": "Cacao nativo agroforestal.", "description_en": "Native agroforestry cacao.",
        "processing_site": "central_plant", "ferment_vessel": "wooden_box", "ferment_hours": 144,
        "dry_method": "sun_beds", "dry_days": 7,
        "incoterm": "FCA", "incoterm_place": "Puerto Maldonado", "price_basis": "fixed",
        "price_usd_per_mt": Decimal("9500"), "price_valid_until": date.today() + timedelta(days=60),
        "moq_kg": Decimal("600"), "sample_available": True, "sample_size_g": 500,
        "sample_cost_usd": Decimal("0"), "sample_lead_time_days": 5,
        "is_published": published,
        "published_at": datetime.now(UTC) - timedelta(minutes=n) if published else None,
    }
    fields.update(overrides)
    lot = Lot(organisation=organisation, **fields)
    db.session.add(lot)
    db.session.commit()
    return lot


def add_analysis(lot: Lot, *, analysis_date: date | None = None, moisture: str = "7.2",
                 bean_count: int = 95, **counts_and_fields):
    """A 300-bean cut test: 240 well + 27 partly fermented (89 %), 3 mouldy, 6 slaty: Grade I."""
    counts = {"well_fermented": 240, "partly_fermented": 27, "slaty": 6, "mouldy": 3,
              "insect_damaged": 0, "germinated": 0, "flat": 0}
    for key in list(counts_and_fields):
        if key in counts:
            counts[key] = counts_and_fields.pop(key)
    counts["purple"] = 300 - sum(counts.values())
    if counts["purple"] < 0:  # more defects asked for: take them from the well fermented
        counts["well_fermented"] += counts["purple"]
        counts["purple"] = 0
    from matchmaker.services.lots.sheet import analysis_view  # grades derive from the counts

    analysis = QualityAnalysis(
        lot=lot, analysis_date=analysis_date or date(2025, 8, 10), lab="Laboratorio de Prueba",
        moisture_pct=Decimal(moisture), bean_count_per_100g=bean_count, cut_test_n=300,
        iso_grade="I", fermented_pct=Decimal(0), **counts, **counts_and_fields,
    )
    view = analysis_view(analysis)
    analysis.iso_grade = view.iso_grade
    analysis.fermented_pct = view.fermented_pct
    db.session.add(analysis)
    db.session.flush()
    lot.latest_iso_grade = max(lot.analyses, key=lambda a: (a.analysis_date, a.id)).iso_grade
    db.session.commit()
    return analysis


def add_evaluation(lot: Lot, scores: dict[str, str] | None = None, *,
                   evaluated_on: date | None = None, global_quality: str = "7.5",
                   protocol: str = "coex_liquor", notes_en: str = "Red fruit and panela.",
                   notes_es: str = "Fruta roja y panela."):
    scores = scores or {"cacao": "5", "acidity": "3", "bitterness": "3", "astringency": "2",
                        "fresh_fruit": "6", "floral": "2", "nutty": "3", "caramel_panela": "4"}
    evaluation = SensoryEvaluation(
        lot=lot, protocol=protocol, evaluator="Panel de prueba", panel_size=5,
        evaluated_on=evaluated_on or date(2025, 8, 20), global_quality=Decimal(global_quality),
        flavour_notes_es=notes_es, flavour_notes_en=notes_en,
        scores=[SensoryScore(attribute=k, intensity=Decimal(v)) for k, v in scores.items()],
    )
    db.session.add(evaluation)
    db.session.flush()
    latest = max(lot.evaluations, key=lambda e: (e.evaluated_on, e.id))
    lot.latest_global_quality = latest.global_quality
    db.session.commit()
    return evaluation


def add_certificate(lot: Lot, *, scheme: str = "eu_organic", status: str = "certified",
                    valid_from: date | None = None, valid_to: date | None = None, **overrides):
    today = date.today()
    certificate = Certificate(
        lot=lot, scheme=scheme, holder=overrides.pop("holder", "Cooperativa Agrobosque"),
        certificate_no=overrides.pop("certificate_no", f"CERT-{next(_n)}"),
        certifier_name="Control Union Peru", certifier_code="PE-BIO-149", status=status,
        valid_from=valid_from or today - timedelta(days=200),
        valid_to=valid_to or today + timedelta(days=165), **overrides,
    )
    db.session.add(certificate)
    db.session.commit()
    return certificate


def add_plot(lot: Lot, *, ref: str | None = None, area_ha: str = "1", geometry: dict | None = None,
             producer: str = "Asociación Agroforestal CN Infierno"):
    geometry = geometry or SQUARE_1HA
    plot = ProductionPlot(
        lot=lot, plot_ref=ref or f"P{next(_n):03d}", producer_name=producer,
        production_place="CN Infierno, Tambopata", area_ha=Decimal(area_ha),
        geometry_type=geometry["type"], geometry_json=_geometry_text(geometry),
    )
    db.session.add(plot)
    db.session.commit()
    return plot


def add_genetics(lot: Lot, code: str = "native_amazonian", share: str = "100", variety: str = ""):
    row = LotGenetics(lot=lot, genetics=code, variety_name=variety, share_pct=Decimal(share))
    db.session.add(row)
    db.session.commit()
    return row


class QueryCounter:
    """Counts SQL statements sent to the database while active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def lots(app):
    """The lot factory functions, bound to the test's app context."""

    class Lots:
        make = staticmethod(make_lot)
        analysis = staticmethod(add_analysis)
        evaluation = staticmethod(add_evaluation)
        certificate = staticmethod(add_certificate)
        plot = staticmethod(add_plot)
        genetics = staticmethod(add_genetics)

    return Lots


@pytest.fixture
def count_queries(app):
    def _counter():
        return QueryCounter(db.engine)

    return _counter
