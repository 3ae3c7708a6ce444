"""The offer's EUDR panel: every lot's plots merged into one GeoJSON, one production period.

Plot ids are prefixed with the lot code, since two associations may both call a plot "P-01".
The merged collection is validated again before it is offered for download.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from matchmaker.lotsheet import Problem, errors_only, geo
from matchmaker.models import Lot


@dataclass(frozen=True)
class OfferEudr:
    """Merged geolocation of an offer and what is still missing, lot by lot."""

    collection: dict[str, Any]
    problems: list[Problem]
    production_start: date | None
    production_end: date | None
    plot_count: int
    total_area_ha: Decimal
    lots_without_plots: list[Lot] = field(default_factory=list)
    lots_without_evidence: list[Lot] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return (not self.problems and not self.lots_without_plots
                and not self.lots_without_evidence and self.plot_count > 0)


def lot_collection(lot: Lot) -> dict[str, Any]:
    """One lot's plots as an EU FeatureCollection (unchecked; the merge is checked once)."""
    plots = [
        geo.Plot(f"{lot.lot_code}/{p.plot_ref}", p.producer_name,
                 p.production_place or lot.community, p.area_ha, p.geometry_json,
                 p.declared_area_ha)
        for p in lot.plots
    ]
    return geo.eudr_feature_collection(plots, check=False)


def merge_offer(lots: Iterable[Lot]) -> OfferEudr:
    """Merge the plots of `lots` (each lot once) and re-validate the result."""
    unique: list[Lot] = []
    for lot in lots:
        if lot not in unique:
            unique.append(lot)
    collections = [lot_collection(lot) for lot in unique if lot.plots]
    merged = geo.merge_collections(*collections) if collections else {
        "type": "FeatureCollection", "features": []}
    problems = errors_only(geo.validate_eudr_collection(merged)) if merged["features"] else []
    return OfferEudr(
        collection=merged,
        problems=problems,
        production_start=min((lot.harvest_start for lot in unique), default=None),
        production_end=max((lot.harvest_end for lot in unique), default=None),
        plot_count=len(merged["features"]),
        total_area_ha=sum((p.area_ha for lot in unique for p in lot.plots), Decimal(0)),
        lots_without_plots=[lot for lot in unique if not lot.plots],
        lots_without_evidence=[
            lot for lot in unique
            if not (lot.no_deforestation_evidence_path or lot.no_deforestation_evidence_url)
            or not lot.legality_evidence_path
        ],
    )


def geojson_text(eudr: OfferEudr) -> str:
    """The merged collection as text, coordinates digit for digit."""
    return geo.dumps_geojson(eudr.collection)
