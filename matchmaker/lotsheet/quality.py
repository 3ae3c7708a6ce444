"""Physical-quality derivations from raw lab data: cut-test percentages, ISO 2451 grades, blends.

Percentages are exact `Fraction`s so that a limit like "≤ 3 %" is decided exactly (9 of
300 beans is 3 %, Grade I); round only for display with `units.round_half_up`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from matchmaker.lotsheet import Problem
from matchmaker.lotsheet.vocab import N_

Number = Fraction | Decimal | int | str | float

DEFAULT_CUT_TEST_N = 300
MOISTURE_MAX_AT_ORIGIN = Decimal("8.0")  # ISO 2451:2017, at loading in origin
MOISTURE_MAX_AT_DISCHARGE = Decimal("7.5")  # ISO 2451:2017, at discharge
FERMENTATION_INDEX_ADEQUATE = Decimal(1)  # A460/A530 ratio


class IsoGrade(StrEnum):
    """ISO 2451 grade; values are the stored codes (vocab.ISO_GRADE)."""

    I = "I"  # noqa: E741 - the standard's own name for the grade
    II = "II"
    SS = "SS"


class TradeGrade(StrEnum):
    """Traditional trade grade (vocab.TRADE_GRADE); below Fair Fermented there is none."""

    GOOD_FERMENTED = "good_fermented"
    FAIR_FERMENTED = "fair_fermented"


class BeanSize(StrEnum):
    """Size class from the bean count per 100 g (vocab.BEAN_SIZE)."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"


# (mouldy, slaty, insect + germinated + flat) maxima in percent, best grade first.
ISO_GRADE_LIMITS: tuple[tuple[IsoGrade, int, int, int], ...] = (
    (IsoGrade.I, 3, 3, 3),
    (IsoGrade.II, 4, 8, 6),
)
# (mouldy, slaty) maxima in percent.
TRADE_GRADE_LIMITS: tuple[tuple[TradeGrade, int, int], ...] = (
    (TradeGrade.GOOD_FERMENTED, 5, 5),
    (TradeGrade.FAIR_FERMENTED, 10, 10),
)
_GRADE_RANK = {IsoGrade.I: 0, IsoGrade.II: 1, IsoGrade.SS: 2}


@dataclass(frozen=True)
class CutTest:
    """Raw ISO 1114 cut-test counts; each bean counted once under its worst defect."""

    well_fermented: int
    partly_fermented: int
    purple: int
    slaty: int
    mouldy: int
    insect_damaged: int
    germinated: int
    flat: int
    n: int = DEFAULT_CUT_TEST_N


COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CutTest) if f.name != "n")


@dataclass(frozen=True)
class CutTestResult:
    """Exact percentages (0–100) derived from a valid cut test, and its grades."""

    fermented: Fraction
    percentages: Mapping[str, Fraction]  # keyed by COUNT_FIELDS
    insect_germinated_flat: Fraction
    iso_grade: IsoGrade
    trade_grade: TradeGrade | None


class InvalidCutTest(ValueError):
    """Raised when deriving from counts that fail validation; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(", ".join(p.code for p in problems))
        self.problems = problems


def exact(value: Number) -> Fraction:
    """`value` as an exact Fraction; floats go through str() so 3.0 means 3."""
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(value)


def validate_cut_test(cut: CutTest) -> list[Problem]:
    """Coded problems with the counts: negative counts, bad sample size, sum not equal to n."""
    problems = []
    if cut.n <= 0:
        problems.append(
            Problem(
                "sample_size_not_positive",
                N_("The number of beans cut must be above zero."),
                field="n",
            )
        )
    for name in COUNT_FIELDS:
        if getattr(cut, name) < 0:
            problems.append(
                Problem("negative_count", N_("A count cannot be negative."), field=name)
            )
    total = sum(getattr(cut, name) for name in COUNT_FIELDS)
    if total != cut.n:
        problems.append(
            Problem(
                "counts_sum_mismatch",
                N_("The counts add up to %(total)s but %(n)s beans were cut."),
                field="n",
                params={"total": total, "n": cut.n},
            )
        )
    return problems


def validate_percent(value: Number | None, field: str) -> list[Problem]:
    """A problem if a percentage field lies outside 0–100; None (not measured) passes."""
    if value is None or 0 <= exact(value) <= 100:
        return []
    return [
        Problem(
            "percent_out_of_range",
            N_("Enter a percentage between 0 and 100."),
            field=field,
            params={"value": str(value)},
        )
    ]


def validate_analysis(
    *,
    cut_test: CutTest | None = None,
    moisture: Number | None = None,
    bean_count: Number | None = None,
    fermentation_index: Number | None = None,
    percentages: Mapping[str, Number | None] | None = None,
) -> list[Problem]:
    """All coded problems with one lab analysis; `percentages` maps field name → % value."""
    problems = validate_cut_test(cut_test) if cut_test is not None else []
    if moisture is not None and not 0 <= exact(moisture) <= 100:
        problems.append(
            Problem(
                "moisture_out_of_range",
                N_("Moisture must be between 0 and 100."),
                field="moisture",
                params={"value": str(moisture)},
            )
        )
    if bean_count is not None and exact(bean_count) <= 0:
        problems.append(
            Problem(
                "bean_count_not_positive",
                N_("The bean count per 100 g must be above zero."),
                field="bean_count",
            )
        )
    if fermentation_index is not None and exact(fermentation_index) < 0:
        problems.append(
            Problem(
                "fermentation_index_negative",
                N_("The fermentation index cannot be negative."),
                field="fermentation_index",
            )
        )
    for name, value in (percentages or {}).items():
        problems.extend(validate_percent(value, name))
    return problems


def percent_of(count: int, n: int) -> Fraction:
    """`count` out of `n` as an exact percentage."""
    return Fraction(100 * count, n)


def iso_grade(
    mouldy_pct: Number, slaty_pct: Number, insect_germinated_flat_pct: Number
) -> IsoGrade:
    """ISO 2451 grade from defect percentages; limits are inclusive (exactly 3 % is Grade I)."""
    mouldy, slaty, other = exact(mouldy_pct), exact(slaty_pct), exact(insect_germinated_flat_pct)
    for grade, max_mouldy, max_slaty, max_other in ISO_GRADE_LIMITS:
        if mouldy <= max_mouldy and slaty <= max_slaty and other <= max_other:
            return grade
    return IsoGrade.SS


def trade_grade(mouldy_pct: Number, slaty_pct: Number) -> TradeGrade | None:
    """Good/Fair Fermented from mouldy and slaty percentages, or None below Fair."""
    mouldy, slaty = exact(mouldy_pct), exact(slaty_pct)
    for grade, max_mouldy, max_slaty in TRADE_GRADE_LIMITS:
        if mouldy <= max_mouldy and slaty <= max_slaty:
            return grade
    return None


def analyse_cut_test(cut: CutTest) -> CutTestResult:
    """Percentages and grades from raw counts. Raises: InvalidCutTest if the counts are invalid."""
    problems = validate_cut_test(cut)
    if problems:
        raise InvalidCutTest(problems)
    pct = {name: percent_of(getattr(cut, name), cut.n) for name in COUNT_FIELDS}
    other = pct["insect_damaged"] + pct["germinated"] + pct["flat"]
    return CutTestResult(
        fermented=pct["well_fermented"] + pct["partly_fermented"],
        percentages=pct,
        insect_germinated_flat=other,
        iso_grade=iso_grade(pct["mouldy"], pct["slaty"], other),
        trade_grade=trade_grade(pct["mouldy"], pct["slaty"]),
    )


def bean_size(bean_count: Number) -> BeanSize:
    """Size class: large ≤ 100 beans/100 g, medium ≤ 120, small above.

    Raises: ValueError for a count that is not positive.
    """
    count = exact(bean_count)
    if count <= 0:
        raise ValueError("bean count must be positive")
    if count <= 100:
        return BeanSize.LARGE
    if count <= 120:
        return BeanSize.MEDIUM
    return BeanSize.SMALL


def moisture_ok(moisture: Number, *, at_discharge: bool = False) -> bool:
    """True if moisture meets ISO 2451:2017: ≤ 8.0 % at origin loading, ≤ 7.5 % at discharge."""
    limit = MOISTURE_MAX_AT_DISCHARGE if at_discharge else MOISTURE_MAX_AT_ORIGIN
    return exact(moisture) <= exact(limit)


def adequately_fermented(fermentation_index: Number) -> bool:
    """True if the fermentation index (A460/A530) is at least 1."""
    return exact(fermentation_index) >= exact(FERMENTATION_INDEX_ADEQUATE)


def grade_rank(grade: IsoGrade | str) -> int:
    """Sort key: 0 for Grade I, 1 for II, 2 for SS. Raises: ValueError for an unknown code."""
    return _GRADE_RANK[IsoGrade(grade)]


def worst_grade(grades: Iterable[IsoGrade | str]) -> IsoGrade:
    """The lowest of `grades` (I > II > SS). Raises: ValueError if `grades` is empty."""
    ranked = [IsoGrade(g) for g in grades]
    if not ranked:
        raise ValueError("no grades to compare")
    return max(ranked, key=grade_rank)


@dataclass(frozen=True)
class BlendPart:
    """One lot going into a blend: its kg and its measured quality."""

    kg: Number
    moisture: Number
    bean_count: Number
    fermented_pct: Number
    grade: IsoGrade | str


@dataclass(frozen=True)
class BlendResult:
    """Volume-weighted quality of a blend; values exact, the grade the worst part's."""

    kg: Fraction
    moisture: Fraction
    bean_count: Fraction
    fermented_pct: Fraction
    grade: IsoGrade


def blend(
    parts: Iterable[BlendPart | tuple[Number, Number, Number, Number, IsoGrade | str]],
) -> BlendResult:
    """Combine lots given as BlendPart or (kg, moisture, bean_count, fermented_pct, grade).

    The grade is the worst part's, not one recomputed from averaged defects: a blend is
    only as good as what the buyer may find in any bag.
    Raises: ValueError for no parts, a negative weight or a zero total weight.
    """
    rows = [p if isinstance(p, BlendPart) else BlendPart(*p) for p in parts]
    if not rows:
        raise ValueError("nothing to blend")
    weights = [exact(r.kg) for r in rows]
    if any(w < 0 for w in weights):
        raise ValueError("a lot in the blend has a negative weight")
    total = sum(weights, Fraction(0))
    if total == 0:
        raise ValueError("the blend weighs nothing")

    def weighted(attr: str) -> Fraction:
        return (
            sum(
                (w * exact(getattr(r, attr)) for w, r in zip(weights, rows, strict=True)),
                Fraction(0),
            )
            / total
        )

    return BlendResult(
        kg=total,
        moisture=weighted("moisture"),
        bean_count=weighted("bean_count"),
        fermented_pct=weighted("fermented_pct"),
        grade=worst_grade(r.grade for r in rows),
    )
