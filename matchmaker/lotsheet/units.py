"""Volume, price and packing conversions for cacao lots, in exact Decimal arithmetic.

Rounding: conversions that multiply (kg→lb, MT→kg, USD/MT→USD/kg) are exact. Those that
divide by a non-power of ten (lb→kg, kg→quintales) carry Decimal's default 28 significant
digits, far below any weighable difference. Nothing is rounded until display, and then
only by `round_half_up`, the commercial rounding buyers expect on a price sheet
(banker's rounding would show 2.345 as 2.34).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction

from matchmaker.lotsheet import Problem
from matchmaker.lotsheet.vocab import N_

Number = Decimal | int | str | float | Fraction

KG_PER_MT = Decimal(1000)
LB_PER_KG = Decimal("2.20462")
KG_PER_QUINTAL = Decimal(46)
# A 20-ft container holds about 12.5 t of bagged beans; used for "share of a container".
KG_PER_20FT_CONTAINER = Decimal(12500)


def to_decimal(value: Number) -> Decimal:
    """`value` as a finite Decimal; floats go through str() so 0.1 stays 0.1.

    A Fraction (quality's exact percentages) is divided out to 28 significant digits.

    Raises: ValueError for text that is not a number, NaN or infinity.
    """
    if isinstance(value, bool):
        raise ValueError("a boolean is not a quantity")
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    try:
        result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def round_half_up(value: Number, places: int) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero, for display."""
    exact = to_decimal(value)
    # Wide enough for any stored value: quantizing 1e30 to whole units needs 31 digits, and
    # a sheet must show an absurd number rather than fail.
    with localcontext() as context:
        context.prec = max(28, exact.adjusted() + places + 2)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """`value` without trailing zeros or exponent: Decimal("60.0") → "60"."""
    return format(value.normalize(), "f")


def kg_to_mt(kg: Number) -> Decimal:
    """Kilograms to metric tonnes (exact)."""
    return to_decimal(kg) / KG_PER_MT


def mt_to_kg(mt: Number) -> Decimal:
    """Metric tonnes to kilograms (exact)."""
    return to_decimal(mt) * KG_PER_MT


def kg_to_lb(kg: Number) -> Decimal:
    """Kilograms to pounds at 2.20462 lb/kg (exact)."""
    return to_decimal(kg) * LB_PER_KG


def lb_to_kg(lb: Number) -> Decimal:
    """Pounds to kilograms (28 significant digits)."""
    return to_decimal(lb) / LB_PER_KG


def kg_to_quintales(kg: Number) -> Decimal:
    """Kilograms to Peruvian quintales of 46 kg (28 significant digits)."""
    return to_decimal(kg) / KG_PER_QUINTAL


def quintales_to_kg(quintales: Number) -> Decimal:
    """Quintales of 46 kg to kilograms (exact)."""
    return to_decimal(quintales) * KG_PER_QUINTAL


def usd_per_mt_to_usd_per_kg(price: Number) -> Decimal:
    """A USD/MT price as USD/kg (exact)."""
    return to_decimal(price) / KG_PER_MT


def usd_per_kg_to_usd_per_mt(price: Number) -> Decimal:
    """A USD/kg price as USD/MT (exact)."""
    return to_decimal(price) * KG_PER_MT


@dataclass(frozen=True)
class VolumeDisplay:
    """One volume in every unit the sheet shows, rounded for people to read."""

    kg: Decimal  # whole kg
    mt: Decimal  # 3 decimals, i.e. to the kg
    lb: Decimal  # whole lb
    quintales: Decimal  # 2 decimals


def volume_display(kg: Number) -> VolumeDisplay:
    """`kg` shown as kg, MT, lb and quintales, each rounded half-up as noted on the fields."""
    exact = to_decimal(kg)
    return VolumeDisplay(
        kg=round_half_up(exact, 0),
        mt=round_half_up(kg_to_mt(exact), 3),
        lb=round_half_up(kg_to_lb(exact), 0),
        quintales=round_half_up(kg_to_quintales(exact), 2),
    )


def whole_bags(kg: Number, net_kg_per_bag: Number) -> int:
    """The number of bags needed to hold `kg`, rounding a part-bag up.

    Raises: ValueError if `net_kg_per_bag` is not positive or `kg` is negative.
    """
    amount, per_bag = to_decimal(kg), to_decimal(net_kg_per_bag)
    if per_bag <= 0 or amount < 0:
        raise ValueError("bag weight must be positive and quantity non-negative")
    with localcontext() as context:
        context.prec = max(28, amount.adjusted() - per_bag.adjusted() + 4)
        return int((amount / per_bag).to_integral_value(rounding=ROUND_CEILING))


def is_whole_bags(kg: Number, net_kg_per_bag: Number) -> bool:
    """True if `kg` is an exact multiple of the bag's net weight."""
    amount, per_bag = to_decimal(kg), to_decimal(net_kg_per_bag)
    if per_bag <= 0:
        return False
    with localcontext() as context:
        context.prec = max(28, amount.adjusted() - per_bag.adjusted() + 4)
        return amount % per_bag == 0


def check_moq(
    moq_kg: Number, net_kg_per_bag: Number, volume_kg: Number | None = None
) -> list[Problem]:
    """Coded problems with a minimum order: it must be whole bags and within the volume."""
    moq, per_bag = to_decimal(moq_kg), to_decimal(net_kg_per_bag)
    if per_bag <= 0:
        return [
            Problem(
                "bag_weight_not_positive",
                N_("Bag weight must be above zero."),
                field="net_kg_per_bag",
            )
        ]
    if moq <= 0:
        return [
            Problem("moq_not_positive", N_("The minimum order must be above zero."), field="moq_kg")
        ]
    problems = []
    if not is_whole_bags(moq, per_bag):
        bags = whole_bags(moq, per_bag)
        problems.append(
            Problem(
                "moq_not_whole_bags",
                N_(
                    "The minimum order must be whole bags of %(bag_kg)s kg, e.g. %(suggested_kg)s kg."
                ),
                field="moq_kg",
                params={
                    "bag_kg": plain(per_bag),
                    "suggested_kg": plain(bags * per_bag),
                    "bags": bags,
                },
            )
        )
    if volume_kg is not None and moq > to_decimal(volume_kg):
        problems.append(
            Problem(
                "moq_exceeds_volume",
                N_("The minimum order is larger than the %(volume_kg)s kg available."),
                field="moq_kg",
                params={"volume_kg": plain(to_decimal(volume_kg))},
            )
        )
    return problems


def container_share(kg: Number) -> Decimal:
    """`kg` as a fraction of a 20-ft container (1 = full), exact to 28 digits."""
    return to_decimal(kg) / KG_PER_20FT_CONTAINER


def containers_needed(kg: Number) -> int:
    """Whole 20-ft containers needed to ship `kg` (0 for nothing)."""
    return math.ceil(to_decimal(kg) / KG_PER_20FT_CONTAINER)
