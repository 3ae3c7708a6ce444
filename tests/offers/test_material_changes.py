"""Lots changing inside published offers: what is material, who is told, what buyers see,
and the grade an offer declares."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from matchmaker.errors import ValidationFailed
from matchmaker.models import Notice, OfferLotChange, OutboxMessage
from matchmaker.services.lots import analyses, certificates, editing
from matchmaker.services.offers import changes, composing, material, review
from matchmaker.services.offers.page import build_offer_page
from tests.factories import add_analysis, add_certificate, make_lot

TODAY = date.today()
COUNTS = {"cut_test_n": 300, "well_fermented": 231, "partly_fermented": 45, "purple": 12,
          "slaty": 6, "mouldy": 3, "insect_damaged": 1, "germinated": 1, "flat": 1}


def _analysis_fields(**overrides) -> dict:
    fields = {"analysis_date": date(2026, 7, 10), "lab": "Laboratorio Agrobosque",
              "sample_kg": Decimal("1.5"), "moisture_pct": Decimal("7.1"),
              "bean_count_per_100g": 98, **COUNTS}
    fields.update(overrides)
    return fields


@pytest.fixture
def english_rep(factories, coop):
    return factories.user("rep", organisation=coop, locale="en")


def publish_one_lot(coop, infierno, infierno_rep):
    """A published FOB Callao offer of 6,000 kg of one association lot, organic, with one
    analysis (7.1 %, Grade I). Returns (offer, lot, analysis)."""
    lot = make_lot(infierno, volume_kg=Decimal("6000"), moq_kg=None)
    analysis = analyses.save_analysis(lot, **_analysis_fields())
    add_certificate(lot, "eu_organic")
    offer = composing.create_offer(coop, name_es="Contenedor", name_en="Container",
                                   target_volume_kg="6000", incoterm="FOB",
                                   incoterm_place="Callao")
    line = composing.set_line(offer, lot, "6000")
    composing.answer_line(line, infierno_rep, approve=True)
    composing.publish_offer(offer)
    db_commit()
    return offer, lot, analysis


def db_commit() -> None:
    from matchmaker.extensions import db

    db.session.commit()


@pytest.fixture
def published(app, db, ctx, coop, infierno, infierno_rep):
    return publish_one_lot(coop, infierno, infierno_rep)


def _changes() -> list[OfferLotChange]:
    return db_scalars(OfferLotChange)


def db_scalars(model):
    from matchmaker.extensions import db

    return db.session.scalars(db.select(model).order_by(model.id)).all()


def _notices(kind: str) -> list[Notice]:
    from matchmaker.extensions import db

    return db.session.scalars(db.select(Notice).where(Notice.kind == kind)
                              .order_by(Notice.id)).all()


# What is material ------------------------------------------------------------------------

def test_material_is_defined_once_and_cosmetic_fields_are_not_in_it(app, db, ctx, infierno):
    lot = make_lot(infierno)
    add_analysis(lot, moisture="7.1")
    figures = material.lot_figures(lot)
    assert figures["moisture_pct"] == "7.1" and figures["volume_kg"] == "3000"
    assert figures["incoterm"] == "FCA" and figures["price_usd_per_mt"] == "9500"
    for cosmetic in ("description_en", "description_es", "name_en", "warehouse"):
        assert cosmetic not in figures
    lot.description_en = "A typo fixed"
    assert material.differences(figures, material.lot_figures(lot)) == []
    lot.volume_kg = Decimal("2400")
    [difference] = material.differences(figures, material.lot_figures(lot))
    assert (difference.key, difference.old, difference.new) == ("volume_kg", "3000", "2400")


# Editing an analysis of a lot in a published offer ---------------------------------------

def test_correcting_an_analysis_is_recorded_dated_and_announced(
        app, db, ctx, published, coop_rep, english_rep):
    offer, lot, analysis = published
    assert offer.quality_updated_at is None
    assert review.quality_updated_on(offer) is None
    # The lab corrects the same analysis: no new analysis, still a quality update.
    analyses.save_analysis(lot, analysis, **_analysis_fields(moisture_pct=Decimal("9.5")))
    db.session.commit()
    [change] = _changes()
    assert (change.field, change.old_value, change.new_value) == ("moisture_pct", "7.1", "9.5")
    assert review.quality_updated_on(offer) == datetime.now(UTC).date()
    notices = _notices("offer_lot_changed")
    assert [n.user_id for n in notices] == [coop_rep.id, english_rep.id]
    english = notices[1]
    assert english.subject == f"Lot {lot.lot_code} in offer {offer.offer_code} has changed"
    assert "Moisture: 7.1 % → 9.5 %" in english.body
    assert english.link.endswith(f"/my/offers/{offer.offer_code}#review-title")
    assert english.link.startswith(app.config["BASE_URL"])
    spanish = notices[0]
    assert "ha cambiado" in spanish.subject and "Humedad: 7,1 % → 9,5 %" in spanish.body
    mails = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "offer_lot_changed")).all()
    assert sorted(m.recipient for m in mails) == sorted([coop_rep.email, english_rep.email])
    # Shown for review with old and new figures, until marked reviewed.
    page = build_offer_page(offer, today=TODAY)
    [finding] = [f for f in review.offer_review(offer, page, today=TODAY)
                 if f.code == "lot_changed"]
    assert lot.lot_code in finding.message and "7.1 % → 9.5 %" in finding.message
    assert changes.mark_reviewed(offer) == 1
    assert "lot_changed" not in {f.code for f in review.offer_review(offer, page, today=TODAY)}
    assert review.quality_updated_on(offer) == datetime.now(UTC).date()  # the date stays


def test_a_description_typo_changes_nothing_and_tells_no_one(app, db, ctx, published, coop_rep):
    offer, lot, _analysis = published
    editing.update_lot(lot, "identity", description_en="Native agroforestry cacao, fixed.")
    db.session.commit()
    assert _changes() == [] and _notices("offer_lot_changed") == []
    assert offer.quality_updated_at is None


def test_price_volume_and_certificate_changes_are_material_but_not_quality(
        app, db, ctx, published, coop_rep):
    offer, lot, _analysis = published
    editing.update_lot(lot, "terms", incoterm="FCA", incoterm_place="Puerto Maldonado",
                       price_basis="fixed", price_usd_per_mt=Decimal("9900"),
                       price_valid_until=lot.price_valid_until, moq_kg=None,
                       sample_available=False)
    editing.update_lot(lot, "identity", volume_kg=Decimal("7200"), bag_count=120)
    [certificate] = lot.certificates
    certificates.delete_certificate(certificate)
    db.session.commit()
    fields = [(c.field, c.old_value, c.new_value) for c in _changes()]
    assert ("price_usd_per_mt", "9500", "9900") in fields
    assert ("volume_kg", "6000", "7200") in fields
    assert [f for f in fields if f[0] == "certificate:eu_organic"][0][2] == ""
    assert offer.quality_updated_at is None  # nothing about the beans changed
    assert len(_notices("offer_lot_changed")) == 3  # one per edit, to the one rep


def test_a_new_analysis_dates_the_offer_too(app, db, ctx, published):
    offer, lot, _analysis = published
    analyses.save_analysis(lot, **_analysis_fields(analysis_date=date(2026, 9, 1),
                                                   moisture_pct=Decimal("7.4")))
    db.session.commit()
    assert review.quality_updated_on(offer) == datetime.now(UTC).date()


def test_draft_offers_record_nothing(app, db, ctx, coop):
    lot = make_lot(coop, volume_kg=Decimal("3000"), moq_kg=None)
    offer = composing.create_offer(coop, name_es="Borrador", target_volume_kg="3000")
    composing.set_line(offer, lot, "3000")
    analyses.save_analysis(lot, **_analysis_fields())
    db.session.commit()
    assert _changes() == [] and offer.quality_updated_at is None


# The declared grade ----------------------------------------------------------------------

def test_publishing_declares_the_blends_grade_unless_one_is_chosen(app, db, ctx, published):
    offer, _lot, _analysis = published
    assert offer.declared_grade == "I"


def test_a_grade_better_than_the_blend_cannot_be_declared(app, db, ctx, coop):
    lot = make_lot(coop, volume_kg=Decimal("3000"), moq_kg=None)
    add_analysis(lot, mouldy=11)  # 3.7 % mouldy: Grade II
    offer = composing.create_offer(coop, name_es="X", target_volume_kg="3000",
                                   declared_grade="I")
    composing.set_line(offer, lot, "3000")
    with pytest.raises(ValidationFailed) as error:
        composing.publish_offer(offer)
    assert error.value.code == "declared_grade_above_blend"
    assert error.value.params["grade"] == "II"
    composing.update_offer(offer, declared_grade="SS")  # declaring lower is the coop's choice
    composing.publish_offer(offer)
    assert offer.declared_grade == "SS"
    with pytest.raises(ValidationFailed):
        composing.update_offer(offer, declared_grade="I")


def test_a_lot_edit_that_lowers_the_blend_is_flagged_to_both_sides(
        app, db, ctx, published, english_rep):
    offer, lot, analysis = published
    analyses.save_analysis(lot, analysis, **_analysis_fields(mouldy=11, well_fermented=223))
    db.session.commit()
    page = build_offer_page(offer, today=TODAY)
    assert page.blend.worst_grade == "II" and offer.declared_grade == "I"
    assert review.grade_left(offer, page) == "II"
    [finding] = [f for f in review.offer_review(offer, page, today=TODAY)
                 if f.code == "grade_left"]
    assert "declares Grade I" in finding.message
    [notice] = [n for n in _notices("offer_lot_changed") if n.user_id == english_rep.id]
    assert "ISO grade: Grade I → Grade II" in notice.body
    assert "below the Grade I the offer declares" in notice.body
    # Declaring the lower grade settles it; nothing is flagged any more.
    composing.update_offer(offer, declared_grade="II")
    assert review.grade_left(offer, build_offer_page(offer, today=TODAY)) is None


def test_republishing_takes_the_current_figures_as_reviewed(app, db, ctx, published):
    offer, lot, analysis = published
    analyses.save_analysis(lot, analysis, **_analysis_fields(moisture_pct=Decimal("7.6")))
    assert len(changes.unreviewed(offer)) == 1
    composing.unpublish_offer(offer)
    composing.publish_offer(offer, now=datetime.now(UTC) + timedelta(seconds=1))
    assert changes.unreviewed(offer) == []


def test_a_new_sensory_evaluation_is_a_quality_change(app, db, ctx, published, english_rep):
    from matchmaker.services.lots import sensory

    offer, lot, _analysis = published
    scores = {a.code: Decimal(3) for a in sensory.applicable_attributes("coex_liquor")}
    sensory.save_evaluation(lot, scores=scores, protocol="coex_liquor", evaluator="Panel",
                            evaluated_on=date(2026, 8, 1), global_quality=Decimal("7.5"),
                            flavour_notes_en="Floral")
    db.session.commit()
    [change] = _changes()
    assert (change.field, change.old_value, change.new_value) == ("global_quality", "", "7.5")
    assert review.quality_updated_on(offer) == datetime.now(UTC).date()
    [notice] = [n for n in _notices("offer_lot_changed") if n.user_id == english_rep.id]
    assert "Sensory global quality: — → 7.5 / 10" in notice.body
