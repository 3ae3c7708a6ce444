"""The public product sheet of a lot: a read-only view-model with every derived value.

Loading is done by `load_lot` with one query per relationship (selectinload), so a page
costs the same number of queries whether the lot has one analysis or fifty. Nothing here
writes; `build_sheet` works on an already loaded lot and a given day, so it tests on plain
objects and never depends on the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.lotsheet import quality, units
from matchmaker.lotsheet.pricing import (
    NO_REFERENCES,
    IndicativePrice,
    LotPrice,
    MarketReferences,
    indicative_price,
)
from matchmaker.lotsheet.vocab import RADAR_AXES, SENSORY_BY_CODE
from matchmaker.models import (
    Certificate,
    Lot,
    ProductionPlot,
    QualityAnalysis,
    SensoryEvaluation,
)

CERT_VALID = "valid"
CERT_EXPIRED = "expired"
CERT_NOT_YET_VALID = "not_yet_valid"
CERT_SUSPENDED = "suspended"
CERT_IN_CONVERSION = "in_conversion"


def sheet_options():
    """Loader options that fetch everything the sheet shows in a fixed number of queries."""
    return (
        joinedload(Lot.organisation),
        selectinload(Lot.genetics),
        selectinload(Lot.photos),
        selectinload(Lot.analyses),
        selectinload(Lot.evaluations).selectinload(SensoryEvaluation.scores),
        selectinload(Lot.certificates),
        selectinload(Lot.plots),
    )


def load_lot(lot_code: str) -> Lot | None:
    """The lot with this code and everything its sheet needs, or None."""
    return db.session.scalar(
        db.select(Lot).where(Lot.lot_code == lot_code).options(*sheet_options())
    )


def load_lots(lot_codes: list[str]) -> list[Lot]:
    """Several lots for the compare view, in the order asked, same fixed query count."""
    found = db.session.scalars(
        db.select(Lot).where(Lot.lot_code.in_(lot_codes)).options(*sheet_options())
    ).all()
    by_code = {lot.lot_code: lot for lot in found}
    return [by_code[code] for code in lot_codes if code in by_code]


@dataclass(frozen=True)
class VolumeView:
    """The available volume in every unit buyers use."""

    kg: Decimal
    mt: Decimal
    lb: Decimal
    quintales: Decimal


@dataclass(frozen=True)
class AnalysisView:
    """The latest physical analysis with its derived percentages and grades."""

    analysis: QualityAnalysis
    analysis_date: date
    lab: str
    moisture_pct: Decimal
    moisture_ok_at_origin: bool
    bean_count_per_100g: int
    bean_size: str
    cut_test_n: int
    fermented_pct: Decimal  # one decimal, half-up
    percentages: dict[str, Decimal]  # cut-test category → one-decimal percent
    defects_pct: Decimal  # insect + germinated + flat
    iso_grade: str
    trade_grade: str | None
    fermentation_index: Decimal | None
    cadmium_mg_kg: Decimal | None


@dataclass(frozen=True)
class SensoryView:
    """The latest sensory evaluation; `radar` holds (attribute code, score) in drawing order."""

    evaluation: SensoryEvaluation
    protocol: str
    evaluator: str
    evaluated_on: date
    global_quality: Decimal
    radar: list[tuple[str, Decimal]]


@dataclass(frozen=True)
class CertificateView:
    """A certificate and its state on the sheet's day; only `valid` is ever shown as valid."""

    certificate: Certificate
    state: str

    @property
    def is_valid(self) -> bool:
        return self.state == CERT_VALID


@dataclass(frozen=True)
class EudrView:
    """What an EU operator needs for due diligence, and what is still missing."""

    plots: list[ProductionPlot]
    total_area_ha: Decimal
    production_start: date
    production_end: date
    has_geolocation: bool
    has_no_deforestation_evidence: bool
    has_legality_evidence: bool
    dds_reference: str

    @property
    def missing(self) -> list[str]:
        """Codes of the missing pieces: geolocation, no_deforestation, legality."""
        pieces = [
            ("geolocation", self.has_geolocation),
            ("no_deforestation", self.has_no_deforestation_evidence),
            ("legality", self.has_legality_evidence),
        ]
        return [code for code, present in pieces if not present]


@dataclass(frozen=True)
class TermsView:
    """Commercial terms with derived prices and minimum order in bags."""

    incoterm: str
    incoterm_place: str
    price_basis: str
    price_usd_per_mt: Decimal | None  # a fixed price only; None for a differential
    price_usd_per_kg: Decimal | None
    price: LotPrice
    indicative: IndicativePrice | None  # fixed + premium, or differential + reference
    references: MarketReferences
    price_valid_until: date | None
    price_expired: bool
    moq_kg: Decimal | None
    moq_bags: int | None
    sample_available: bool
    sample_size_g: int | None
    sample_cost_usd: Decimal | None
    sample_lead_time_days: int | None


@dataclass(frozen=True)
class LotSheet:
    """Everything the public page, printable sheet, PDF and API show about one lot."""

    lot: Lot
    today: date
    volume: VolumeView
    analysis: AnalysisView | None
    sensory: SensoryView | None
    certificates: list[CertificateView]
    eudr: EudrView
    terms: TermsView
    genetics: list = field(default_factory=list)

    @property
    def valid_certificates(self) -> list[CertificateView]:
        return [c for c in self.certificates if c.is_valid]


def certificate_state(certificate: Certificate, today: date) -> str:
    """The state shown on `today`: expiry beats every stored status, so it is never stale."""
    if certificate.valid_to < today:
        return CERT_EXPIRED
    if certificate.status == "suspended":
        return CERT_SUSPENDED
    if certificate.valid_from > today:
        return CERT_NOT_YET_VALID
    if certificate.status == "in_conversion":
        return CERT_IN_CONVERSION
    return CERT_VALID


def analysis_view(analysis: QualityAnalysis) -> AnalysisView:
    """Derive percentages, grades and size class from an analysis' raw counts."""
    cut = quality.CutTest(
        **{name: getattr(analysis, name) for name in quality.COUNT_FIELDS}, n=analysis.cut_test_n
    )
    result = quality.analyse_cut_test(cut)
    return AnalysisView(
        analysis=analysis,
        analysis_date=analysis.analysis_date,
        lab=analysis.lab,
        moisture_pct=analysis.moisture_pct,
        moisture_ok_at_origin=quality.moisture_ok(analysis.moisture_pct),
        bean_count_per_100g=analysis.bean_count_per_100g,
        bean_size=quality.bean_size(analysis.bean_count_per_100g).value,
        cut_test_n=analysis.cut_test_n,
        fermented_pct=units.round_half_up(result.fermented, 1),
        percentages={k: units.round_half_up(v, 1) for k, v in result.percentages.items()},
        defects_pct=units.round_half_up(result.insect_germinated_flat, 1),
        iso_grade=result.iso_grade.value,
        trade_grade=result.trade_grade.value if result.trade_grade else None,
        fermentation_index=analysis.fermentation_index,
        cadmium_mg_kg=analysis.cadmium_mg_kg,
    )


def sensory_view(evaluation: SensoryEvaluation) -> SensoryView:
    """The evaluation's scores on the radar axes that its protocol scores and that were rated."""
    scores = {s.attribute: s.intensity for s in evaluation.scores}
    radar = [
        (code, Decimal(scores[code]))
        for code in RADAR_AXES
        if code in scores and SENSORY_BY_CODE[code].applies_to(evaluation.protocol)
    ]
    return SensoryView(
        evaluation=evaluation,
        protocol=evaluation.protocol,
        evaluator=evaluation.evaluator,
        evaluated_on=evaluation.evaluated_on,
        global_quality=evaluation.global_quality,
        radar=radar,
    )


def _latest(items, key):
    # Relationships are already ordered newest first; max() keeps this right for any order.
    return max(items, key=key) if items else None


def build_sheet(lot: Lot, *, today: date, references: MarketReferences = NO_REFERENCES
                ) -> LotSheet:
    """The view-model of `lot` on `today` (certificate and price validity depend on it);
    `references` (the fair's market prices and exchange rate) give indicative prices."""
    latest_analysis = _latest(lot.analyses, key=lambda a: (a.analysis_date, a.id))
    latest_evaluation = _latest(lot.evaluations, key=lambda e: (e.evaluated_on, e.id))
    volume = units.volume_display(lot.volume_kg)
    price_per_kg = (
        units.usd_per_mt_to_usd_per_kg(lot.price_usd_per_mt)
        if lot.price_usd_per_mt is not None else None
    )
    moq_bags = None
    if lot.moq_kg is not None and lot.net_kg_per_bag:
        moq_bags = units.whole_bags(lot.moq_kg, lot.net_kg_per_bag)
    plots = list(lot.plots)
    return LotSheet(
        lot=lot,
        today=today,
        volume=VolumeView(kg=volume.kg, mt=volume.mt, lb=volume.lb, quintales=volume.quintales),
        analysis=analysis_view(latest_analysis) if latest_analysis else None,
        sensory=sensory_view(latest_evaluation) if latest_evaluation else None,
        certificates=[CertificateView(c, certificate_state(c, today)) for c in lot.certificates],
        eudr=EudrView(
            plots=plots,
            total_area_ha=sum((p.area_ha for p in plots), Decimal(0)),
            production_start=lot.harvest_start,
            production_end=lot.harvest_end,
            has_geolocation=bool(plots),
            has_no_deforestation_evidence=bool(
                lot.no_deforestation_evidence_path or lot.no_deforestation_evidence_url
            ),
            has_legality_evidence=bool(lot.legality_evidence_path),
            dds_reference=lot.dds_reference,
        ),
        terms=TermsView(
            incoterm=lot.incoterm,
            incoterm_place=lot.incoterm_place,
            price_basis=lot.price_basis,
            price_usd_per_mt=lot.price_usd_per_mt,
            price_usd_per_kg=price_per_kg,
            price=lot.price,
            indicative=indicative_price(lot.price, references),
            references=references,
            price_valid_until=lot.price_valid_until,
            price_expired=bool(lot.price_valid_until and lot.price_valid_until < today),
            moq_kg=lot.moq_kg,
            moq_bags=moq_bags,
            sample_available=lot.sample_available,
            sample_size_g=lot.sample_size_g,
            sample_cost_usd=lot.sample_cost_usd,
            sample_lead_time_days=lot.sample_lead_time_days,
        ),
        genetics=list(lot.genetics),
    )
