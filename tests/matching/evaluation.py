"""Precision@5 of the ranking on the labelled set, and hard-requirement violations in any top 10.

The violation check re-implements the hard rules here, independently of the scorer, so a
scorer bug that lets a ruled-out lot through is counted rather than trusted.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.matching import Demand, Supply, rank
from tests.matching.eval_set import BUYERS, SUPPLIES


def hard_violations(demand: Demand, supply: Supply) -> list[str]:
    """The hard requirements `supply` breaks for `demand` (empty when it may be recommended)."""
    broken = []
    if demand.product_forms and supply.product_form not in demand.product_forms:
        broken.append("product_form")
    held = {c.scheme for c in supply.certificates}
    if not demand.certifications <= held:
        broken.append("certification")
    if demand.eudr_required and not supply.eudr_ready:
        broken.append("eudr")
    if demand.shipment_min_mt is not None:
        want = demand.shipment_min_mt * 1000
        if supply.available_kg < want and not any(o.available_kg >= want for o in supply.offers):
            broken.append("volume")
    if demand.volume_year_max_mt is not None and supply.moq_kg \
            and supply.moq_kg > demand.volume_year_max_mt * 1000:
        broken.append("volume")
    return broken


@dataclass(frozen=True)
class BuyerResult:
    name: str
    top: list[str]
    relevant: frozenset[str]
    hits_at_5: int
    shown_at_5: int
    violations_top10: int

    @property
    def precision_at_5(self) -> float | None:
        return self.hits_at_5 / self.shown_at_5 if self.shown_at_5 else None


def evaluate() -> list[BuyerResult]:
    results = []
    for name, demand, relevant in BUYERS:
        fitting, _ = rank(demand, SUPPLIES)
        top = [m.supply.code for m in fitting]
        top5 = top[:5]
        violations = sum(1 for m in fitting[:10] if hard_violations(demand, m.supply))
        results.append(BuyerResult(name, top, relevant, len(set(top5) & relevant), len(top5),
                                   violations))
    return results


def summary(results: list[BuyerResult]) -> dict[str, float | int]:
    judged = [r for r in results if r.precision_at_5 is not None]
    strict = [r.hits_at_5 / 5 for r in results if r.relevant]
    relevant_total = sum(min(5, len(r.relevant)) for r in results)
    return {
        "buyers": len(results),
        "buyers_with_recommendations": len(judged),
        "precision_at_5": round(sum(r.precision_at_5 for r in judged) / len(judged), 3),
        "strict_precision_at_5": round(sum(strict) / len(strict), 3),
        "recall_at_5": round(sum(r.hits_at_5 for r in results) / relevant_total, 3),
        "violations_top10": sum(r.violations_top10 for r in results),
    }
