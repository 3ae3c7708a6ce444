"""The sheet view-model: derived volumes, prices, grades, certificate states, EUDR panel."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from matchmaker.extensions import db
from matchmaker.services.lots.sheet import build_sheet, certificate_state, load_lot


def _sheet(lot, today=None):
    code = lot.lot_code
    db.session.expire_all()
    return build_sheet(load_lot(code), today=today or date.today())


def test_derived_volumes_prices_and_moq(lots):
    lot = lots.make(volume_kg=Decimal("4600"), price_usd_per_mt=Decimal("9450"),
                    moq_kg=Decimal("610"), net_kg_per_bag=Decimal("61"))
    sheet = _sheet(lot)
    assert sheet.volume.kg == Decimal("4600")
    assert sheet.volume.mt == Decimal("4.600")
    assert sheet.volume.lb == Decimal("10141")  # 4600 × 2.20462 = 10141.252
    assert sheet.volume.quintales == Decimal("100.00")
    assert sheet.terms.price_usd_per_kg == Decimal("9.45")
    assert sheet.terms.moq_bags == 10


def test_latest_analysis_is_shown_with_derived_values(lots):
    lot = lots.make()
    lots.analysis(lot, analysis_date=date(2025, 5, 1), mouldy=30)  # old and sub-standard
    lots.analysis(lot, analysis_date=date(2025, 8, 1), moisture="8.4", bean_count=110,
                  insect_damaged=6, germinated=3)
    sheet = _sheet(lot)
    analysis = sheet.analysis
    assert analysis.analysis_date == date(2025, 8, 1)
    assert analysis.fermented_pct == Decimal("89.0")
    assert analysis.defects_pct == Decimal("3.0")
    assert analysis.iso_grade == "I"
    assert analysis.bean_size == "medium"
    assert analysis.moisture_ok_at_origin is False


def test_sub_standard_grade_when_too_mouldy(lots):
    lot = lots.make()
    lots.analysis(lot, mouldy=15)
    assert _sheet(lot).analysis.iso_grade == "SS"


def test_certificate_states_on_the_day(lots):
    lot = lots.make()
    today = date(2025, 9, 1)
    valid = lots.certificate(lot, valid_from=date(2025, 1, 1), valid_to=date(2025, 12, 31))
    expired = lots.certificate(lot, scheme="fairtrade", valid_from=date(2024, 1, 1),
                               valid_to=date(2025, 8, 31))
    suspended = lots.certificate(lot, scheme="usda_nop", status="suspended",
                                 valid_from=date(2025, 1, 1), valid_to=date(2026, 1, 1))
    conversion = lots.certificate(lot, scheme="jas", status="in_conversion",
                                  valid_from=date(2025, 1, 1), valid_to=date(2026, 1, 1))
    states = {c.certificate.id: c.state for c in _sheet(lot, today).certificates}
    assert states == {valid.id: "valid", expired.id: "expired", suspended.id: "suspended",
                      conversion.id: "in_conversion"}


def test_expired_beats_every_stored_status(lots):
    lot = lots.make()
    certificate = lots.certificate(lot, valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31))
    assert certificate_state(certificate, date(2025, 1, 1)) == "expired"
    assert certificate_state(certificate, date(2024, 12, 31)) == "valid"
    sheet = _sheet(lot, date(2025, 1, 1))
    assert sheet.valid_certificates == []


def test_sensory_radar_uses_latest_evaluation(lots):
    lot = lots.make()
    lots.evaluation(lot, {"cacao": "2", "acidity": "2", "bitterness": "2"},
                    evaluated_on=date(2025, 1, 1))
    lots.evaluation(lot, {"cacao": "5", "fresh_fruit": "7", "floral": "3", "roast_degree": "4"},
                    evaluated_on=date(2025, 6, 1), protocol="fcci_unroasted")
    sensory = _sheet(lot).sensory
    assert sensory.evaluated_on == date(2025, 6, 1)
    # Unroasted screening has no roast degree axis, so it is left out.
    assert sensory.radar == [("cacao", Decimal("5")), ("fresh_fruit", Decimal("7")),
                             ("floral", Decimal("3"))]


def test_eudr_panel_totals_and_missing_evidence(lots):
    lot = lots.make(no_deforestation_evidence_url="https://example.test/analysis")
    lots.plot(lot, area_ha="1")
    lots.plot(lot, area_ha="2.5", geometry={"type": "Point",
                                            "coordinates": ["-69.185123", "-12.587456"]})
    eudr = _sheet(lot).eudr
    assert eudr.total_area_ha == Decimal("3.5")
    assert eudr.production_start == lot.harvest_start
    assert eudr.missing == ["legality"]


def test_price_validity_is_checked_against_today(lots):
    lot = lots.make(price_valid_until=date.today() - timedelta(days=1))
    assert _sheet(lot).terms.price_expired is True
