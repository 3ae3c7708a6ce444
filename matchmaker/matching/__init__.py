"""Matchmaking on plain data: a buyer's demand against lots and consolidated offers.

No Flask, no SQLAlchemy. `scoring.match` explains one (demand, supply) pair as findings
(reasons, misses, exclusions, signals), each with its points; `ranking` orders them for a
buyer, a rep or the organiser; `similar` finds the nearest lots by quality and flavour.
Every weight lives in `weights.py`. Messages are untranslated English marked with `N_`,
with `%(name)s` parameters; callers translate and format them at render time. A finding
whose wording depends on the reader carries a second message for reps, where the buyer is
%(buyer)s ("Fermented 86 %, you want ≥ 80 %" / "…, Anna wants ≥ 80 %").
"""

from matchmaker.matching.model import (
    BUYER,
    EXCLUDE,
    MISS,
    NOTE,
    REASON,
    REP,
    SIGNAL,
    CertificateInfo,
    Demand,
    Finding,
    Label,
    Match,
    Month,
    OfferRef,
    Supply,
)
from matchmaker.matching.ranking import BuyerFit, Overview, buyers_for_supplies, overview, rank
from matchmaker.matching.scoring import match
from matchmaker.matching.similar import similar

__all__ = [
    "BUYER", "EXCLUDE", "MISS", "NOTE", "REASON", "REP", "SIGNAL", "BuyerFit", "CertificateInfo", "Demand",
    "Finding", "Label", "Match", "Month", "OfferRef", "Overview", "Supply",
    "buyers_for_supplies", "match", "overview", "rank", "similar",
]
