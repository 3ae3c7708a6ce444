"""On a phone (390×844) the agenda, meeting requests, leads and a buyer's requests are cards
without sideways scrolling, and a visitor's header stays short; on a laptop (1366×768) the
same lists are tables."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models.leads import LeadSourceKind
from matchmaker.services import interest
from matchmaker.services.leads.recording import record_lead
from tests.factories import (
    PASSWORD,
    make_event,
    make_exhibitor,
    make_lot,
    make_meeting,
    make_organisation,
    make_session,
    make_user,
)

pytestmark = pytest.mark.browser

# clientWidth is the screen's width; a mobile page that overflows widens innerWidth with it.
NO_OVERFLOW = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _log_in(page, user):
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _inside_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


@pytest.fixture
def busy_buyer(app):
    """A buyer with a requested and a confirmed meeting about lots with long codes, two
    requests on lots, and a rep with leads."""
    from datetime import date, timedelta

    event = make_event(starts_on=date.today() + timedelta(days=7),
                       name="ExpoAmazónica 2026 — Rueda de negocios")
    session = make_session(event)
    buyer = make_user("buyer", name="Friederike Müller-Lüdenscheidt",
                      company="Schokoladenmanufaktur Lüdenscheid GmbH", locale="es")
    first = make_organisation(name="Asociación de Productores Agroecológicos del Tahuamanu")
    second = make_organisation(name="Cooperativa Agraria Cacaotera Alto Huallaga")
    lots = [make_lot(first), make_lot(first), make_lot(second)]
    make_exhibitor(event, first)
    make_exhibitor(event, second)
    make_meeting(session.slots[0], buyer, first, lots=lots[:2])
    make_meeting(session.slots[2], buyer, second, status="accepted", lots=lots[2:])
    with app.test_request_context():
        interest.request_sample(lots[0], buyer, grams=500, message="Para una prueba de tostado")
        interest.express_interest(lots[2], buyer)
    rep = make_user("rep", organisation=first, locale="es")
    for n in range(3):
        other = make_user("buyer", name=f"Comprador Internacional Número {n}",
                          company="Importadora de Cacao Fino y de Aroma del Pacífico S.A.C.")
        record_lead(other, first, LeadSourceKind.BADGE_SCAN, event=event, by_user=rep)
    db.session.commit()
    return buyer, rep


def test_buyer_lists_are_cards_on_a_phone(phone_page, busy_buyer):
    page = phone_page
    buyer, _rep = busy_buyer
    _log_in(page, buyer)

    page.goto("/agenda")
    assert page.evaluate(NO_OVERFLOW)
    rows = page.locator("table.agenda tbody tr:not(.day-row)")
    assert rows.count() == 2
    for index in range(2):
        row = rows.nth(index)
        status, ics = row.locator(".status"), row.get_by_role("link", name=".ics")
        assert status.is_visible() and _inside_viewport(page, status)
        assert ics.is_visible() and _inside_viewport(page, ics)
        for code in row.locator(".lot-code").all():
            # A lot code stays on one line (it used to wrap on five).
            assert code.bounding_box()["height"] < 30
    assert not page.locator("table.agenda thead").is_visible() or \
        page.locator("table.agenda thead").bounding_box()["height"] <= 1

    page.goto("/meetings/")
    assert page.evaluate(NO_OVERFLOW)
    statuses = page.locator("table.meetings .status")
    assert statuses.count() == 2
    assert all(_inside_viewport(page, s) for s in statuses.all())

    page.goto("/lots/my-requests")
    assert page.evaluate(NO_OVERFLOW)
    assert page.locator("table.my-requests tbody tr").count() == 2
    assert "Para una prueba de tostado" in page.locator("table.my-requests").inner_text()


def test_rep_leads_and_requests_are_cards_on_a_phone(phone_page, busy_buyer):
    page = phone_page
    _buyer, rep = busy_buyer
    _log_in(page, rep)
    page.goto("/leads")
    assert page.evaluate(NO_OVERFLOW)
    names = page.locator("table.lead-table tbody th[scope=row]")
    assert names.count() == 4  # three badge scans and the buyer's sample request
    assert all(name.is_visible() and _inside_viewport(page, name) for name in names.all())

    # The rep's meeting requests too: the buyer's pending request, its status in view.
    page.goto("/meetings/")
    assert page.evaluate(NO_OVERFLOW)
    statuses = page.locator("table.meetings .status")
    assert statuses.count() == 1
    assert _inside_viewport(page, statuses.first)


@pytest.mark.parametrize("path", ["/", "/lots/"])
def test_visitor_header_is_compact_on_a_phone(phone_page, app, path):
    page = phone_page
    make_lot()
    db.session.commit()
    page.goto(path)
    assert page.evaluate(NO_OVERFLOW)
    height = page.locator("header.site-header").bounding_box()["height"]
    assert height <= 90, height
    log_in = page.locator("header .visitor-login")
    catalogue = page.locator("#main-menu").get_by_role("link", name="Catálogo")
    assert log_in.is_visible() and _inside_viewport(page, log_in)
    assert catalogue.is_visible() and _inside_viewport(page, catalogue)
    # "Iniciar sesión" sits beside the brand, not over it (Spanish is the longer one).
    brand, login_box = page.locator("header .brand").bounding_box(), log_in.bounding_box()
    brand_text = page.locator("header .brand").evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getBoundingClientRect().right; }")
    assert max(brand["x"] + brand["width"], brand_text) <= login_box["x"], (brand, brand_text,
                                                                           login_box)
    log_in.click()
    page.wait_for_load_state()
    assert "/login" in page.url


def test_lists_stay_tables_on_a_laptop(page, busy_buyer):
    page.set_viewport_size({"width": 1366, "height": 768})
    buyer, _rep = busy_buyer
    _log_in(page, buyer)
    page.goto("/agenda")
    assert page.locator("table.agenda thead").is_visible()
    assert page.evaluate(NO_OVERFLOW)
    # Logged in or not, the laptop header keeps its usual layout.
    assert not page.locator("header .visitor-login").count()
