"""In the browser: a cooperative rep builds an offer from two associations' lots, the
associations approve on a phone, and a buyer requests a meeting about the offer."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.models import Meeting
from matchmaker.models.offers import ConsolidatedOffer
from tests.factories import (
    PASSWORD,
    add_analysis,
    add_certificate,
    make_event,
    make_exhibitor,
    make_lot,
    make_session,
    make_user,
)

pytestmark = pytest.mark.browser


def log_in(page, user, submit_label: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=submit_label).click()
    page.wait_for_load_state()


def log_out(page) -> None:
    page.context.clear_cookies()


def test_rep_builds_offer_and_buyer_requests_a_meeting(app, page, phone_page, coop, infierno,
                                                       tahuamanu):
    event = make_event(name="ExpoAmazónica", starts_on=date.today() + timedelta(days=5))
    make_session(event)
    make_exhibitor(event, coop)
    coop_rep = make_user("rep", organisation=coop, name="Luis Agrobosque", locale="en")
    infierno_rep = make_user("rep", organisation=infierno, name="Rosa Infierno", locale="es")
    tahuamanu_rep = make_user("rep", organisation=tahuamanu, name="Juan Tahuamanu", locale="es")
    buyer = make_user("buyer", name="Anna Becker", company="Edelkakao", locale="en")
    a = make_lot(infierno, lot_code="PE-MDD-INF-26-001", volume_kg=Decimal("6000"),
                 net_kg_per_bag=Decimal("62.5"))
    b = make_lot(tahuamanu, lot_code="PE-MDD-TAH-26-001", volume_kg=Decimal("5000"),
                 net_kg_per_bag=Decimal("62.5"))
    for lot in (a, b):
        add_analysis(lot)
        add_certificate(lot, "eu_organic")

    # The cooperative rep composes the offer.
    log_in(page, coop_rep, "Log in")
    page.goto("/my/offers/")
    page.get_by_role("link", name="New offer").click()
    page.get_by_label("Name (Spanish)").fill("Contenedor Madre de Dios 2026")
    page.get_by_label("Name (English)").fill("Madre de Dios container 2026")
    page.get_by_label("Named place").fill("Callao")
    page.get_by_label("Price (USD per MT)").fill("9900")  # above the lots' USD 9,500 FCA
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/my/offers/OF-*")
    for lot, kg in ((a, "6000"), (b, "5000")):
        page.get_by_label("Lot", exact=True).select_option(str(lot.id))
        page.get_by_label("Quantity (kg)").fill(kg)
        page.get_by_role("button", name="Add to offer").click()
        page.wait_for_load_state()
        assert f"{lot.organisation.name} has been asked to approve" in page.locator(".flashes").inner_text()
    offer = db.session.scalar(db.select(ConsolidatedOffer))
    code = offer.offer_code

    # Each association approves on a phone, in Spanish.
    for rep, lot in ((infierno_rep, a), (tahuamanu_rep, b)):
        log_in(phone_page, rep, "Iniciar sesión")
        phone_page.goto("/my/offers/")
        phone_page.get_by_role("button", name=f"Aprobar {lot.lot_code}").click()
        phone_page.wait_for_load_state()
        assert "se avisó a la cooperativa" in phone_page.locator(".flashes").inner_text()
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        log_out(phone_page)

    page.reload()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    assert "The offer is published." in page.locator(".flashes").inner_text()
    log_out(page)

    # The buyer finds it with "at least 10 MT" and requests a meeting with the cooperative.
    log_in(page, buyer, "Log in")
    page.goto("/offers/")
    page.get_by_label("At least (MT)").fill("10")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Madre de Dios container 2026").click()
    page.wait_for_url(f"**/offers/{code}")
    assert "88.0 %" in page.locator("main").inner_text()  # 11,000 kg of a 12,500 kg container
    assert page.locator("svg.contrib-chart[role=img]").count() == 1
    page.get_by_role("link", name=f"Request a meeting with {coop.name}").click()
    page.wait_for_url(f"**/meetings/book/{coop.slug}**")
    page.get_by_text("10:00–10:20").click()
    page.get_by_role("button", name="Send meeting request").click()
    page.wait_for_url("**/meetings/*")
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.buyer_id == buyer.id))
    assert meeting.organisation_id == coop.id
