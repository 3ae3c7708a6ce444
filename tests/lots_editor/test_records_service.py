"""Analyses, sensory evaluations, certificates, plots, photos and EUDR evidence services."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.lotsheet import geo
from matchmaker.models import Lot, ProductionPlot, QualityAnalysis
from matchmaker.services.lots import analyses, certificates, editing_eudr, photos, plots, sensory
from matchmaker.uploads import resolve
from tests.lots_editor.conftest import (
    GEO_FIXTURES,
    analysis_fields,
    jpeg_file,
    jpeg_with_gps_bytes,
    pdf_file,
    text_file,
)

# Analyses ----------------------------------------------------------------------------------

def test_analysis_derives_fermented_pct_and_grade_and_refreshes_lot(lot, db):
    analysis = analyses.save_analysis(lot, **analysis_fields())
    db.session.commit()
    stored = db.session.get(QualityAnalysis, analysis.id)
    assert stored.fermented_pct == Decimal("92.00")  # (231 + 45) / 300
    assert stored.iso_grade == "I"
    assert db.session.get(Lot, lot.id).latest_iso_grade == "I"


def test_grade_limit_is_inclusive_and_worse_defects_give_grade_ii(lot, db):
    # 12 mouldy of 300 = 4 %: above Grade I's 3 %, exactly Grade II's limit.
    fields = analysis_fields(well_fermented=222, mouldy=12)
    analysis = analyses.save_analysis(lot, **fields)
    assert analysis.iso_grade == "II"
    assert lot.latest_iso_grade == "II"


def test_latest_analysis_by_date_sets_the_lot_grade(lot, db):
    older = analyses.save_analysis(lot, **analysis_fields(analysis_date=date(2026, 5, 1),
                                                         well_fermented=222, mouldy=12))
    analyses.save_analysis(lot, **analysis_fields(analysis_date=date(2026, 7, 1)))
    assert lot.latest_iso_grade == "I"
    # Entering an even older analysis later does not change what is latest.
    analyses.save_analysis(lot, **analysis_fields(analysis_date=date(2026, 1, 1),
                                                 well_fermented=200, mouldy=34))
    assert lot.latest_iso_grade == "I"
    analyses.delete_analysis(next(a for a in lot.analyses if a.analysis_date == date(2026, 7, 1)))
    assert lot.latest_iso_grade == older.iso_grade == "II"


def test_editing_an_analysis_regrades_it(lot, db):
    analysis = analyses.save_analysis(lot, **analysis_fields())
    analyses.save_analysis(lot, analysis, **analysis_fields(well_fermented=200, mouldy=34))
    assert analysis.iso_grade == "SS" and lot.latest_iso_grade == "SS"
    assert analysis.fermented_pct == Decimal("81.67")


def test_counts_must_add_up_and_message_names_totals(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        analyses.save_analysis(lot, **analysis_fields(well_fermented=230))
    error = caught.value
    assert error.code == "counts_sum_mismatch"
    assert "299" in error.message and "300" in error.message
    assert error.params["field"] == "cut_test_n"
    assert lot.analyses == []


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"moisture_pct": Decimal("101")}, "moisture_out_of_range", "moisture_pct"),
    ({"bean_count_per_100g": 0}, "bean_count_not_positive", "bean_count_per_100g"),
    ({"fermentation_index": Decimal("-1")}, "fermentation_index_negative", "fermentation_index"),
    ({"ffa_pct": Decimal("120")}, "percent_out_of_range", "ffa_pct"),
    ({"cadmium_mg_kg": Decimal("-0.1")}, "negative_value", "cadmium_mg_kg"),
])
def test_analysis_value_rules(lot, db, overrides, code, field):
    with pytest.raises(ValidationFailed) as caught:
        analyses.save_analysis(lot, **analysis_fields(**overrides))
    assert (caught.value.code, caught.value.params["field"]) == (code, field)


def test_report_pdf_stored_and_non_pdf_refused_without_writing(lot, db):
    analysis = analyses.save_analysis(lot, files={"report": pdf_file()}, **analysis_fields())
    assert resolve(analysis.report_path).read_bytes().startswith(b"%PDF-")
    with pytest.raises(ValidationFailed) as caught:
        analyses.save_analysis(lot, files={"report": text_file("report.pdf")},
                               **analysis_fields(analysis_date=date(2026, 8, 1)))
    assert caught.value.code == "not_a_pdf" and caught.value.params["field"] == "report"
    assert len(lot.analyses) == 1


def test_derived_display_values(lot, db):
    analysis = analyses.save_analysis(lot, **analysis_fields(fermentation_index=Decimal("1.2")))
    shown = analyses.derived(analysis)
    assert shown["fermented_pct"] == Decimal("92.0")
    assert shown["percentages"]["mouldy"] == Decimal("1.0")
    assert shown["defects_pct"] == Decimal("1.0")
    assert shown["bean_size"] == "large" and shown["trade_grade"] == "good_fermented"
    assert shown["moisture_ok"] is True and shown["fermentation_adequate"] is True


# Sensory -----------------------------------------------------------------------------------

def _liquor_scores(**overrides):
    scores = {a.code: Decimal(2) for a in sensory.applicable_attributes("coex_liquor")}
    scores.update(overrides)
    return scores


def _evaluation(lot, scores=None, evaluation=None, **overrides):
    fields = {"protocol": "coex_liquor", "evaluator": "Cocoa of Excellence panel",
              "panel_size": 6, "evaluated_on": date(2026, 8, 12),
              "roast_profile_es": "120 °C, 25 min", "global_quality": Decimal("7.5"),
              "flavour_notes_es": "Floral, nuez", "flavour_notes_en": "Floral, nutty"}
    fields.update(overrides)
    return sensory.save_evaluation(lot, evaluation, scores=scores or _liquor_scores(), **fields)


def test_evaluation_stores_scores_and_refreshes_global_quality(lot, db):
    evaluation = _evaluation(lot, _liquor_scores(floral=Decimal(5), floral_orange_blossom=Decimal(3)))
    db.session.commit()
    assert evaluation.score("floral") == Decimal(5)
    assert evaluation.score("floral_orange_blossom") == Decimal(3)
    assert evaluation.score("sweetness") is None
    assert db.session.get(Lot, lot.id).latest_global_quality == Decimal("7.5")


def test_latest_evaluation_wins_and_delete_refreshes(lot, db):
    first = _evaluation(lot, evaluated_on=date(2026, 8, 1), global_quality=Decimal(6))
    second = _evaluation(lot, evaluated_on=date(2026, 9, 1), global_quality=Decimal("8.5"))
    assert lot.latest_global_quality == Decimal("8.5")
    sensory.delete_evaluation(second)
    assert lot.latest_global_quality == first.global_quality == Decimal(6)


def test_editing_evaluation_replaces_scores(lot, db):
    evaluation = _evaluation(lot, _liquor_scores(nutty_nut_flesh=Decimal(4)))
    _evaluation(lot, _liquor_scores(), evaluation)
    db.session.commit()
    assert evaluation.score("nutty_nut_flesh") is None


@pytest.mark.parametrize(("scores", "overrides", "code"), [
    (_liquor_scores(sweetness=Decimal(3)), {}, "attribute_not_for_protocol"),
    (_liquor_scores(cacao=Decimal(11)), {}, "intensity_out_of_range"),
    ({"cacao": Decimal(3)}, {}, "attributes_missing"),
    (_liquor_scores(umami=Decimal(3)), {}, "unknown_attribute"),
    (_liquor_scores(), {"global_quality": Decimal("10.5")}, "global_quality_out_of_range"),
    (_liquor_scores(), {"flavour_notes_es": "", "flavour_notes_en": " "}, "flavour_notes_required"),
    (_liquor_scores(), {"protocol": "wine"}, "unknown_protocol"),
])
def test_evaluation_rules(lot, db, scores, overrides, code):
    with pytest.raises(ValidationFailed) as caught:
        _evaluation(lot, scores, **overrides)
    assert caught.value.code == code
    assert lot.evaluations == []


def test_missing_parent_attributes_are_named(lot, db):
    scores = _liquor_scores()
    del scores["bitterness"], scores["roast_degree"]
    with pytest.raises(ValidationFailed) as caught:
        _evaluation(lot, scores)
    assert caught.value.params["missing"] == ["bitterness", "roast_degree"]
    assert "Bitterness" in caught.value.message


def test_unroasted_protocol_has_no_roast_degree(lot, db):
    scores = {a.code: Decimal(1) for a in sensory.applicable_attributes("fcci_unroasted")}
    assert "roast_degree" not in scores and "sweetness" not in scores
    evaluation = _evaluation(lot, scores, protocol="fcci_unroasted")
    assert evaluation.protocol == "fcci_unroasted"


def test_protocol_cannot_change_on_edit(lot, db):
    evaluation = _evaluation(lot)
    with pytest.raises(ValidationFailed) as caught:
        _evaluation(lot, evaluation=evaluation, protocol="chocolate")
    assert caught.value.code == "protocol_changed"


# Certificates ------------------------------------------------------------------------------

def _cert(lot, **overrides):
    fields = {"scheme": "eu_organic", "holder": "Cooperativa Agrobosque",
              "certificate_no": "CU-884412", "certifier_name": "Control Union Peru",
              "certifier_code": "pe-bio-149", "status": "certified",
              "valid_from": date(2025, 3, 1), "valid_to": date(2027, 2, 28),
              "verify_url": "https://certificates.example.test/CU-884412"}
    fields.update(overrides)
    file = fields.pop("file", None)
    return certificates.save_certificate(lot, file=file, **fields)


def test_group_certificate_held_by_cooperative(lot, db):
    cert = _cert(lot)
    db.session.commit()
    assert cert.holder == "Cooperativa Agrobosque" and cert.certifier_code == "PE-BIO-149"
    assert cert.is_valid_on(date(2026, 6, 1)) and not cert.is_valid_on(date(2027, 3, 1))


@pytest.mark.parametrize(("overrides", "code"), [
    ({"certifier_code": "PE-BIO-14"}, "certifier_code_format"),
    ({"certifier_code": "PEBIO149"}, "certifier_code_format"),
    ({"valid_to": date(2025, 1, 1)}, "validity_out_of_order"),
    ({"verify_url": ""}, "certificate_proof_required"),
    ({"verify_url": "javascript:alert(1)"}, "verify_url_invalid"),
    ({"scheme": "other"}, "scheme_other_required"),
    ({"status": "expired"}, "unknown_choice"),
    ({"holder": ""}, "field_required"),
])
def test_certificate_rules(lot, db, overrides, code):
    with pytest.raises(ValidationFailed) as caught:
        _cert(lot, **overrides)
    assert caught.value.code == code
    assert lot.certificates == []


def test_non_eu_scheme_takes_any_certifier_code(lot, db):
    cert = _cert(lot, scheme="fairtrade", certifier_name="FLOCERT", certifier_code="")
    assert cert.certifier_code == ""


def test_certificate_pdf_counts_as_proof_and_non_pdf_refused(lot, db):
    cert = _cert(lot, verify_url="", file=pdf_file("organic.pdf"))
    assert resolve(cert.file_path).is_file()
    # Editing later without a new file keeps the stored one as proof.
    certificates.save_certificate(lot, cert, scheme="eu_organic", holder="X", certificate_no="2",
                                  certifier_name="CU", certifier_code="PE-BIO-149",
                                  status="certified", valid_from=date(2025, 1, 1),
                                  valid_to=date(2026, 1, 1), verify_url="")
    assert cert.certificate_no == "2" and cert.file_path
    with pytest.raises(ValidationFailed) as caught:
        _cert(lot, verify_url="", file=text_file("organic.pdf"))
    assert caught.value.code == "not_a_pdf"
    assert len(lot.certificates) == 1


# Plots -------------------------------------------------------------------------------------

def test_point_from_typed_coordinates_keeps_decimals(lot, db):
    plot = plots.add_plot_from_coordinates(
        lot, plot_ref="P01", producer_name="Rosa", area_ha=Decimal("2.5"),
        coordinates="-12.587450, -69.185120")
    db.session.commit()
    stored = db.session.get(ProductionPlot, plot.id)
    assert stored.geometry_type == "Point"
    assert stored.geometry_json == '{"type":"Point","coordinates":[-69.185120,-12.587450]}'
    assert geo.validate_geojson(stored.geometry_json, area_ha=stored.area_ha) == []


def test_polygon_from_typed_lines_measures_area_when_not_given(lot, db):
    lines = "\n".join(["-12.590000, -69.190000", "-12.590000, -69.189080",
                       "-12.589096, -69.189080", "-12.589096, -69.190000"])
    plot = plots.add_plot_from_coordinates(lot, plot_ref="P02", producer_name="Julio",
                                           coordinates=lines)
    assert plot.geometry_type == "Polygon"
    assert Decimal("0.9") < plot.area_ha < Decimal("1.1")


@pytest.mark.parametrize(("text", "area", "code", "words"), [
    ("-12.58, -69.18", Decimal(1), "invalid_geometry", "6 decimals"),
    ("-12.587456, -69.185123", Decimal(6), "invalid_geometry", "need a polygon"),
    ("-12.587456", Decimal(1), "invalid_coordinates_text", "Line 1"),
    ("40.416775, -3.703790", Decimal(1), "invalid_geometry", "outside Peru"),
])
def test_typed_coordinates_rules(lot, db, text, area, code, words):
    with pytest.raises(ValidationFailed) as caught:
        plots.add_plot_from_coordinates(lot, plot_ref="PX", producer_name="Rosa", area_ha=area,
                                        coordinates=text)
    assert caught.value.code == code
    assert words in caught.value.message
    assert lot.plots == []


def test_plot_ref_unique_in_lot(lot, db):
    plots.add_plot_from_coordinates(lot, plot_ref="P01", producer_name="R", area_ha=Decimal(1),
                                    coordinates="-12.587456, -69.185123")
    with pytest.raises(Conflict) as caught:
        plots.add_plot_from_coordinates(lot, plot_ref="P01", producer_name="R",
                                        area_ha=Decimal(1), coordinates="-12.587457, -69.185124")
    assert caught.value.code == "plot_ref_taken"


def test_geojson_fixture_polygon_imported_with_properties(lot, db):
    text = (GEO_FIXTURES / "plot_square_1ha.geojson").read_text()
    [plot] = plots.import_geojson(lot, text)
    db.session.commit()
    # The polygon's measured area is used; the file's declared 1 ha is kept apart.
    assert (plot.plot_ref, plot.producer_name, plot.area_ha, plot.declared_area_ha) == (
        "PE-MDD-P001", "Asociación Agroforestal CN Infierno", Decimal("0.9997"), Decimal(1))
    assert "-69.190000" in plot.geometry_json  # trailing zeros kept


def _collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def _point_feature(ref, lon, lat, area=1):
    return {"type": "Feature", "id": ref, "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"ProducerName": "Rosa", "Area": area}}


def test_feature_collection_creates_several_plots(lot, db):
    text = _collection(_point_feature("A", -69.185123, -12.587456),
                       _point_feature("B", -69.186123, -12.588456, 3))
    created = plots.import_geojson(lot, text)
    assert [p.plot_ref for p in created] == ["A", "B"]


def test_feature_collection_is_all_or_nothing(lot, db):
    text = _collection(_point_feature("good", -69.185123, -12.587456),
                       _point_feature("bad", -69.18, -12.58))
    with pytest.raises(ValidationFailed) as caught:
        plots.import_geojson(lot, text)
    error = caught.value
    assert error.code == "invalid_geojson"
    assert "Plot bad" in error.message and "decimals" in error.message
    assert lot.plots == []
    assert db.session.scalar(db.select(db.func.count()).select_from(ProductionPlot)) == 0


@pytest.mark.parametrize(("fixture", "rule_words"), [
    ("broken_bowtie.geojson", "cross"),
    ("broken_hole.geojson", "holes"),
    ("broken_multipolygon.geojson", "MultiPolygon"),
    ("broken_outside_peru.geojson", "outside Peru"),
    ("broken_point_over_4ha.geojson", "need a polygon"),
    ("broken_swapped.geojson", "latitude first"),
    ("broken_too_few_decimals.geojson", "decimals"),
    ("broken_unclosed_ring.geojson", "must repeat the first"),
])
def test_broken_geojson_message_names_feature_and_rule(lot, db, fixture, rule_words):
    text = (GEO_FIXTURES / fixture).read_text()
    with pytest.raises(ValidationFailed) as caught:
        plots.import_geojson(lot, text)
    message = caught.value.message
    assert message.startswith("Plot ") and rule_words in message
    assert lot.plots == []


def test_duplicate_refs_in_one_file_refused(lot, db):
    text = _collection(_point_feature("A", -69.185123, -12.587456),
                       _point_feature("A", -69.186123, -12.588456))
    with pytest.raises(Conflict):
        plots.import_geojson(lot, text)
    assert lot.plots == []


def test_not_json_is_refused(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        plots.import_geojson(lot, "lat,lon\n-12.5,-69.1")
    assert caught.value.code == "invalid_geojson"


# Photos ------------------------------------------------------------------------------------

def test_photo_upload_strips_gps_exif(lot, db):
    original = Image.open(BytesIO(jpeg_with_gps_bytes()))
    assert original.getexif().get_ifd(0x8825)  # the test file really carries a GPS position
    photo = photos.add_photo(lot, jpeg_file(), caption_es="Cajones", caption_en="Boxes")
    db.session.commit()
    for path in (photo.path, photo.thumb_path):
        with Image.open(resolve(path)) as stored:
            exif = stored.getexif()
            assert not exif.get_ifd(0x8825) and 0x0110 not in exif  # no GPS, no camera model
    assert (photo.width, photo.height) == (64, 48)


def test_text_file_named_jpg_is_refused(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        photos.add_photo(lot, text_file("cacao.jpg"))
    assert caught.value.code == "not_an_image"
    assert lot.photos == []


def test_photo_order_and_delete(lot, db):
    first = photos.add_photo(lot, jpeg_file("1.jpg"))
    second = photos.add_photo(lot, jpeg_file("2.jpg"))
    third = photos.add_photo(lot, jpeg_file("3.jpg"))
    photos.move_photo(third, -1)
    db.session.commit()
    assert [p.id for p in db.session.get(Lot, lot.id).photos] == [first.id, third.id, second.id]
    photos.move_photo(first, -1)  # already first: stays
    assert first.position == 0
    paths = photos.delete_photo(second)
    assert paths == [second.path, second.thumb_path]
    assert [p.id for p in lot.photos] == [first.id, third.id]


def test_photo_required(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        photos.add_photo(lot, FileStorage(BytesIO(b""), filename=""))
    assert caught.value.code == "photo_required"


# EUDR evidence -----------------------------------------------------------------------------

def test_eudr_evidence_files_and_links(lot, db):
    editing_eudr.save_eudr_evidence(
        lot, no_deforestation_file=pdf_file("mapa.pdf"), legality_file=pdf_file("titulo.pdf"),
        dds_reference="24FRXVV3VOS991", dds_verification="KLMDFEWG")
    db.session.commit()
    assert resolve(lot.no_deforestation_evidence_path).is_file()
    assert resolve(lot.legality_evidence_path).is_file()
    kept = lot.legality_evidence_path
    editing_eudr.save_eudr_evidence(lot, no_deforestation_evidence_url="https://maps.example.test/a")
    assert lot.legality_evidence_path == kept and lot.dds_reference == ""


def test_eudr_evidence_refuses_non_pdf_and_bad_url(lot, db):
    with pytest.raises(ValidationFailed) as caught:
        editing_eudr.save_eudr_evidence(lot, legality_file=text_file("titulo.pdf"))
    assert caught.value.params["field"] == "legality_file"
    with pytest.raises(ValidationFailed) as caught:
        editing_eudr.save_eudr_evidence(lot, no_deforestation_evidence_url="ftp://x")
    assert caught.value.code == "evidence_url_invalid"
    assert lot.legality_evidence_path is None
