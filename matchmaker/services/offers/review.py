"""What the cooperative should look at before (and while) buyers read its offer.

Each finding is a plain message with a stable code, computed on read from the offer and its
page (nothing is stored by looking): a name or description that claims a certification the
lots do not fully hold, a volume far below the target, lots changed since publication, and
a blend outside the export moisture limit or below the grade the offer declares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _

from matchmaker.labels import label, number
from matchmaker.lotsheet.quality import MOISTURE_MAX_AT_ORIGIN
from matchmaker.models.offers import ConsolidatedOffer
from matchmaker.services.offers.changes import unreviewed
from matchmaker.services.offers.material import field_label, grade_below, shown
from matchmaker.services.offers.page import OfferPage

# Words in a name or description that promise a certification, and the schemes keeping it.
CLAIMS: dict[str, tuple[re.Pattern, tuple[str, ...]]] = {
    "organic": (re.compile(r"\b(organic|org[aá]nic[oa]s?|bio)\b", re.IGNORECASE),
                ("eu_organic", "usda_nop", "jas")),
    "fairtrade": (re.compile(r"\b(fair\s*trade|comercio\s+justo)\b", re.IGNORECASE),
                  ("fairtrade",)),
    "rainforest_alliance": (re.compile(r"\brainforest\b", re.IGNORECASE),
                            ("rainforest_alliance",)),
}
# Publishing with less than this share of the target asks the cooperative to confirm.
LOW_TARGET_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass(frozen=True)
class Claim:
    """A certification the offer's words promise, and how much of it the lots hold."""

    claim: str
    covered_kg: Decimal
    total_kg: Decimal

    @property
    def is_honest(self) -> bool:
        return self.total_kg > 0 and self.covered_kg >= self.total_kg


def claims(offer: ConsolidatedOffer, page: OfferPage) -> list[Claim]:
    """The certifications the offer's name or description claims, with their coverage."""
    text = " ".join([offer.name_es, offer.name_en, offer.description_es, offer.description_en])
    found = []
    for claim, (pattern, schemes) in CLAIMS.items():
        if not pattern.search(text):
            continue
        covered = max((c.covered_kg for c in page.certifications if c.scheme in schemes),
                      default=Decimal(0))
        found.append(Claim(claim, covered, page.total_kg))
    return found


def claim_label(claim: str) -> str:
    return {"organic": _("organic"), "fairtrade": _("Fairtrade"),
            "rainforest_alliance": label("cert_scheme", "rainforest_alliance")}[claim]


def below_target(offer: ConsolidatedOffer, page: OfferPage) -> bool:
    """Whether the approved volume is under half the target (publishing asks to confirm)."""
    return page.total_kg < offer.target_volume_kg * LOW_TARGET_SHARE


def quality_updated_on(offer: ConsolidatedOffer) -> date | None:
    """The day a lot's quality figures in the offer last changed while it was live (a new
    analysis, or an existing one corrected): stored by `changes.on_lot_changed`."""
    return offer.quality_updated_at.date() if offer.quality_updated_at else None


def grade_left(offer: ConsolidatedOffer, page: OfferPage) -> str | None:
    """The blend's grade when it is below the grade the offer declares, else None."""
    current = page.blend.worst_grade
    return current if grade_below(offer.declared_grade, current) else None


def offer_review(offer: ConsolidatedOffer, page: OfferPage, *, today: date) -> list[Finding]:
    """Everything the cooperative should check on this offer, most serious first."""
    findings: list[Finding] = []
    for claim in claims(offer, page):
        if not claim.is_honest:
            findings.append(Finding("claim_not_covered", _(
                "The offer's name or description says \"%(claim)s\", but certificates cover "
                "only %(covered)s of %(total)s kg. Buyers see the real coverage next to it; "
                "change the words or the lots.", claim=claim_label(claim.claim),
                covered=number(claim.covered_kg, 0), total=number(claim.total_kg, 0))))
    if page.blend.moisture_pct is not None and page.blend.moisture_pct > MOISTURE_MAX_AT_ORIGIN:
        findings.append(Finding("blend_moisture", _(
            "The blend's moisture is %(pct)s %%, above the %(limit)s %% export limit "
            "(ISO 2451).", pct=number(page.blend.moisture_pct, 1),
            limit=number(MOISTURE_MAX_AT_ORIGIN, 1))))
    left = grade_left(offer, page)
    if left:
        findings.append(Finding("grade_left", _(
            "The blend is now %(current)s; the offer declares %(declared)s. Buyers see both: "
            "replace the lot, or declare the lower grade in the terms below.",
            current=label("iso_grade", left), declared=label("iso_grade", offer.declared_grade))))
    for line, found in unreviewed(offer):
        lot = line.lot
        findings.append(Finding("lot_changed", _(
            "Lot %(lot)s changed on %(day)s, after the offer was published: %(changes)s.",
            lot=lot.lot_code, day=format_date(found[-1].changed_at.date()),
            changes="; ".join(f"{field_label(c.field)} {shown(c.field, c.old_value)} → "
                              f"{shown(c.field, c.new_value)}" for c in found))))
    if below_target(offer, page):
        findings.append(Finding("below_target", _(
            "Only %(kg)s of the %(target)s kg target (%(pct)s %%) is approved.",
            kg=number(page.total_kg, 0), target=number(offer.target_volume_kg, 0),
            pct=number(page.target_pct, 1))))
    return findings
