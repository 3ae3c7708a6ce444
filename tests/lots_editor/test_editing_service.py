"""Lot editing services: codes, sections, genetics, duplicate, completeness, publish."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.models import Lot
from matchmaker.services.lots import analyses, certificates, editing, photos, sensory
from tests.factories import make_draft_lot
from tests.lots_editor.conftest import (
    IDENTITY,
    TERMS,
    analysis_fields,
    complete_lot,
    jpeg_file,
)


def test_suggested_code_follows_pattern_and_skips_taken_numbers(org, db):
    assert editing.suggest_lot_code(org, year=2026) == "PE-MDD-INF-26-001"
    make_draft_lot(org, lot_code="PE-MDD-INF-26-001")
    assert editing.suggest_lot_code(org, year=2026) == "PE-MDD-INF-26-002"


def test_create_lot_is_unpublished_and_takes_origin_from_organisation(org, db):
    lot = make_draft_lot(org, lot_code="pe-mdd-inf-26-007")
    assert lot.lot_code == "PE-MDD-INF-26-007"
    assert not lot.is_published
    assert (lot.region, lot.province, lot.community) == ("Madre de Dios", "Tambopata", "CN Infierno")


def test_duplicate_lot_code_is_a_conflict(org, db):
    make_draft_lot(org, lot_code="PE-MDD-INF-26-001")
    with pytest.raises(Conflict) as caught:
        editing.create_lot(org, lot_code="PE-MDD-INF-26-001", **IDENTITY)
    assert caught.value.code == "lot_code_taken"


@pytest.mark.parametrize("code", ["", "a b", "ÑANDÚ-1", "-X1"])
def test_malformed_lot_code_is_refused(org, db, code):
    with pytest.raises(ValidationFailed) as caught:
        editing.create_lot(org, lot_code=code, **IDENTITY)
    assert caught.value.code == "lot_code_invalid"


def test_published_lot_keeps_its_code(lot, db):
    complete_lot(lot)
    editing.publish_lot(lot)
    editing.update_lot(lot, "identity", lot_code=lot.lot_code.lower(), warehouse_es="A")  # same code
    with pytest.raises(Conflict) as caught:
        editing.update_lot(lot, "identity", lot_code="PE-MDD-INF-26-099")
    assert caught.value.code == "lot_code_locked"
    editing.withdraw_lot(lot)
    editing.update_lot(lot, "identity", lot_code="PE-MDD-INF-26-099")
    assert lot.lot_code == "PE-MDD-INF-26-099"


def test_harvest_must_end_after_it_starts(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "identity", harvest_end=date(2026, 2, 1))
    assert caught.value.code == "harvest_out_of_order"
    assert caught.value.params["field"] == "harvest_end"


def test_altitude_range_in_order(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "origin", altitude_min=400, altitude_max=250)
    assert caught.value.code == "altitude_out_of_order"


def test_unknown_enumeration_code_is_refused(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "post_harvest", ferment_vessel="bathtub")
    assert caught.value.code == "unknown_choice"


def test_fields_of_another_section_are_a_programming_error(lot, db):
    with pytest.raises(TypeError):
        editing.update_lot(lot, "identity", price_usd_per_mt=Decimal(1))


def test_moq_must_be_whole_bags_and_message_suggests_amount(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "terms", **{**TERMS, "moq_kg": Decimal("650")})
    assert caught.value.code == "moq_not_whole_bags"
    assert "660" in caught.value.message and "60" in caught.value.message


def test_moq_above_volume_is_refused(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "terms", **{**TERMS, "moq_kg": Decimal("3000")})
    assert caught.value.code == "moq_exceeds_volume"


def test_changing_bag_weight_rechecks_moq(lot, db):
    editing.update_lot(lot, "terms", **TERMS)  # 600 kg = 10 bags of 60
    with pytest.raises(ValidationFailed) as caught:
        # 40 bags of 69 kg make 2,760 kg: the packing adds up, the 600 kg minimum does not.
        editing.update_lot(lot, "identity", net_kg_per_bag=Decimal("69"),
                           volume_kg=Decimal("2760"))
    assert caught.value.code == "moq_not_whole_bags"


def test_differential_price_needs_contract_month(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.update_lot(lot, "terms", **{**TERMS, "price_basis": "differential",
                                            "price_market": "ice_ny",
                                            "price_differential_usd_mt": Decimal("650")})
    assert caught.value.code == "contract_month_required"


def test_price_stored_per_mt_and_usd_per_kg_derived(lot, db):
    editing.update_lot(lot, "terms", **TERMS)
    db.session.commit()
    assert db.session.get(Lot, lot.id).price_usd_per_mt == Decimal("7850")
    assert editing.usd_per_kg(lot) == Decimal("7.85")


def test_export_docs_stored_in_vocabulary_order(lot, db):
    editing.update_lot(lot, "terms", export_docs=["phytosanitary_senasa", "commercial_invoice"])
    assert lot.export_doc_codes == ["commercial_invoice", "phytosanitary_senasa"]


@pytest.mark.parametrize(("rows", "code"), [
    ([], "genetics_required"),
    ([("native_amazonian", 60), ("trinitario", 30)], "genetics_shares_sum"),
    ([("native_amazonian", 60), ("native_amazonian", 40)], "genetics_duplicate"),
    ([("martian", 100)], "unknown_choice"),
    ([("criollo", 0), ("trinitario", 100)], "share_out_of_range"),
    ([("criollo", 10)] * 7, "genetics_too_many"),
])
def test_genetics_rules(lot, db, rows, code):
    with pytest.raises(ValidationFailed) as caught:
        editing.set_genetics(lot, [editing.GeneticsRow(g, Decimal(s)) for g, s in rows])
    assert caught.value.code == code


def test_genetics_sum_message_names_total(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.set_genetics(lot, [editing.GeneticsRow("criollo", Decimal("62.5")),
                                   editing.GeneticsRow("ccn51", Decimal(30))])
    assert "92.5" in caught.value.message


def test_genetics_replace_previous_rows(lot, db):
    editing.set_genetics(lot, [editing.GeneticsRow("criollo", Decimal(100))])
    editing.set_genetics(lot, [editing.GeneticsRow("criollo", Decimal(50)),
                               editing.GeneticsRow("trinitario", Decimal("50.00"))])
    db.session.commit()
    assert sorted(g.genetics for g in db.session.get(Lot, lot.id).genetics) == ["criollo", "trinitario"]


def test_publish_refused_lists_everything_missing(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing.publish_lot(lot)
    error = caught.value
    assert error.code == "lot_incomplete"
    for code in ("genetics", "analysis", "plots", "legality_evidence", "price", "moq",
                 "ferment_vessel", "n_producers"):
        assert code in error.params["missing"]
    assert "Quality analysis" in error.message or "quality analysis" in error.message
    assert not lot.is_published


def test_publish_needs_an_analysis_then_succeeds(lot, db):
    complete_lot(lot, with_analysis=False)
    assert [r.code for r in editing.missing_for_publish(lot)] == ["analysis"]
    analyses.save_analysis(lot, **analysis_fields())
    editing.publish_lot(lot)
    db.session.commit()
    lot = db.session.get(Lot, lot.id)
    assert lot.is_published and lot.published_at is not None


def test_certificate_without_proof_blocks_publishing(lot, db):
    complete_lot(lot)
    cert = certificates.save_certificate(
        lot, scheme="fairtrade", holder="Cooperativa Agrobosque", certificate_no="FLO 12345",
        certifier_name="FLOCERT", status="certified", valid_from=date(2025, 1, 1),
        valid_to=date(2027, 1, 1), verify_url="https://flocert.net/x")
    cert.verify_url = ""  # as if the link had been cleared in the database
    assert [r.code for r in editing.missing_for_publish(lot)] == ["certificate_proof"]


def test_organisation_without_ruc_blocks_publishing(lot, org, db):
    complete_lot(lot)
    org.ruc = None
    assert [r.code for r in editing.missing_for_publish(lot)] == ["organisation_ruc"]


def test_withdraw_and_withdraw_again(lot, db):
    complete_lot(lot)
    editing.publish_lot(lot)
    editing.withdraw_lot(lot)
    assert not lot.is_published and lot.withdrawn_at is not None
    with pytest.raises(Conflict) as caught:
        editing.withdraw_lot(lot)
    assert caught.value.code == "not_published"


def test_duplicate_for_next_harvest(lot, org, db):
    complete_lot(lot)
    certificates.save_certificate(
        lot, scheme="eu_organic", holder="Cooperativa Agrobosque", certificate_no="CU-884412",
        certifier_name="Control Union Peru", certifier_code="PE-BIO-149", status="certified",
        valid_from=date(2025, 1, 1), valid_to=date(2027, 12, 31),
        verify_url="https://example.test/cert")
    sensory.save_evaluation(
        lot, scores={a.code: Decimal(3) for a in sensory.applicable_attributes("coex_liquor")},
        protocol="coex_liquor", evaluator="Lab", evaluated_on=date(2026, 8, 1),
        global_quality=Decimal("7.5"), flavour_notes_en="Floral")
    photos.add_photo(lot, jpeg_file())
    editing.publish_lot(lot)
    db.session.commit()

    copy = editing.duplicate_lot(lot)
    db.session.commit()
    copy = db.session.get(Lot, copy.id)
    assert copy.lot_code == "PE-MDD-INF-27-001"
    assert not copy.is_published and copy.published_at is None
    assert copy.harvest_start == date(2027, 3, 1) and copy.harvest_end == date(2027, 6, 30)
    assert copy.volume_kg == lot.volume_kg and copy.ferment_vessel == "wooden_box"
    assert copy.price_usd_per_mt == Decimal("7850") and copy.price_valid_until is None
    assert {(g.genetics, g.share_pct) for g in copy.genetics} == {
        ("native_amazonian", Decimal(60)), ("trinitario", Decimal(40))}
    assert [c.certifier_code for c in copy.certificates] == ["PE-BIO-149"]
    assert [p.plot_ref for p in copy.plots] == ["P01"]
    assert copy.plots[0].geometry_json == lot.plots[0].geometry_json
    assert copy.legality_evidence_path == lot.legality_evidence_path
    assert copy.analyses == [] and copy.evaluations == [] and copy.photos == []
    assert copy.latest_iso_grade is None and copy.latest_global_quality is None
    # The original keeps everything.
    assert len(lot.analyses) == 1 and len(lot.photos) == 1 and len(lot.plots) == 1


def test_duplicate_with_taken_code_is_refused(lot, org, db):
    other = make_draft_lot(org)
    with pytest.raises(Conflict):
        editing.duplicate_lot(lot, lot_code=other.lot_code)


def test_lots_for_editor_scopes_reps_to_their_organisation(org, other_org, rep, db, factories):
    mine = make_draft_lot(org)
    theirs = make_draft_lot(other_org)
    assert editing.lots_for_editor(rep) == [mine]
    organiser = factories.user("organiser")
    assert set(editing.lots_for_editor(organiser)) == {mine, theirs}
    assert editing.lots_for_editor(organiser, other_org.id) == [theirs]
