"""Cacao lots and their product sheet: genetics, photos, analyses, sensory, certificates, plots.

Raw measurements are stored; percentages and grades are derived by `matchmaker.lotsheet`
and only cached here (`iso_grade`, `fermented_pct`) where the catalogue must filter on them.
Field names follow ../shared/domain/cacao-lot-sheet.md.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from matchmaker.lotsheet.pricing import (
    NO_REFERENCES,
    LotPrice,
    MarketReferences,
    indicative_price,
)
from matchmaker.models.accounts import Organisation
from matchmaker.models.base import Base, UTCDateTime, utcnow


class Lot(Base):
    """One lot offered for sale, with its identity, origin, post-harvest and terms."""

    __tablename__ = "lot"
    __table_args__ = (
        CheckConstraint("volume_kg >= 0", name="volume_non_negative"),
        CheckConstraint("harvest_end >= harvest_start", name="harvest_in_order"),
        CheckConstraint("altitude_max IS NULL OR altitude_min IS NULL OR altitude_max >= altitude_min",
                        name="altitude_in_order"),
        CheckConstraint("price_usd_per_mt IS NULL OR price_usd_per_mt >= 0", name="price_non_negative"),
        CheckConstraint("price_basis IN ('fixed', 'differential')", name="price_basis_known"),
        # One kind of price at a time: a fixed price has no differential and vice versa.
        CheckConstraint("price_basis = 'differential' OR price_differential_usd_mt IS NULL",
                        name="fixed_has_no_differential"),
        CheckConstraint("price_basis = 'fixed' OR price_usd_per_mt IS NULL",
                        name="differential_has_no_fixed_price"),
        CheckConstraint("price_premium_usd_mt IS NULL OR price_premium_usd_mt >= 0",
                        name="premium_non_negative"),
        Index("ix_lot_published_org", "is_published", "organisation_id"),
        # Catalogue default order (newest first) without sorting every published lot.
        Index("ix_lot_catalogue_newest", "is_published", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # 1. Identity and logistics
    lot_code: Mapped[str] = mapped_column(String(40), unique=True)
    name_es: Mapped[str] = mapped_column(String(160), default="")
    name_en: Mapped[str] = mapped_column(String(160), default="")
    product_form: Mapped[str] = mapped_column(String(20), default="dry_fermented")
    harvest_start: Mapped[date] = mapped_column(Date)
    harvest_end: Mapped[date] = mapped_column(Date)
    volume_kg: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    bag_count: Mapped[int | None] = mapped_column(Integer)
    net_kg_per_bag: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    bag_type: Mapped[str] = mapped_column(String(20), default="jute")
    hs_code: Mapped[str] = mapped_column(String(20), default="1801.00")
    warehouse_es: Mapped[str] = mapped_column(String(160), default="")
    warehouse_en: Mapped[str] = mapped_column(String(160), default="")
    # 2. Origin and traceability
    exporter_of_record: Mapped[str] = mapped_column(String(160), default="")
    country: Mapped[str] = mapped_column(String(2), default="PE")
    region: Mapped[str] = mapped_column(String(80), default="")
    province: Mapped[str] = mapped_column(String(80), default="")
    community: Mapped[str] = mapped_column(String(120), default="")
    altitude_min: Mapped[int | None] = mapped_column(Integer)
    altitude_max: Mapped[int | None] = mapped_column(Integer)
    n_producers: Mapped[int | None] = mapped_column(Integer)
    area_ha: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    production_system: Mapped[str] = mapped_column(String(20), default="")
    fine_flavour_note_es: Mapped[str] = mapped_column(Text, default="")
    fine_flavour_note_en: Mapped[str] = mapped_column(Text, default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # 3. Post-harvest
    processing_site: Mapped[str] = mapped_column(String(20), default="")
    ferment_vessel: Mapped[str] = mapped_column(String(20), default="")
    ferment_hours: Mapped[int | None] = mapped_column(Integer)
    turns: Mapped[int | None] = mapped_column(Integer)
    wood_species_es: Mapped[str] = mapped_column(String(120), default="")
    wood_species_en: Mapped[str] = mapped_column(String(120), default="")
    pre_drying: Mapped[bool | None] = mapped_column(Boolean)
    dry_method: Mapped[str] = mapped_column(String(20), default="")
    dry_days: Mapped[int | None] = mapped_column(Integer)
    # 7. EUDR evidence (plots are rows of ProductionPlot)
    no_deforestation_evidence_path: Mapped[str | None] = mapped_column(String(255))
    no_deforestation_evidence_url: Mapped[str] = mapped_column(String(500), default="")
    legality_evidence_path: Mapped[str | None] = mapped_column(String(255))
    dds_reference: Mapped[str] = mapped_column(String(80), default="")
    dds_verification: Mapped[str] = mapped_column(String(80), default="")
    # 8. Commercial terms
    incoterm: Mapped[str] = mapped_column(String(3), default="FCA")
    incoterm_place: Mapped[str] = mapped_column(String(120), default="")
    # Prices: see matchmaker.lotsheet.pricing. `price_usd_per_mt` is the FIXED price only;
    # a differential lives in `price_differential_usd_mt` against `price_market`.
    price_basis: Mapped[str] = mapped_column(String(30), default="fixed")
    price_usd_per_mt: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    price_differential_usd_mt: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    price_market: Mapped[str] = mapped_column(String(20), default="")
    price_market_other_es: Mapped[str] = mapped_column(String(80), default="")
    price_market_other_en: Mapped[str] = mapped_column(String(80), default="")
    ice_contract_month_es: Mapped[str] = mapped_column(String(20), default="")
    ice_contract_month_en: Mapped[str] = mapped_column(String(20), default="")
    price_premium_usd_mt: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    price_premium_kind: Mapped[str] = mapped_column(String(20), default="")
    price_valid_until: Mapped[date | None] = mapped_column(Date)
    moq_kg: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    sample_available: Mapped[bool] = mapped_column(Boolean, default=True)
    sample_size_g: Mapped[int | None] = mapped_column(Integer)
    sample_cost_usd: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    sample_lead_time_days: Mapped[int | None] = mapped_column(Integer)
    payment_terms_es: Mapped[str] = mapped_column(String(255), default="")
    payment_terms_en: Mapped[str] = mapped_column(String(255), default="")
    ship_window_es: Mapped[str] = mapped_column(String(120), default="")
    ship_window_en: Mapped[str] = mapped_column(String(120), default="")
    export_docs: Mapped[str] = mapped_column(String(255), default="")  # comma-separated codes
    # Catalogue caches, refreshed by services whenever an analysis or evaluation changes.
    latest_iso_grade: Mapped[str | None] = mapped_column(String(2), index=True)
    latest_global_quality: Mapped[Decimal | None] = mapped_column(Numeric(3, 1))
    # State
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    genetics: Mapped[list[LotGenetics]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotGenetics.share_pct.desc()"
    )
    photos: Mapped[list[LotPhoto]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotPhoto.position"
    )
    analyses: Mapped[list[QualityAnalysis]] = relationship(
        back_populates="lot", cascade="all, delete-orphan",
        order_by="(QualityAnalysis.analysis_date.desc(), QualityAnalysis.id.desc())",
    )
    evaluations: Mapped[list[SensoryEvaluation]] = relationship(
        back_populates="lot", cascade="all, delete-orphan",
        order_by="(SensoryEvaluation.evaluated_on.desc(), SensoryEvaluation.id.desc())",
    )
    certificates: Mapped[list[Certificate]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="Certificate.valid_to.desc()"
    )
    plots: Mapped[list[ProductionPlot]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="ProductionPlot.plot_ref"
    )

    @property
    def export_doc_codes(self) -> list[str]:
        return [c for c in self.export_docs.split(",") if c]

    @property
    def price(self) -> LotPrice:
        """The price as the seller stated it (fixed or differential, with any premium)."""
        return LotPrice(
            basis=self.price_basis, fixed_usd_mt=self.price_usd_per_mt,
            differential_usd_mt=self.price_differential_usd_mt, market=self.price_market,
            market_other=self.price_market_other_es, market_other_en=self.price_market_other_en,
            contract_month=self.ice_contract_month_es,
            contract_month_en=self.ice_contract_month_en,
            premium_usd_mt=self.price_premium_usd_mt, premium_kind=self.price_premium_kind)

    def indicative_price_usd_mt(self, references: MarketReferences = NO_REFERENCES
                                ) -> Decimal | None:
        """The price to compare and cap by, USD/MT: fixed + premium, or differential +
        premium + the reference price in `references` (see services.lots.pricing for the
        event's references). None when it cannot be known."""
        indicative = indicative_price(self.price, references)
        return indicative.usd_mt if indicative else None

    def name(self, locale: str) -> str:
        preferred = self.name_en if locale == "en" else self.name_es
        return preferred or self.name_es or self.name_en or self.lot_code

    def __repr__(self) -> str:
        return f"<Lot {self.lot_code}>"


class LotGenetics(Base):
    """One genetic material in a lot, with its share of the volume."""

    __tablename__ = "lot_genetics"
    __table_args__ = (
        CheckConstraint("share_pct > 0 AND share_pct <= 100", name="share_range"),
        UniqueConstraint("lot_id", "genetics", "variety_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    genetics: Mapped[str] = mapped_column(String(30), index=True)
    variety_name: Mapped[str] = mapped_column(String(120), default="")
    share_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    lot: Mapped[Lot] = relationship(back_populates="genetics")


class LotPhoto(Base):
    """A photo of the lot, its plots or its people; EXIF stripped on upload."""

    __tablename__ = "lot_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str] = mapped_column(String(255))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    caption_es: Mapped[str] = mapped_column(String(255), default="")
    caption_en: Mapped[str] = mapped_column(String(255), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    lot: Mapped[Lot] = relationship(back_populates="photos")

    @property
    def thumb_size(self) -> tuple[int, int]:
        """Width and height of the stored thumbnail: the photo scaled to fit a square of
        `THUMB_SIDE`, never enlarged (as `uploads.save_image` makes it)."""
        scale = min(1.0, THUMB_SIDE / max(self.width, self.height, 1))
        return max(1, round(self.width * scale)), max(1, round(self.height * scale))


# The longest side of a photo's thumbnail (matchmaker/uploads.py makes them).
THUMB_SIDE = 480


class QualityAnalysis(Base):
    """A physical quality analysis (ISO 2451 / cut test ISO 1114) with raw counts."""

    __tablename__ = "quality_analysis"
    __table_args__ = (
        CheckConstraint("cut_test_n > 0", name="cut_test_n_positive"),
        CheckConstraint(
            "well_fermented + partly_fermented + purple + slaty + mouldy + insect_damaged"
            " + germinated + flat = cut_test_n", name="counts_sum"),
        CheckConstraint("moisture_pct >= 0 AND moisture_pct <= 100", name="moisture_range"),
        CheckConstraint("bean_count_per_100g > 0", name="bean_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    analysis_date: Mapped[date] = mapped_column(Date)
    lab: Mapped[str] = mapped_column(String(160))
    sample_kg: Mapped[Decimal | None] = mapped_column(Numeric(8, 3))
    report_path: Mapped[str | None] = mapped_column(String(255))
    moisture_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    bean_count_per_100g: Mapped[int] = mapped_column(Integer)
    cut_test_n: Mapped[int] = mapped_column(Integer, default=300)
    well_fermented: Mapped[int] = mapped_column(Integer, default=0)
    partly_fermented: Mapped[int] = mapped_column(Integer, default=0)
    purple: Mapped[int] = mapped_column(Integer, default=0)
    slaty: Mapped[int] = mapped_column(Integer, default=0)
    mouldy: Mapped[int] = mapped_column(Integer, default=0)
    insect_damaged: Mapped[int] = mapped_column(Integer, default=0)
    germinated: Mapped[int] = mapped_column(Integer, default=0)
    flat: Mapped[int] = mapped_column(Integer, default=0)
    foreign_matter_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    cocoa_related_matter_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    flat_beans_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    sievings_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    fermentation_index: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    ffa_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    fat_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    shell_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    cadmium_mg_kg: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    ota_report_path: Mapped[str | None] = mapped_column(String(255))
    pah_report_path: Mapped[str | None] = mapped_column(String(255))
    pesticides_report_path: Mapped[str | None] = mapped_column(String(255))
    cut_test_photo_path: Mapped[str | None] = mapped_column(String(255))
    # Derived from the counts by matchmaker.lotsheet.quality when saved; never typed in.
    iso_grade: Mapped[str] = mapped_column(String(2))
    fermented_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lot: Mapped[Lot] = relationship(back_populates="analyses")


class SensoryEvaluation(Base):
    """A sensory evaluation under one protocol, with 0–10 attribute intensities."""

    __tablename__ = "sensory_evaluation"
    __table_args__ = (
        CheckConstraint("global_quality >= 0 AND global_quality <= 10", name="global_quality_range"),
        # The catalogue's flavour filter looks up each lot's newest evaluation.
        Index("ix_sensory_evaluation_lot_latest", "lot_id", "evaluated_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    protocol: Mapped[str] = mapped_column(String(30))
    evaluator: Mapped[str] = mapped_column(String(160))
    panel_size: Mapped[int | None] = mapped_column(Integer)
    evaluated_on: Mapped[date] = mapped_column(Date)
    roast_profile_es: Mapped[str] = mapped_column(String(160), default="")
    roast_profile_en: Mapped[str] = mapped_column(String(160), default="")
    global_quality: Mapped[Decimal] = mapped_column(Numeric(3, 1))
    flavour_notes_es: Mapped[str] = mapped_column(Text, default="")
    flavour_notes_en: Mapped[str] = mapped_column(Text, default="")
    awards_es: Mapped[str] = mapped_column(Text, default="")
    awards_en: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lot: Mapped[Lot] = relationship(back_populates="evaluations")
    scores: Mapped[list[SensoryScore]] = relationship(
        back_populates="evaluation", cascade="all, delete-orphan"
    )

    def score(self, attribute_code: str) -> Decimal | None:
        for item in self.scores:
            if item.attribute == attribute_code:
                return item.intensity
        return None


class SensoryScore(Base):
    """One attribute intensity (0 absent … 10 maximum) of an evaluation."""

    __tablename__ = "sensory_score"
    __table_args__ = (
        CheckConstraint("intensity >= 0 AND intensity <= 10", name="intensity_range"),
        UniqueConstraint("evaluation_id", "attribute"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("sensory_evaluation.id", ondelete="CASCADE"), index=True
    )
    attribute: Mapped[str] = mapped_column(String(40), index=True)
    intensity: Mapped[Decimal] = mapped_column(Numeric(3, 1))

    evaluation: Mapped[SensoryEvaluation] = relationship(back_populates="scores")


class Certificate(Base):
    """A certificate covering the lot; validity is derived from the dates, never stored."""

    __tablename__ = "certificate"
    __table_args__ = (CheckConstraint("valid_to >= valid_from", name="validity_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(30), index=True)
    scheme_other: Mapped[str] = mapped_column(String(120), default="")
    holder: Mapped[str] = mapped_column(String(160))
    certificate_no: Mapped[str] = mapped_column(String(80))
    certifier_name: Mapped[str] = mapped_column(String(160))
    certifier_code: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(20), default="certified")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date, index=True)
    file_path: Mapped[str | None] = mapped_column(String(255))
    verify_url: Mapped[str] = mapped_column(String(500), default="")

    lot: Mapped[Lot] = relationship(back_populates="certificates")

    def is_valid_on(self, day: date) -> bool:
        """Valid means certified (or in conversion) and within its dates on `day`."""
        return self.status in ("certified", "in_conversion") and self.valid_from <= day <= self.valid_to


class ProductionPlot(Base):
    """A production plot for EUDR geolocation: a Point (≤ 4 ha) or a Polygon, as GeoJSON."""

    __tablename__ = "production_plot"
    __table_args__ = (
        CheckConstraint("area_ha > 0", name="area_positive"),
        CheckConstraint("geometry_type IN ('Point', 'Polygon')", name="geometry_type"),
        CheckConstraint("geometry_type = 'Polygon' OR area_ha <= 4", name="point_only_small"),
        UniqueConstraint("lot_id", "plot_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    plot_ref: Mapped[str] = mapped_column(String(60))
    producer_name: Mapped[str] = mapped_column(String(160))
    production_place: Mapped[str] = mapped_column(String(160), default="")
    # The area the sheet and the EUDR export use: measured from a polygon, declared for a point.
    area_ha: Mapped[Decimal] = mapped_column(Numeric(10, 4))
    # The area the rep or the imported file stated, kept when it differs from the measured one.
    declared_area_ha: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    geometry_type: Mapped[str] = mapped_column(String(10))
    # The geometry exactly as validated, decimals kept as typed (EUDR wants ≥ 6).
    geometry_json: Mapped[str] = mapped_column(Text)

    lot: Mapped[Lot] = relationship(back_populates="plots")


# Every part of a lot's sheet lives in its own table; touching the lot whenever one of them
# changes makes `Lot.updated_at` a version stamp of the whole sheet (the public page cache
# relies on it).
_SHEET_PARTS = (LotGenetics, LotPhoto, QualityAnalysis, SensoryEvaluation, Certificate, ProductionPlot)


@event.listens_for(Session, "before_flush")
def _touch_lots_of_changed_sheet_parts(session: Session, _context, _instances) -> None:
    lot_ids: set[int] = set()
    touched: list[Lot] = []
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, SensoryScore):
            obj = obj.evaluation
        if isinstance(obj, _SHEET_PARTS) and obj is not None:
            lot = obj.__dict__.get("lot")
            if lot is not None:
                touched.append(lot)
            elif obj.lot_id is not None:
                lot_ids.add(obj.lot_id)
    with session.no_autoflush:
        touched.extend(session.get(Lot, lot_id) for lot_id in lot_ids)
    now = utcnow()
    for lot in touched:
        if lot is not None and lot not in session.deleted:
            lot.updated_at = now
