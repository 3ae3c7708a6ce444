"""Which certifications cover the whole offer and which only a share of it.

A scheme covers the offer fully only if EVERY line's lot holds a certificate of that
scheme that is valid on the day (certified, within its dates; "in conversion" and suspended
certificates do not count). Otherwise the share is stated in kg and percent, never rounded
up to "covered".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from matchmaker.lotsheet import units
from matchmaker.models import Certificate, Lot
from matchmaker.services.lots.sheet import CERT_VALID, certificate_state


@dataclass(frozen=True)
class SchemeCoverage:
    """How much of the offer one scheme covers on the day, and who holds the certificates."""

    scheme: str
    scheme_other: str
    covered_kg: Decimal
    total_kg: Decimal
    holders: tuple[str, ...]
    lot_codes: tuple[str, ...]

    @property
    def is_full(self) -> bool:
        return self.total_kg > 0 and self.covered_kg == self.total_kg

    @property
    def percent(self) -> Decimal:
        """Share covered, one decimal, rounded DOWN so that 99.96 % never shows as 100 %."""
        if self.total_kg <= 0:
            return Decimal(0)
        share = self.covered_kg * 100 / self.total_kg
        return share.quantize(Decimal("0.1"), rounding="ROUND_DOWN")


def _valid(certificate: Certificate, today: date) -> bool:
    return certificate_state(certificate, today) == CERT_VALID


def coverage(lines: Iterable[tuple[Lot, Decimal]], *, today: date) -> list[SchemeCoverage]:
    """Per scheme, the kg of `lines` covered on `today`; full coverage first, then by share."""
    pairs = [(lot, Decimal(kg)) for lot, kg in lines]
    total = sum((kg for _, kg in pairs), Decimal(0))
    found: dict[tuple[str, str], dict] = {}
    for lot, kg in pairs:
        seen_here: set[tuple[str, str]] = set()
        for certificate in lot.certificates:
            if not _valid(certificate, today):
                continue
            key = (certificate.scheme,
                   certificate.scheme_other.strip() if certificate.scheme == "other" else "")
            entry = found.setdefault(key, {"kg": Decimal(0), "holders": [], "lots": []})
            if certificate.holder not in entry["holders"]:
                entry["holders"].append(certificate.holder)
            if key in seen_here:  # two valid certificates of one scheme: count the kg once
                continue
            seen_here.add(key)
            entry["kg"] += kg
            entry["lots"].append(lot.lot_code)
    result = [
        SchemeCoverage(scheme, other, entry["kg"], total, tuple(entry["holders"]),
                       tuple(entry["lots"]))
        for (scheme, other), entry in found.items()
    ]
    result.sort(key=lambda c: (not c.is_full, -c.covered_kg, c.scheme, c.scheme_other))
    return result


def fully_covering(items: list[SchemeCoverage]) -> list[SchemeCoverage]:
    return [c for c in items if c.is_full]


def share_of_container(kg: Decimal) -> Decimal:
    """Share of a 20-ft container in percent, one decimal."""
    return units.round_half_up(units.container_share(kg) * 100, 1)
