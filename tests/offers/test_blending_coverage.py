"""Blended quality with known answers, and the certification-coverage rule."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from matchmaker.services.offers.blending import blend_lines
from matchmaker.services.offers.coverage import coverage
from tests.factories import add_analysis, add_certificate, make_lot
from tests.offers.conftest import TODAY


def test_blend_is_volume_weighted_and_takes_the_worst_grade(app, infierno, tahuamanu):
    # 3000 kg at 7.0 % / 90 beans / 90 % fermented (Grade I) and
    # 1000 kg at 8.0 % / 110 beans / 70 % fermented (Grade II: 12 slaty of 300 = 4 %).
    a = make_lot(infierno)
    b = make_lot(tahuamanu)
    add_analysis(a, moisture="7.0", bean_count=90, well_fermented=250, partly_fermented=20, purple=21)
    add_analysis(b, moisture="8.0", bean_count=110, well_fermented=180, partly_fermented=30, purple=72, slaty=12,
                 mouldy=3, insect_damaged=3)
    summary = blend_lines([(a, Decimal(3000)), (b, Decimal(1000))])
    assert summary.moisture_pct == Decimal("7.3")  # (3·7 + 8) / 4 = 7.25 → 7.3 half-up
    assert summary.bean_count == Decimal("95")  # (3·90 + 110) / 4
    assert summary.fermented_pct == Decimal("85.0")  # (3·90 + 70) / 4
    assert summary.worst_grade == "II"
    assert not summary.partial
    assert [row.grade for row in summary.lots] == ["I", "II"]


def test_lot_without_analysis_makes_the_blend_partial(app, infierno, tahuamanu):
    a = make_lot(infierno)
    b = make_lot(tahuamanu)
    add_analysis(a, moisture="6.5", bean_count=100)
    summary = blend_lines([(a, Decimal(2000)), (b, Decimal(6000))])
    assert summary.partial and summary.unanalysed == [b]
    assert summary.moisture_pct == Decimal("6.5")  # only the analysed lot is blended
    assert summary.blended_kg == Decimal(2000) and summary.total_kg == Decimal(8000)


def test_latest_analysis_is_used(app, infierno):
    lot = make_lot(infierno)
    add_analysis(lot, moisture="9.0", analysis_date=TODAY - timedelta(days=300))
    add_analysis(lot, moisture="7.2", analysis_date=TODAY - timedelta(days=3))
    assert blend_lines([(lot, Decimal(100))]).moisture_pct == Decimal("7.2")


def test_coverage_full_only_when_every_lot_is_certified(app, infierno, tahuamanu, coop):
    a = make_lot(infierno)
    b = make_lot(tahuamanu)
    c = make_lot(coop)
    for lot in (a, b, c):
        add_certificate(lot, "eu_organic")
    add_certificate(a, "fairtrade")
    add_certificate(b, "fairtrade", valid_to=TODAY - timedelta(days=1))  # expired: no claim
    add_certificate(c, "usda_nop", status="in_conversion")  # in conversion: no claim
    result = {cov.scheme: cov for cov in coverage(
        [(a, Decimal(2000)), (b, Decimal(1000)), (c, Decimal(1000))], today=TODAY)}
    assert result["eu_organic"].is_full
    assert result["eu_organic"].covered_kg == Decimal(4000)
    fairtrade = result["fairtrade"]
    assert not fairtrade.is_full
    assert (fairtrade.covered_kg, fairtrade.total_kg, fairtrade.percent) == (
        Decimal(2000), Decimal(4000), Decimal("50.0"))
    assert fairtrade.lot_codes == (a.lot_code,)
    assert "usda_nop" not in result


def test_coverage_percent_never_rounds_up_to_full(app, infierno, tahuamanu):
    a = make_lot(infierno)
    b = make_lot(tahuamanu)
    add_certificate(a, "fairtrade")
    (only,) = coverage([(a, Decimal("9999.5")), (b, Decimal("0.5"))], today=TODAY)
    assert not only.is_full
    assert only.percent == Decimal("99.9")


def test_two_certificates_of_one_scheme_count_the_kg_once(app, infierno):
    a = make_lot(infierno)
    add_certificate(a, "eu_organic", holder="Agrobosque")
    add_certificate(a, "eu_organic", holder="Infierno")
    (only,) = coverage([(a, Decimal(500))], today=TODAY)
    assert only.covered_kg == Decimal(500) and only.is_full
    assert set(only.holders) == {"Agrobosque", "Infierno"}
