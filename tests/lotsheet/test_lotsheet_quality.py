"""Cut-test derivations, ISO 2451 and trade grades at their boundaries, validation, blends."""

from decimal import Decimal
from fractions import Fraction

import pytest

from matchmaker.lotsheet import vocab
from matchmaker.lotsheet.quality import (
    COUNT_FIELDS,
    BeanSize,
    BlendPart,
    CutTest,
    InvalidCutTest,
    IsoGrade,
    TradeGrade,
    adequately_fermented,
    analyse_cut_test,
    bean_size,
    blend,
    grade_rank,
    iso_grade,
    moisture_ok,
    trade_grade,
    validate_analysis,
    validate_cut_test,
    worst_grade,
)


def cut(**counts):
    """A cut test of `n` beans (300 unless given) where the rest are well fermented."""
    n = counts.pop("n", 300)
    values = dict.fromkeys(COUNT_FIELDS, 0) | counts
    values["well_fermented"] = n - sum(v for k, v in values.items() if k != "well_fermented")
    return CutTest(n=n, **values)


def test_percentages_from_counts():
    result = analyse_cut_test(
        CutTest(
            well_fermented=200,
            partly_fermented=40,
            purple=30,
            slaty=9,
            mouldy=6,
            insect_damaged=5,
            germinated=4,
            flat=6,
        )
    )
    assert result.fermented == 80
    assert result.percentages["slaty"] == 3
    assert result.percentages["mouldy"] == 2
    assert result.percentages["purple"] == 10
    assert result.insect_germinated_flat == 5
    assert result.iso_grade is IsoGrade.II  # 5 % insect+germinated+flat is over Grade I's 3
    assert result.trade_grade is TradeGrade.GOOD_FERMENTED


def test_percentages_are_exact_fractions():
    result = analyse_cut_test(cut(mouldy=1))
    assert result.percentages["mouldy"] == Fraction(1, 3)


@pytest.mark.parametrize(
    ("mouldy", "slaty", "other", "grade"),
    [
        (0, 0, 0, IsoGrade.I),
        (3, 3, 3, IsoGrade.I),  # exactly 3 % is still Grade I
        (Decimal("3.00"), "3", 3.0, IsoGrade.I),
        ("3.01", 0, 0, IsoGrade.II),
        (0, "3.01", 0, IsoGrade.II),
        (0, 0, "3.01", IsoGrade.II),
        (4, 8, 6, IsoGrade.II),  # Grade II limits are inclusive too
        ("4.01", 0, 0, IsoGrade.SS),
        (0, "8.01", 0, IsoGrade.SS),
        (0, 0, "6.01", IsoGrade.SS),
        (Fraction(301, 100), 0, 0, IsoGrade.II),
    ],
)
def test_iso_grade_boundaries(mouldy, slaty, other, grade):
    assert iso_grade(mouldy, slaty, other) is grade


@pytest.mark.parametrize(
    ("counts", "grade"),
    [
        ({"mouldy": 9}, IsoGrade.I),  # 9 of 300 = 3 %
        ({"mouldy": 10}, IsoGrade.II),  # 3.33 %
        ({"n": 10000, "mouldy": 301}, IsoGrade.II),  # 3.01 %
        ({"slaty": 24}, IsoGrade.II),  # 8 %
        ({"slaty": 25}, IsoGrade.SS),
        ({"insect_damaged": 6, "germinated": 6, "flat": 6}, IsoGrade.II),  # 6 %
        ({"insect_damaged": 7, "germinated": 6, "flat": 6}, IsoGrade.SS),
        ({"mouldy": 12}, IsoGrade.II),  # 4 %
        ({"mouldy": 13}, IsoGrade.SS),
    ],
)
def test_iso_grade_from_counts(counts, grade):
    assert analyse_cut_test(cut(**counts)).iso_grade is grade


@pytest.mark.parametrize(
    ("mouldy", "slaty", "grade"),
    [
        (5, 5, TradeGrade.GOOD_FERMENTED),
        ("5.01", 0, TradeGrade.FAIR_FERMENTED),
        (0, "5.01", TradeGrade.FAIR_FERMENTED),
        (10, 10, TradeGrade.FAIR_FERMENTED),
        ("10.01", 0, None),
        (0, 11, None),
    ],
)
def test_trade_grade_boundaries(mouldy, slaty, grade):
    assert trade_grade(mouldy, slaty) is grade


@pytest.mark.parametrize(
    ("count", "size"),
    [
        (80, BeanSize.LARGE),
        (100, BeanSize.LARGE),
        (101, BeanSize.MEDIUM),
        (120, BeanSize.MEDIUM),
        (121, BeanSize.SMALL),
    ],
)
def test_bean_size_classes(count, size):
    assert bean_size(count) is size


def test_bean_size_refuses_zero():
    with pytest.raises(ValueError):
        bean_size(0)


@pytest.mark.parametrize(
    ("moisture", "at_discharge", "ok"),
    [
        ("8.0", False, True),
        (8, False, True),
        ("8.01", False, False),
        ("7.5", True, True),
        ("7.6", True, False),
    ],
)
def test_moisture_limits(moisture, at_discharge, ok):
    assert moisture_ok(moisture, at_discharge=at_discharge) is ok


@pytest.mark.parametrize(("index", "ok"), [(1, True), ("1.2", True), ("0.99", False)])
def test_fermentation_index(index, ok):
    assert adequately_fermented(index) is ok


def test_valid_cut_test_has_no_problems():
    assert validate_cut_test(cut(slaty=3)) == []


def test_counts_must_sum_to_n():
    counts = cut()
    broken = CutTest(**{**counts.__dict__, "purple": 5})
    [problem] = validate_cut_test(broken)
    assert (problem.code, problem.field) == ("counts_sum_mismatch", "n")
    assert problem.message == "The counts add up to 305 but 300 beans were cut."


def test_negative_counts_are_reported_per_field():
    broken = CutTest(**{**cut().__dict__, "flat": -1, "purple": 1})
    problems = validate_cut_test(broken)
    assert [(p.code, p.field) for p in problems] == [("negative_count", "flat")]


def test_zero_sample_size():
    codes = [p.code for p in validate_cut_test(CutTest(0, 0, 0, 0, 0, 0, 0, 0, n=0))]
    assert codes == ["sample_size_not_positive"]


def test_deriving_from_invalid_counts_raises_with_problems():
    with pytest.raises(InvalidCutTest) as caught:
        analyse_cut_test(CutTest(**{**cut().__dict__, "mouldy": 1}))
    assert [p.code for p in caught.value.problems] == ["counts_sum_mismatch"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"moisture": "7.2", "bean_count": 95, "percentages": {"fat": 54}}, []),
        ({"moisture": "100.1"}, [("moisture_out_of_range", "moisture")]),
        ({"moisture": -1}, [("moisture_out_of_range", "moisture")]),
        (
            {"percentages": {"foreign_matter": "100.5"}},
            [("percent_out_of_range", "foreign_matter")],
        ),
        ({"percentages": {"shell": -2, "ffa": None}}, [("percent_out_of_range", "shell")]),
        ({"bean_count": 0}, [("bean_count_not_positive", "bean_count")]),
        ({"fermentation_index": "-0.1"}, [("fermentation_index_negative", "fermentation_index")]),
    ],
)
def test_validate_analysis_codes(kwargs, expected):
    assert [(p.code, p.field) for p in validate_analysis(**kwargs)] == expected


def test_validate_analysis_includes_cut_test_problems():
    problems = validate_analysis(cut_test=CutTest(1, 0, 0, 0, 0, 0, 0, 0), moisture=7)
    assert [p.code for p in problems] == ["counts_sum_mismatch"]


@pytest.mark.parametrize(
    ("grades", "worst"),
    [
        ([IsoGrade.I], IsoGrade.I),
        ([IsoGrade.I, IsoGrade.II], IsoGrade.II),
        (["I", "SS", "II"], IsoGrade.SS),
    ],
)
def test_worst_grade(grades, worst):
    assert worst_grade(grades) is worst


def test_grade_order_sorts_best_first():
    assert sorted(["SS", "I", "II"], key=grade_rank) == ["I", "II", "SS"]


@pytest.mark.parametrize("bad", [[], ["III"]])
def test_worst_grade_refuses_nothing_or_unknown(bad):
    with pytest.raises(ValueError):
        worst_grade(bad)


def test_blend_is_volume_weighted_with_worst_grade():
    result = blend([(1000, "7.0", 90, 80, "I"), BlendPart(3000, 8, 110, 60, IsoGrade.II)])
    assert result.kg == 4000
    assert result.moisture == Fraction("7.75")
    assert result.bean_count == 105
    assert result.fermented_pct == 65
    assert result.grade is IsoGrade.II


def test_blend_keeps_exact_thirds():
    result = blend([(1, 7, 100, 70, "I"), (2, 8, 100, 70, "I")])
    assert result.moisture == Fraction(23, 3)
    assert moisture_ok(result.moisture)  # 7.67 meets the origin limit of 8.0 ...
    assert not moisture_ok(result.moisture, at_discharge=True)  # ... but not 7.5


@pytest.mark.parametrize("parts", [[], [(0, 7, 100, 70, "I")], [(-1, 7, 100, 70, "I")]])
def test_blend_refuses_empty_or_weightless(parts):
    with pytest.raises(ValueError):
        blend(parts)


def test_enum_codes_match_vocabularies():
    assert tuple(IsoGrade) == vocab.ISO_GRADE.codes
    assert tuple(TradeGrade) == vocab.TRADE_GRADE.codes
    assert tuple(BeanSize) == vocab.BEAN_SIZE.codes
    assert vocab.CUT_TEST_CATEGORY.codes == COUNT_FIELDS
