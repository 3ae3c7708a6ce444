"""Blended quality of an offer: volume-weighted figures from each lot's latest analysis.

Wired to `lotsheet.quality.blend`. A lot without any analysis cannot be blended: it is
named, left out of the averages, and the blend is marked partial, never silently complete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from matchmaker.lotsheet import quality, units
from matchmaker.models import Lot, QualityAnalysis


@dataclass(frozen=True)
class LotQuality:
    """One lot's own grade and latest analysis, as listed beside the blend."""

    lot: Lot
    kg: Decimal
    analysis_date: date | None
    grade: str | None
    moisture_pct: Decimal | None
    bean_count: int | None
    fermented_pct: Decimal | None


@dataclass(frozen=True)
class BlendSummary:
    """The blend of the analysed lots; `partial` when some kg have no analysis."""

    lots: list[LotQuality]
    blended_kg: Decimal
    total_kg: Decimal
    moisture_pct: Decimal | None  # one decimal
    bean_count: Decimal | None  # whole beans per 100 g
    fermented_pct: Decimal | None  # one decimal
    worst_grade: str | None
    unanalysed: list[Lot]

    @property
    def partial(self) -> bool:
        return bool(self.unanalysed)


def latest_analysis(lot: Lot) -> QualityAnalysis | None:
    """The newest analysis by date, then id (the relationship order is not relied upon)."""
    return max(lot.analyses, key=lambda a: (a.analysis_date, a.id)) if lot.analyses else None


def blend_lines(lines: Iterable[tuple[Lot, Decimal]]) -> BlendSummary:
    """Blend (lot, kg) pairs; exact arithmetic, rounded half-up only for display."""
    rows: list[LotQuality] = []
    parts: list[quality.BlendPart] = []
    unanalysed: list[Lot] = []
    total = Decimal(0)
    for lot, kg in lines:
        kg = Decimal(kg)
        total += kg
        analysis = latest_analysis(lot)
        if analysis is None:
            unanalysed.append(lot)
            rows.append(LotQuality(lot, kg, None, None, None, None, None))
            continue
        rows.append(LotQuality(lot, kg, analysis.analysis_date, analysis.iso_grade,
                               analysis.moisture_pct, analysis.bean_count_per_100g,
                               analysis.fermented_pct))
        parts.append(quality.BlendPart(kg=kg, moisture=analysis.moisture_pct,
                                       bean_count=analysis.bean_count_per_100g,
                                       fermented_pct=analysis.fermented_pct,
                                       grade=analysis.iso_grade))
    if not parts:
        return BlendSummary(rows, Decimal(0), total, None, None, None, None, unanalysed)
    result = quality.blend(parts)
    return BlendSummary(
        lots=rows,
        blended_kg=units.to_decimal(result.kg),
        total_kg=total,
        moisture_pct=units.round_half_up(result.moisture, 1),
        bean_count=units.round_half_up(result.bean_count, 0),
        fermented_pct=units.round_half_up(result.fermented_pct, 1),
        worst_grade=result.grade.value,
        unanalysed=unanalysed,
    )
