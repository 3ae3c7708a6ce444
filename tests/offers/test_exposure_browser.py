"""In the browser: an association is warned before withdrawing a lot held by offers, a
cooperative rep turns a suggestion into an offer, and a partner reads the approval card."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.models.offers import ConsolidatedOffer
from matchmaker.services.offers import composing
from tests.factories import PASSWORD, add_analysis, add_certificate, make_lot, make_user

pytestmark = pytest.mark.browser


def log_in(page, user) -> None:
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_withdrawing_a_lot_in_a_published_offer_warns_then_pauses_it(app, page, ctx, coop,
                                                                      infierno):
    rep = make_user("rep", organisation=infierno, locale="en")
    lot = make_lot(infierno, volume_kg=Decimal("6000"), moq_kg=None)
    offer = composing.create_offer(coop, name_en="Container", target_volume_kg="6000")
    line = composing.set_line(offer, lot, "6000")
    composing.answer_line(line, rep, approve=True)
    composing.publish_offer(offer)
    db.session.commit()

    log_in(page, rep)
    page.goto(f"/my/lots/{lot.lot_code}")
    assert "This lot is in 1 consolidated offer" in page.locator("main").inner_text()
    page.get_by_role("link", name="Withdraw from catalogue…").click()
    warning = page.locator(".withdraw-warning")
    assert "suspends 1 published offer" in warning.inner_text()
    assert offer.offer_code in warning.inner_text()
    page.get_by_role("button", name="Withdraw anyway").click()
    page.wait_for_load_state()
    assert "withdrawn from the catalogue" in page.locator(".flashes").inner_text()

    page.context.clear_cookies()
    page.goto(f"/offers/{offer.offer_code}")
    assert page.get_by_role("heading", level=1).inner_text() == "This offer is temporarily unavailable"
    assert lot.lot_code in page.locator("main").inner_text()


def test_cooperative_rep_creates_an_offer_from_a_suggestion(app, page, ctx, coop, infierno,
                                                            tahuamanu):
    rep = make_user("rep", organisation=coop, locale="en")
    for org, kg in ((infierno, "8000"), (tahuamanu, "7000")):
        lot = make_lot(org, volume_kg=Decimal(kg), moq_kg=None, net_kg_per_bag=None,
                       bag_count=None)
        add_analysis(lot)
        add_certificate(lot, "eu_organic")
    log_in(page, rep)
    page.goto("/my/offers/")
    page.get_by_role("link", name="Find lots for an offer").click()
    page.get_by_label("Volume wanted (MT)").fill("12")
    page.get_by_label("Certification required").select_option("eu_organic")
    page.get_by_role("button", name="Suggest lots").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Create an offer with these lots").click()
    page.wait_for_url("**/my/offers/OF-AGROBOSQUE-*")
    assert "Draft offer created with 2 lots." in page.locator(".flashes").inner_text()
    offer = db.session.scalar(db.select(ConsolidatedOffer))
    assert offer.target_volume_kg == Decimal(12000)
    assert sum(line.kg for line in offer.lines) == Decimal(12000)


def test_association_reads_the_approval_card_and_previews(app, page, ctx, coop, infierno,
                                                          tahuamanu):
    rep = make_user("rep", organisation=infierno, locale="en")
    a = make_lot(infierno, volume_kg=Decimal("8000"), moq_kg=None,
                 price_usd_per_mt=Decimal("8800"))
    b = make_lot(tahuamanu, volume_kg=Decimal("6000"), moq_kg=None)
    offer = composing.create_offer(coop, name_en="Organic container", target_volume_kg="20000",
                                   incoterm="FOB", incoterm_place="Callao",
                                   price_usd_per_mt=Decimal("9900"))
    composing.set_line(offer, a, "6600")
    composing.set_line(offer, b, "4000")
    db.session.commit()
    log_in(page, rep)
    page.goto("/my/offers/")
    card = page.locator(".approval-card")
    text = card.inner_text()
    assert "USD 9,900 / MT FOB Callao" in text and "USD 8,800 / MT" in text
    assert "Asociación Tahuamanu: 4,000 kg" in text and "20,000 kg" in text
    card.get_by_role("link", name=f"Preview offer {offer.offer_code}").click()
    page.wait_for_url(f"**/offers/{offer.offer_code}")
    assert "Preview: this offer is not published" in page.locator("main").inner_text()
    page.go_back()
    page.get_by_role("button", name=f"Approve {a.lot_code}").click()
    page.wait_for_load_state()
    assert "the cooperative has been told" in page.locator(".flashes").inner_text()


def test_a_corrected_moisture_reaches_the_cooperative_and_dates_the_offer(
        app, page, ctx, coop, infierno):
    """The issue's walk: an association corrects its analysis (7.1 → 9.5 %) under a
    published offer; the cooperative is told, reviews it, and buyers see the date."""
    from matchmaker.services.lots import analyses
    from tests.offers.test_material_changes import _analysis_fields

    owner = make_user("rep", organisation=infierno, locale="en")
    manager = make_user("rep", organisation=coop, locale="en")
    lot = make_lot(infierno, volume_kg=Decimal("6000"), moq_kg=None)
    analysis = analyses.save_analysis(lot, **_analysis_fields())
    offer = composing.create_offer(coop, name_en="Container", target_volume_kg="6000")
    line = composing.set_line(offer, lot, "6000")
    composing.answer_line(line, owner, approve=True)
    composing.publish_offer(offer)
    db.session.commit()

    log_in(page, owner)
    page.goto(f"/my/lots/{lot.lot_code}/analyses/{analysis.id}/edit")
    page.get_by_label("Moisture (%)").fill("9.5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    page.context.clear_cookies()

    log_in(page, manager)
    page.goto("/notices/")
    page.get_by_role("link", name=f"Lot {lot.lot_code} in offer {offer.offer_code} has changed"
                     ).click()
    page.wait_for_url(f"**/my/offers/{offer.offer_code}*")
    review = page.locator(".offer-review")
    assert "Moisture 7.1 % → 9.5 %" in review.inner_text()
    assert "above the 8.0 % export limit" in review.inner_text()
    page.get_by_role("button", name="Mark the lots' changes as reviewed").click()
    page.wait_for_load_state()
    assert "Moisture 7.1 % → 9.5 %" not in page.locator("main").inner_text()
    page.context.clear_cookies()

    page.goto(f"/offers/{offer.offer_code}")
    assert "Quality updated on" in page.locator(".quality-updated").inner_text()


def test_my_offers_on_a_phone_shows_the_declared_grade_and_the_blend_below_it(
        app, phone_page, ctx, coop, infierno, infierno_rep, coop_rep):
    from matchmaker.services.lots import analyses
    from tests.offers.test_material_changes import _analysis_fields, publish_one_lot

    offer, lot, analysis = publish_one_lot(coop, infierno, infierno_rep)
    analyses.save_analysis(lot, analysis, **_analysis_fields(
        moisture_pct=Decimal("9.5"), mouldy=11, well_fermented=223))  # now Grade II
    db.session.commit()
    phone_page.goto("/login")
    phone_page.locator("#email").fill(coop_rep.email)
    phone_page.locator("#password").fill(PASSWORD)
    phone_page.locator("main").get_by_role("button", name="Iniciar sesión").click()
    phone_page.wait_for_load_state()
    phone_page.goto("/my/offers/")
    card = phone_page.locator("table.my-offers tbody tr").filter(has_text=offer.offer_code)
    grade = card.locator("td.declared-grade")
    assert grade.is_visible() and "Grado I" in grade.inner_text()
    badge = grade.locator(".grade-left")
    assert badge.is_visible() and "Por debajo: la mezcla ahora es Grado II" in badge.inner_text()
    # One card per offer: the cell names itself, and nothing runs off the 390 px screen.
    assert "Grado declarado" in grade.evaluate("el => getComputedStyle(el, '::before').content")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
