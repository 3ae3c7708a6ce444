"""The foundation in a real browser: sign-up, language switch, log-out, organiser tools, phone."""

from __future__ import annotations

import re

import pytest

from matchmaker.models import Exhibitor, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_buyer_signs_up_switches_language_and_logs_out(page, live_server, db):
    page.goto("/signup")
    assert page.locator("h1").inner_text() == "Create a buyer account"
    page.get_by_label("Your name").fill("Emily Clark")
    page.get_by_label("E-mail", exact=True).fill("emily@beantobar.example")
    page.get_by_label("Phone (with country code)").fill("+1 415 555 0100")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_label("Company", exact=True).fill("Bean & Bar Co.")
    page.get_by_label("Country", exact=True).select_option("US")
    page.get_by_label("Type of buyer").select_option("chocolate_maker")
    page.get_by_label("Volume sought per year, from (MT)").fill("1")
    page.get_by_label("up to (MT)").fill("8")
    page.get_by_label("USDA organic (NOP)").check()
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Spanish", exact=True).check()
    page.get_by_label("Website", exact=True).fill("https://beantobar.example")
    page.get_by_role("button", name="Create my buyer account").click()
    # Sign-up's second step asks what the buyer buys (it can be skipped).
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/matches/demand\?welcome=1"))
    assert "Your buyer account is ready." in page.content()

    user = db.session.scalar(db.select(User).where(User.email == "emily@beantobar.example"))
    assert user.buyer_profile.certification_codes == ["usda_nop"]
    assert sorted(user.buyer_profile.language_codes) == ["en", "es"]

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill("emily@beantobar.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Emily Clark").is_visible()

    # Switch to Spanish: this page and the next one are in Spanish.
    page.goto("/account/profile")
    assert page.locator("h1").inner_text() == "Your profile"
    page.get_by_role("button", name="ES", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Su perfil"
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="Productores").click()
    assert page.locator("h1").inner_text() == "Organizaciones de productores"
    # And back to English.
    page.get_by_role("button", name="EN", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Producer organisations"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/")
    page.goto("/account/profile")
    assert "/login" in page.url


def test_organiser_creates_event_and_registers_exhibitor(page, live_server, db, factories):
    factories.user("organiser", email="patricia@expoamazonica.example", locale="en")
    factories.organisation(name="Asociación Agroforestal Infierno")
    page.goto("/login")
    page.get_by_label("E-mail", exact=True).fill("patricia@expoamazonica.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")

    page.goto("/admin/")
    page.get_by_role("link", name="Create an event").click()
    page.get_by_label("Name", exact=True).fill("ExpoAmazónica 2027")
    page.get_by_label("City", exact=True).fill("Puerto Maldonado")
    page.get_by_label("Venue", exact=True).fill("Centro de Convenciones")
    page.get_by_label("First day").fill("2027-07-15")
    page.get_by_label("Last day").fill("2027-07-18")
    assert page.get_by_label("Time zone").input_value() == "America/Lima"
    page.get_by_label("Description (English)").fill("Cacao business roundtable.")
    page.get_by_role("button", name="Save event").click()
    page.wait_for_url("**/admin/events/expoamazonica-2027")
    assert page.locator("h1").inner_text() == "ExpoAmazónica 2027"

    page.get_by_label("Organisation", exact=True).select_option(label="Asociación Agroforestal Infierno")
    page.get_by_label("Booth", exact=True).fill("a-01")
    page.get_by_role("button", name="Register exhibitor").click()
    page.wait_for_load_state()
    row = page.locator("table tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "A-01"
    assert row.locator("td").nth(1).inner_text() == "Asociación Agroforestal Infierno"
    assert db.session.scalar(db.select(db.func.count()).select_from(Exhibitor)) == 1


def test_phone_home_page_has_no_horizontal_scroll(phone_page, db, factories):
    from matchmaker.services.events import register_exhibitor

    event = factories.event(name="ExpoAmazónica 2026 — Feria de las regiones amazónicas del Perú",
                            venue="Centro de Convenciones de Madre de Dios")
    for n in range(3):
        register_exhibitor(event, factories.organisation(
            name=f"Asociación de Productores Cacaoteros Agroforestales del Tahuamanu {n}"), f"B-0{n}")
    db.session.commit()
    phone_page.goto("/")
    assert phone_page.locator("html").get_attribute("lang") == "es"
    assert "Expositores" in phone_page.content()
    # clientWidth: a mobile page that overflows widens window.innerWidth along with it.
    scroll_width, screen_width = phone_page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= screen_width


def test_long_menu_folds_behind_a_button_on_a_phone(phone_page, live_server, factories):
    factories.user("organiser", email="olga@expoamazonica.example", locale="es")
    page = phone_page
    page.goto("/login")
    page.locator("#email").fill("olga@expoamazonica.example")
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    toggle = page.get_by_role("button", name="Menú")
    producers = page.locator("#main-menu").get_by_role("link", name="Productores")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not producers.is_visible()
    toggle.click()
    # The organiser's menu comes in groups, each a disclosure button.
    fair = page.locator("#main-menu").get_by_role("button", name="Feria")
    assert toggle.get_attribute("aria-expanded") == "true" and fair.is_visible()
    assert not producers.is_visible()
    fair.click()
    assert fair.get_attribute("aria-expanded") == "true" and producers.is_visible()
    page.keyboard.press("Escape")
    assert not producers.is_visible() and fair.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Escape")
    assert not fair.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    # On a wide screen the groups are there, without the button.
    page.set_viewport_size({"width": 1200, "height": 800})
    assert fair.is_visible() and not toggle.is_visible()
    fair.click()
    assert producers.is_visible()
