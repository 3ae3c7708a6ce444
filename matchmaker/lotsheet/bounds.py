"""Domain bounds of every number a lot sheet, offer or profile holds: one table, used by the
forms, the API and the database checks.

A bound is what a real cacao lot can plausibly be, with room to spare, and always inside
what its database column can hold (Numeric(p, s) and PostgreSQL `integer`): a typing slip of
`1e30` is refused with a message instead of overflowing the column or the page that shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from matchmaker.lotsheet import pricing

# Anything smaller than this (in absolute value) and not zero is a typing slip or an attack
# (1e-400): no field of the site is measured that finely.
SMALLEST = Decimal("1e-6")
# Digits before the decimal point of any number we accept: the widest column is Numeric(12, 2).
MAX_INTEGER_DIGITS = 10


@dataclass(frozen=True)
class Bound:
    """A closed interval [low, high] in the field's unit."""

    low: Decimal
    high: Decimal

    def __contains__(self, value) -> bool:
        return value is None or self.low <= Decimal(value) <= self.high


def _b(low, high) -> Bound:
    return Bound(Decimal(str(low)), Decimal(str(high)))


PERCENT = _b(0, 100)

BOUNDS: dict[str, Bound] = {
    # Price and terms (USD, kg, g, days).
    "price_usd_per_mt": _b(0, 50_000),        # fine cacao trades at 3,000–15,000 USD/MT
    "volume_kg": _b(0, 10_000_000),           # 10,000 MT: far above any producer's lot
    "moq_kg": _b(0, 10_000_000),
    "target_volume_kg": _b(1, 10_000_000),
    "line_kg": _b(Decimal("0.01"), 10_000_000),
    "wanted_mt": _b(Decimal("0.001"), 1_000),
    "buyer_volume_mt": _b(0, 100_000),
    "sample_size_g": _b(0, 100_000),
    "sample_grams": _b(1, 100_000),
    "sample_cost_usd": _b(0, 100_000),
    "sample_lead_time_days": _b(0, 365),
    # A lot's price, as matchmaker.lotsheet.pricing states it (fixed, differential, premium)
    # and the fair's market references (USD/MT, soles per USD).
    "lot_price_usd_mt": _b(pricing.FIXED_USD_MT_MIN, pricing.FIXED_USD_MT_MAX),
    "price_differential_usd_mt": _b(pricing.DIFFERENTIAL_USD_MT_MIN,
                                    pricing.DIFFERENTIAL_USD_MT_MAX),
    "price_premium_usd_mt": _b(pricing.PREMIUM_USD_MT_MIN, pricing.PREMIUM_USD_MT_MAX),
    "reference_usd_mt": _b(pricing.REFERENCE_USD_MT_MIN, pricing.REFERENCE_USD_MT_MAX),
    "pen_per_usd": _b(pricing.PEN_PER_USD_MIN, pricing.PEN_PER_USD_MAX),
    "reference_gbp_t": _b(pricing.REFERENCE_GBP_T_MIN, pricing.REFERENCE_GBP_T_MAX),
    "usd_per_gbp": _b(pricing.USD_PER_GBP_MIN, pricing.USD_PER_GBP_MAX),
    # Packing.
    "bag_count": _b(0, 1_000_000),
    "net_kg_per_bag": _b(0, 1_500),           # jute 60–65 kg; a bulk big-bag about 1,000 kg
    # Origin.
    "altitude_m": _b(-100, 6_000),            # the Amazon lowlands to the high Andes
    "n_producers": _b(0, 100_000),
    "area_ha": _b(0, 1_000_000),
    "plot_area_ha": _b(0, 100_000),
    "share_pct": PERCENT,
    # Post-harvest.
    "ferment_hours": _b(0, 720),              # 30 days; 5–7 is usual
    "turns": _b(0, 100),
    "dry_days": _b(0, 120),
    # Analysis (ISO 2451 cut test and laboratory values).
    "sample_kg": _b(0, 10_000),
    "percent": PERCENT,
    "bean_count_per_100g": _b(1, 1_000),
    "cut_test_n": _b(1, 10_000),
    "cut_count": _b(0, 10_000),
    "fermentation_index": _b(0, 10),          # A460/A530, about 0.5–2
    "cadmium_mg_kg": _b(0, 100),
    # Sensory (0–10 scales) and panels.
    "intensity": _b(0, 10),
    "panel_size": _b(0, 1_000),
    # Roundtable and events.
    "time_limit_s": _b(1, 600),
    "count": _b(0, 100_000),
}


def bound(name: str) -> Bound:
    """The bound called `name`; a KeyError names a field that forgot to declare one."""
    return BOUNDS[name]


def parse_number(text: str) -> Decimal:
    """A finite decimal of sane size from typed text (a decimal comma and spaces allowed).

    Raises:
        ValueError: for text that is not a number, NaN, an infinity, or a number too large or
        too close to zero for any field (1e30, 1e-400).
    """
    cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a finite number")
    # adjusted() and copy_abs() do no arithmetic, so 1e999999999 cannot overflow here.
    if value and (value.adjusted() >= MAX_INTEGER_DIGITS or value.copy_abs() < SMALLEST):
        raise ValueError("out of range")
    return value


def parse_filter_number(text: str, bound_name: str) -> Decimal:
    """A number typed into a search filter: finite and inside the named bound. Unlike
    `parse_number`, a tiny value is fine here: it only narrows a search.

    Raises:
        ValueError: for text that is not such a number.
    """
    try:
        value = Decimal(str(text).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError("not a number") from None
    if not value.is_finite() or value not in bound(bound_name):
        raise ValueError("out of range")
    return value
