"""Similar lots: the nearest by quality and flavour profile (a plain Euclidean distance)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from matchmaker.lotsheet.quality import grade_rank
from matchmaker.lotsheet.vocab import RADAR_AXES
from matchmaker.matching.model import Supply
from matchmaker.matching.weights import SIMILARITY_SCALE


def _features(supply: Supply) -> dict[str, float | None]:
    features: dict[str, float | None] = {
        f"flavour:{axis}": float(supply.flavour[axis]) * SIMILARITY_SCALE["flavour"]
        if axis in supply.flavour else None
        for axis in RADAR_AXES
    }
    features["fermented_pct"] = (float(supply.fermented_pct) * SIMILARITY_SCALE["fermented_pct"]
                                 if supply.fermented_pct is not None else None)
    features["grade"] = (grade_rank(supply.iso_grade) * SIMILARITY_SCALE["grade"]
                         if supply.iso_grade else None)
    features["global_quality"] = (float(supply.global_quality)
                                  * SIMILARITY_SCALE["global_quality"]
                                  if supply.global_quality is not None else None)
    return features


def distance(a: Supply, b: Supply) -> float | None:
    """How far apart two supplies are; None when they share no measured feature."""
    fa, fb = _features(a), _features(b)
    known = [k for k in fa if fa[k] is not None or fb[k] is not None]
    if not any(fa[k] is not None and fb[k] is not None for k in known):
        return None
    # Mean over every feature either lot has; one measured and one unknown counts as a fixed
    # gap, so a lot without sensory data is never "closer" merely for saying less.
    gap = SIMILARITY_SCALE["unknown"]
    squared = sum(((fa[k] - fb[k]) if fa[k] is not None and fb[k] is not None else gap) ** 2
                  for k in known) / len(known)
    form_gap = 0.0 if a.product_form == b.product_form else SIMILARITY_SCALE["other_form"]
    return math.sqrt(squared + form_gap ** 2)


def similar(target: Supply, others: Iterable[Supply], n: int = 3) -> list[tuple[Supply, float]]:
    """The `n` supplies nearest to `target` (never itself), nearest first, ties by code."""
    scored = []
    for other in others:
        if other.key == target.key:
            continue
        d = distance(target, other)
        if d is not None:
            scored.append((other, round(d, 3)))
    scored.sort(key=lambda pair: (pair[1], pair[0].code))
    return scored[:n]
