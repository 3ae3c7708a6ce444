"""Suggest a consolidation: which available lots, and how many kg of each, meet a wanted volume.

Two steps. `screen` drops lots that break the buyer's constraints and says why (a stable
reason code per lot). `optimise` then picks quantities: lots with a bag weight are taken in
whole bags, others in whole kg, never below a lot's minimum order; the set must reach the
wanted volume. In "price" mode it minimises the total cost (so the volume-weighted price at
the wanted volume), then the kg over the wanted volume. In "grade" mode it first uses only
the best grade that can reach the volume (I, else I–II, else all), then the same.

Whole bags and minimum orders make this a small integer programme, not the continuous
knapsack that greedy-by-price solves, so CP-SAT solves it exactly (two phases: cost, then
kg). Everything here works on plain `Candidate` values; `candidates_from_catalogue` builds
them from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from sqlalchemy.orm import joinedload, selectinload

from matchmaker.extensions import db
from matchmaker.lotsheet.quality import grade_rank
from matchmaker.lotsheet.vocab import N_
from matchmaker.models import Lot

MODES = ("price", "grade")
GRADE_ORDER = ("I", "II", "SS")
SOLVER_SECONDS = 5.0

# Reason codes for a lot left out, with their untranslated explanation.
REASONS: dict[str, str] = {
    "certification": N_("No valid certificate of the required scheme."),
    "grade": N_("Grade below the minimum asked for, or no analysis."),
    "no_price": N_("No price given."),
    "differential_no_reference": N_("Priced as a differential to a futures market, and the "
                                    "fair has no reference price to turn it into USD/MT."),
    "price_expired": N_("Its price is no longer valid."),
    "price_too_high": N_("Price above your maximum."),
    "region": N_("From another region."),
    "genetics": N_("Does not contain the genetics asked for."),
    "not_enough_left": N_("Not enough left (less than one bag or its minimum order)."),
    "better_grade_used": N_("Better-graded lots already reach the volume."),
    "not_needed": N_("Not needed: cheaper lots already reach the volume."),
}


@dataclass(frozen=True)
class Candidate:
    """One lot as the suggester sees it."""

    lot_id: int
    lot_code: str
    organisation_id: int
    available_kg: Decimal
    price_usd_per_mt: Decimal | None
    grade: str | None
    net_kg_per_bag: Decimal | None = None
    moq_kg: Decimal | None = None
    schemes: frozenset[str] = frozenset()
    genetics: frozenset[str] = frozenset()
    region: str = ""
    price_expired: bool = False
    is_differential: bool = False  # the price is indicative: differential + the reference

    @property
    def unit_kg(self) -> Decimal:
        return self.net_kg_per_bag if self.net_kg_per_bag else Decimal(1)

    @property
    def max_units(self) -> int:
        return int((self.available_kg / self.unit_kg).to_integral_value(rounding=ROUND_FLOOR))

    @property
    def min_units(self) -> int:
        if not self.moq_kg:
            return 1
        return max(1, int((self.moq_kg / self.unit_kg).to_integral_value(rounding=ROUND_CEILING)))


@dataclass(frozen=True)
class Constraints:
    """What the buyer wants; empty values mean "any"."""

    wanted_kg: Decimal
    certification: str = ""
    min_grade: str = ""
    genetics: str = ""
    max_price_usd_mt: Decimal | None = None
    region: str = ""
    mode: str = "price"


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    units: int

    @property
    def kg(self) -> Decimal:
        return self.candidate.unit_kg * self.units

    @property
    def cost_usd(self) -> Decimal:
        return self.kg * (self.candidate.price_usd_per_mt or 0) / 1000


@dataclass
class Suggestion:
    """The proposed set, and every lot left out with its reason code."""

    constraints: Constraints
    picks: list[Pick]
    left_out: dict[int, str] = field(default_factory=dict)  # lot_id → reason code
    candidates: dict[int, Candidate] = field(default_factory=dict)
    optimal: bool = True

    @property
    def total_kg(self) -> Decimal:
        return sum((p.kg for p in self.picks), Decimal(0))

    @property
    def cost_usd(self) -> Decimal:
        return sum((p.cost_usd for p in self.picks), Decimal(0))

    @property
    def weighted_price_usd_mt(self) -> Decimal | None:
        total = self.total_kg
        return (self.cost_usd * 1000 / total).quantize(Decimal("0.01")) if total else None

    @property
    def shortfall_kg(self) -> Decimal:
        return max(Decimal(0), self.constraints.wanted_kg - self.total_kg)

    @property
    def meets_volume(self) -> bool:
        return bool(self.picks) and self.shortfall_kg == 0

    @property
    def worst_grade(self) -> str | None:
        grades = [p.candidate.grade for p in self.picks if p.candidate.grade]
        return max(grades, key=grade_rank) if grades else None


def screen(candidates: Iterable[Candidate], constraints: Constraints
           ) -> tuple[list[Candidate], dict[int, str]]:
    """Split into eligible lots and {lot_id: reason} for the others (first failed rule)."""
    eligible, rejected = [], {}
    for c in candidates:
        reason = None
        if constraints.certification and constraints.certification not in c.schemes:
            reason = "certification"
        elif constraints.min_grade and (
                c.grade is None or grade_rank(c.grade) > grade_rank(constraints.min_grade)):
            reason = "grade"
        elif c.price_usd_per_mt is None:
            reason = "differential_no_reference" if c.is_differential else "no_price"
        elif c.price_expired:
            reason = "price_expired"
        elif (constraints.max_price_usd_mt is not None
              and c.price_usd_per_mt > constraints.max_price_usd_mt):
            reason = "price_too_high"
        elif constraints.region and c.region.casefold() != constraints.region.casefold():
            reason = "region"
        elif constraints.genetics and constraints.genetics not in c.genetics:
            reason = "genetics"
        elif c.max_units < c.min_units or c.max_units == 0:
            reason = "not_enough_left"
        if reason:
            rejected[c.lot_id] = reason
        else:
            eligible.append(c)
    return eligible, rejected


def _centi(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_CEILING))


def _solve(candidates: Sequence[Candidate], wanted_kg: Decimal) -> tuple[list[int], bool]:
    """Units per candidate minimising (cost, kg) with total ≥ wanted; exact with CP-SAT."""
    # Imported here: OR-Tools costs ~90 MB per process, and most requests never suggest.
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    units, kg_terms, cost_terms, unit_costs = [], [], [], []
    for i, c in enumerate(candidates):
        n = model.new_int_var(0, c.max_units, f"n{i}")
        if c.min_units > 1:
            used = model.new_bool_var(f"u{i}")
            model.add(n >= c.min_units).only_enforce_if(used)
            model.add(n == 0).only_enforce_if(~used)
        unit_ckg = _centi(c.unit_kg)
        units.append(n)
        kg_terms.append(n * unit_ckg)
        unit_costs.append(unit_ckg * _centi(c.price_usd_per_mt))
        cost_terms.append(n * unit_costs[-1])
    total_kg, total_cost = sum(kg_terms), sum(cost_terms)
    model.add(total_kg >= _centi(wanted_kg))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # deterministic answers for the same catalogue
    solver.parameters.max_time_in_seconds = SOLVER_SECONDS
    model.minimize(total_cost)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [0] * len(candidates), False
    optimal = status == cp_model.OPTIMAL
    hint = [solver.value(n) for n in units]
    # The exact integer cost; objective_value is a float and may fall just below it.
    model.add(total_cost <= sum(v * c for v, c in zip(hint, unit_costs, strict=True)))
    model.minimize(total_kg)
    for n, v in zip(units, hint, strict=True):
        model.add_hint(n, v)
    status2 = solver.solve(model)
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [solver.value(n) for n in units], optimal and status2 == cp_model.OPTIMAL
    return hint, False


def _capacity(candidates: Iterable[Candidate]) -> Decimal:
    return sum((c.unit_kg * c.max_units for c in candidates), Decimal(0))


def optimise(eligible: Sequence[Candidate], constraints: Constraints) -> tuple[list[Pick], bool]:
    """Quantities for `eligible` lots (see the module docstring); all of them if short."""
    if not eligible:
        return [], True
    if _capacity(eligible) < constraints.wanted_kg:
        # Not enough anywhere: offer everything eligible, the shortfall is shown.
        return [Pick(c, c.max_units) for c in eligible], True
    chosen, optimal = _solve(eligible, constraints.wanted_kg)
    return [Pick(c, n) for c, n in zip(eligible, chosen, strict=True) if n > 0], optimal


def suggest(candidates: Iterable[Candidate], constraints: Constraints) -> Suggestion:
    """Screen, then optimise in the chosen mode; every lot not picked gets a reason."""
    candidates = list(candidates)
    eligible, left_out = screen(candidates, constraints)
    pool = eligible
    if constraints.mode == "grade":
        for threshold in GRADE_ORDER:
            graded = [c for c in eligible if c.grade and grade_rank(c.grade) <= grade_rank(threshold)]
            if _capacity(graded) >= constraints.wanted_kg:
                pool = graded
                break
        for c in eligible:
            if c not in pool:
                left_out[c.lot_id] = "better_grade_used"
    picks, optimal = optimise(pool, constraints)
    picked = {p.candidate.lot_id for p in picks}
    for c in pool:
        if c.lot_id not in picked:
            left_out[c.lot_id] = "not_needed"
    picks.sort(key=lambda p: (p.candidate.price_usd_per_mt or 0, p.candidate.lot_code))
    return Suggestion(constraints, picks, left_out, {c.lot_id: c for c in candidates}, optimal)


# From the database -----------------------------------------------------------------------

def candidates_from_catalogue(*, today: date) -> tuple[list[Candidate], dict[int, Lot]]:
    """Every published lot with what is left of it, as candidates (and the lots by id)."""
    from matchmaker.services.lots.pricing import market_references
    from matchmaker.services.lots.sheet import CERT_VALID, certificate_state
    from matchmaker.services.offers.availability import available_by_lot
    from matchmaker.services.offers.blending import latest_analysis

    lots = list(db.session.scalars(
        db.select(Lot).where(Lot.is_published.is_(True))
        .options(joinedload(Lot.organisation), selectinload(Lot.certificates),
                 selectinload(Lot.genetics), selectinload(Lot.analyses))
        .order_by(Lot.lot_code)
    ).unique())
    left = available_by_lot(lots)
    # The price a buyer pays: fixed + premium, or a differential's indicative price from the
    # fair's reference prices (shown as such).
    references = market_references(today=today)
    result = []
    for lot in lots:
        analysis = latest_analysis(lot)
        result.append(Candidate(
            lot_id=lot.id, lot_code=lot.lot_code, organisation_id=lot.organisation_id,
            available_kg=left[lot.id], price_usd_per_mt=lot.indicative_price_usd_mt(references),
            is_differential=lot.price.is_differential,
            grade=lot.latest_iso_grade or (analysis.iso_grade if analysis else None),
            net_kg_per_bag=lot.net_kg_per_bag, moq_kg=lot.moq_kg,
            schemes=frozenset(c.scheme for c in lot.certificates
                              if certificate_state(c, today) == CERT_VALID),
            genetics=frozenset(g.genetics for g in lot.genetics),
            region=lot.region,
            price_expired=bool(lot.price_valid_until and lot.price_valid_until < today),
        ))
    return result, {lot.id: lot for lot in lots}

