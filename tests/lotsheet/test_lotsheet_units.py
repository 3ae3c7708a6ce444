"""Unit conversions, display rounding, whole-bag minimum orders and container shares."""

from decimal import Decimal
from fractions import Fraction

import pytest

from matchmaker.lotsheet.units import (
    VolumeDisplay,
    check_moq,
    container_share,
    containers_needed,
    is_whole_bags,
    kg_to_lb,
    kg_to_mt,
    kg_to_quintales,
    lb_to_kg,
    mt_to_kg,
    quintales_to_kg,
    round_half_up,
    to_decimal,
    usd_per_kg_to_usd_per_mt,
    usd_per_mt_to_usd_per_kg,
    volume_display,
    whole_bags,
)


@pytest.mark.parametrize(
    ("convert", "value", "expected"),
    [
        (kg_to_mt, 12500, Decimal("12.5")),
        (mt_to_kg, "1.25", Decimal("1250")),
        (kg_to_lb, 1, Decimal("2.20462")),
        (kg_to_lb, 1000, Decimal("2204.62")),
        (lb_to_kg, "2.20462", Decimal(1)),
        (kg_to_quintales, 92, Decimal(2)),
        (quintales_to_kg, "2.5", Decimal(115)),
        (usd_per_mt_to_usd_per_kg, 3450, Decimal("3.45")),
        (usd_per_kg_to_usd_per_mt, "3.45", Decimal(3450)),
    ],
)
def test_conversions_have_known_answers(convert, value, expected):
    assert convert(value) == expected


def test_pounds_round_trip_within_decimal_precision():
    kg = Decimal("19000")
    assert abs(lb_to_kg(kg_to_lb(kg)) - kg) < Decimal("1e-20")


def test_floats_enter_through_their_text():
    assert to_decimal(0.1) == Decimal("0.1")
    assert kg_to_mt(0.1) == Decimal("0.0001")


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", True])
def test_non_numbers_are_refused(bad):
    with pytest.raises(ValueError):
        to_decimal(bad)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("2.345", 2, Decimal("2.35")),  # half-up, not banker's 2.34
        ("2.335", 2, Decimal("2.34")),
        ("-2.345", 2, Decimal("-2.35")),
        (Fraction(1, 3), 3, Decimal("0.333")),
        ("12.5", 0, Decimal("13")),
    ],
)
def test_round_half_up(value, places, expected):
    assert round_half_up(value, places) == expected


def test_volume_display_rounds_each_unit():
    assert volume_display(1000) == VolumeDisplay(
        kg=Decimal(1000), mt=Decimal("1.000"), lb=Decimal(2205), quintales=Decimal("21.74")
    )
    assert str(volume_display("12345.6").mt) == "12.346"


@pytest.mark.parametrize(
    ("kg", "per_bag", "bags"), [(0, 60, 0), (60, 60, 1), (61, 60, 2), (1250, "62.5", 20)]
)
def test_whole_bags_rounds_part_bags_up(kg, per_bag, bags):
    assert whole_bags(kg, per_bag) == bags


def test_whole_bags_refuses_zero_bag_weight():
    with pytest.raises(ValueError):
        whole_bags(100, 0)


@pytest.mark.parametrize(
    ("kg", "per_bag", "expected"), [(120, 60, True), (125, "62.5", True), (100, 60, False)]
)
def test_is_whole_bags(kg, per_bag, expected):
    assert is_whole_bags(kg, per_bag) is expected


def test_moq_in_whole_bags_within_volume_passes():
    assert check_moq(600, 60, volume_kg=5000) == []


def test_moq_of_part_bags_suggests_the_next_whole_bag():
    [problem] = check_moq(100, 60)
    assert problem.code == "moq_not_whole_bags"
    assert problem.field == "moq_kg"
    assert problem.params["suggested_kg"] == "120"
    assert problem.message == "The minimum order must be whole bags of 60 kg, e.g. 120 kg."


@pytest.mark.parametrize(
    ("moq", "per_bag", "volume", "codes"),
    [
        (1200, 60, 600, ["moq_exceeds_volume"]),
        (0, 60, None, ["moq_not_positive"]),
        (120, 0, None, ["bag_weight_not_positive"]),
        (130, 60, 100, ["moq_not_whole_bags", "moq_exceeds_volume"]),
    ],
)
def test_moq_problem_codes(moq, per_bag, volume, codes):
    assert [p.code for p in check_moq(moq, per_bag, volume)] == codes


@pytest.mark.parametrize(
    ("kg", "share", "containers"),
    [(6250, Decimal("0.5"), 1), (12500, Decimal(1), 1), (12501, Decimal("1.00008"), 2), (0, 0, 0)],
)
def test_container_share(kg, share, containers):
    assert container_share(kg) == share
    assert containers_needed(kg) == containers
