"""Over HTTP: a lot's material change shown to the cooperative and marked reviewed, the date
and the declared grade shown to buyers, and the grade declared on the offer form."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_babel import format_date

from matchmaker.extensions import db
from matchmaker.services.lots import analyses, editing
from matchmaker.services.offers import composing
from tests.factories import add_analysis, login, make_lot
from tests.offers.test_material_changes import _analysis_fields, publish_one_lot

EN = {"Accept-Language": "en"}


def _login_en(client, user):
    user.locale = "en"
    db.session.commit()
    login(client, user)


def test_cooperative_reviews_a_lot_change_and_buyers_see_it_dated(
        app, client, ctx, coop, infierno, infierno_rep, coop_rep):
    offer, lot, analysis = publish_one_lot(coop, infierno, infierno_rep)
    page = client.get(f"/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert "Declared grade" in page and "Grade I" in page
    assert "Quality updated on" not in page
    # The association corrects the analysis: 9.5 % moisture, 11 mouldy beans (Grade II).
    analyses.save_analysis(lot, analysis, **_analysis_fields(
        moisture_pct=Decimal("9.5"), mouldy=11, well_fermented=223))
    editing.update_lot(lot, "identity", description_en="Typo fixed.")  # cosmetic
    db.session.commit()
    page = client.get(f"/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    with app.test_request_context(headers=EN):
        today = format_date(date.today())
    assert f"Quality updated on {today}." in page
    assert ("Below the declared grade: a lot has changed and the blend is now Grade II, not "
            "the Grade I this offer declares.") in page

    _login_en(client, coop_rep)
    edit = client.get(f"/my/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert 'data-code="lot_changed"' in edit and "Moisture 7.1 % → 9.5 %" in edit
    assert 'data-code="grade_left"' in edit
    assert "changes as reviewed" in edit
    done = client.post(f"/my/offers/{offer.offer_code}/changes/reviewed", headers=EN)
    assert done.status_code == 302
    edit = client.get(f"/my/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert 'data-code="lot_changed"' not in edit and "The changes are marked as reviewed." in edit
    assert 'data-code="grade_left"' in edit  # still true: the blend is below what is declared

    # Declaring the lower grade on the form settles it for buyers too.
    form = {"name_es": "Contenedor", "name_en": "Container", "target_volume_kg": "6000",
            "incoterm": "FOB", "incoterm_place": "Callao", "declared_grade": "II"}
    assert client.post(f"/my/offers/{offer.offer_code}", data=form).status_code == 302
    db.session.expire_all()
    assert offer.declared_grade == "II"
    client.post("/logout")
    page = client.get(f"/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert "Below the declared grade" not in page


def test_a_grade_above_the_blend_is_refused_on_the_form(app, client, ctx, coop, coop_rep):
    lot = make_lot(coop, volume_kg=Decimal("3000"), moq_kg=None)
    add_analysis(lot, mouldy=11)  # Grade II
    offer = composing.create_offer(coop, name_es="X", target_volume_kg="3000")
    composing.set_line(offer, lot, "3000")
    composing.publish_offer(offer)
    db.session.commit()
    assert offer.declared_grade == "II"
    _login_en(client, coop_rep)
    form = {"name_es": "X", "target_volume_kg": "3000", "incoterm": "FCA",
            "declared_grade": "I"}
    refused = client.post(f"/my/offers/{offer.offer_code}", data=form, headers=EN)
    assert refused.status_code == 422
    assert "so the offer cannot promise Grade I" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert offer.declared_grade == "II"


def _my_offer_row(html: str, offer_code: str) -> str:
    """The row of "My offers" that holds this offer."""
    return next(row for row in re.findall(r"(?s)<tr>.*?</tr>", html) if offer_code in row)


def test_my_offers_lists_the_declared_grade_and_flags_a_blend_below_it(
        app, client, ctx, coop, infierno, infierno_rep, coop_rep):
    offer, lot, analysis = publish_one_lot(coop, infierno, infierno_rep)
    _login_en(client, coop_rep)
    row = _my_offer_row(client.get("/my/offers/", headers=EN).get_data(as_text=True),
                        offer.offer_code)
    assert 'data-label="Declared grade" class="declared-grade">Grade I' in row
    assert "grade-left" not in row
    # The association's corrected analysis puts the blend at Grade II: the list says so.
    analyses.save_analysis(lot, analysis, **_analysis_fields(
        moisture_pct=Decimal("9.5"), mouldy=11, well_fermented=223))
    db.session.commit()
    page = client.get("/my/offers/", headers=EN).get_data(as_text=True)
    row = _my_offer_row(page, offer.offer_code)
    assert "Below it: the blend is now Grade II" in row and 'class="badge bad grade-left"' in row
    assert 'class="card-table my-offers"' in page  # one card per offer on a phone
    # In Spanish too.
    coop_rep.locale = "es"
    db.session.commit()
    client.post("/language", data={"lang": "es"})
    row = _my_offer_row(client.get("/my/offers/").get_data(as_text=True), offer.offer_code)
    assert "Por debajo: la mezcla ahora es Grado II" in row
    assert 'data-label="Grado declarado"' in row
