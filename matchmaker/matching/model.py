"""Plain values the matcher works on: a buyer's demand, a supply (lot or offer), findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

REASON = "reason"    # a requirement met: adds points
MISS = "miss"        # a soft requirement not met: costs points, still listed
EXCLUDE = "exclude"  # a hard requirement not met: never recommended
NOTE = "note"        # worth saying, no points (a differential price)
SIGNAL = "signal"    # from behaviour (interest, samples, scans, meetings), labelled as such

# Who reads a finding: the buyer ("you want ≥ 80 %") or a rep looking at buyers to meet
# ("the buyer wants ≥ 80 %"). A rep's wording names the buyer as the parameter %(buyer)s.
BUYER = "buyer"
REP = "rep"


@dataclass(frozen=True)
class Label:
    """A message parameter made of untranslated labels (translated and joined when rendering)."""

    parts: tuple[str, ...]

    @classmethod
    def of(cls, *parts: str) -> Label:
        return cls(tuple(parts))


@dataclass(frozen=True)
class Month:
    """A date parameter shown as its month ("2027-03")."""

    day: date


@dataclass(frozen=True)
class Demand:
    """What a buyer asks for; empty sets and None mean "no preference"."""

    product_forms: frozenset[str] = frozenset()
    volume_year_min_mt: Decimal | None = None
    volume_year_max_mt: Decimal | None = None
    shipment_min_mt: Decimal | None = None
    min_iso_grade: str | None = None
    min_fermented_pct: Decimal | None = None
    max_moisture_pct: Decimal | None = None
    certifications: frozenset[str] = frozenset()
    flavours: frozenset[str] = frozenset()
    genetics: frozenset[str] = frozenset()
    incoterms: frozenset[str] = frozenset()
    price_ceiling_usd_per_mt: Decimal | None = None
    delivery_from: date | None = None
    delivery_to: date | None = None
    eudr_required: bool = False
    languages: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        """True when the buyer has stated nothing the matcher can use."""
        return not any((self.product_forms, self.shipment_min_mt, self.min_iso_grade,
                        self.min_fermented_pct, self.max_moisture_pct, self.certifications,
                        self.flavours, self.genetics, self.incoterms,
                        self.price_ceiling_usd_per_mt, self.delivery_to, self.eudr_required,
                        self.volume_year_max_mt))


@dataclass(frozen=True)
class CertificateInfo:
    """A certificate valid on the day of the match (for an offer: covering all of it)."""

    scheme: str
    valid_to: date


@dataclass(frozen=True)
class OfferRef:
    """A published consolidated offer that contains a lot."""

    code: str
    name: str
    available_kg: Decimal


@dataclass(frozen=True)
class Supply:
    """A lot, or a consolidated offer, as the matcher sees it."""

    kind: str  # "lot" or "offer"
    code: str
    name: str
    organisation_id: int
    organisation_name: str
    product_form: str
    available_kg: Decimal
    moq_kg: Decimal | None = None
    iso_grade: str | None = None
    fermented_pct: Decimal | None = None
    moisture_pct: Decimal | None = None
    global_quality: Decimal | None = None
    flavour: Mapping[str, Decimal] = field(default_factory=dict)
    genetics: Mapping[str, Decimal] = field(default_factory=dict)  # code → % of volume
    certificates: tuple[CertificateInfo, ...] = ()
    eudr_ready: bool = False
    incoterm: str = ""
    incoterm_place: str = ""
    # "fixed" (firm), "indicative" (differential + market reference) or "differential" (no
    # reference: no figure to compare); the caller's one price function decides.
    price_basis: str = "fixed"
    price_usd_per_mt: Decimal | None = None
    harvest_end: date | None = None
    offers: tuple[OfferRef, ...] = ()
    region: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.code)


@dataclass(frozen=True)
class Finding:
    """One explained criterion: an untranslated message with parameters, and its points.

    `message` is worded for the buyer; `rep_message`, when the wording depends on the reader,
    for a rep (naming the buyer as %(buyer)s). Read either through `message_for`.
    """

    criterion: str
    kind: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    points: float = 0.0
    rep_message: str = ""

    def message_for(self, audience: str) -> str:
        """The untranslated message worded for `audience` (BUYER or REP)."""
        return self.rep_message if audience == REP and self.rep_message else self.message


@dataclass(frozen=True)
class Match:
    """A supply judged against a demand: its score and why."""

    supply: Supply
    score: float
    findings: tuple[Finding, ...]

    @property
    def excluded(self) -> bool:
        return any(f.kind == EXCLUDE for f in self.findings)

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    @property
    def reasons(self) -> list[Finding]:
        return self.of_kind(REASON)

    @property
    def misses(self) -> list[Finding]:
        return self.of_kind(MISS)

    @property
    def notes(self) -> list[Finding]:
        return self.of_kind(NOTE)

    @property
    def exclusions(self) -> list[Finding]:
        return self.of_kind(EXCLUDE)

    @property
    def signals(self) -> list[Finding]:
        return self.of_kind(SIGNAL)
