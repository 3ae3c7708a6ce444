"""Add to home screen and offline: the manifest and icons, and a service worker that keeps a
buyer's agenda, badge and opened lot pages readable with the network cut."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.printing.qr import format_manual_code
from matchmaker.services import qr_codes
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


def _until(page, script: str) -> None:
    """Poll a script in the page (CSP forbids wait_for_function's in-page eval)."""
    for _attempt in range(200):
        if page.evaluate(script):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {script}")


def test_manifest_names_the_app_and_its_icons(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.mimetype == "application/manifest+json"
    body = manifest.json
    assert body["display"] == "standalone" and body["start_url"] == "/agenda/"
    sizes = {icon["sizes"] for icon in body["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in body["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.mimetype
    assert worker.headers["Cache-Control"] == "no-cache"


def test_only_buyers_pages_register_the_worker(app, client):
    home = client.get("/").get_data(as_text=True)
    assert 'rel="manifest"' in home and "sw-register.js" not in home
    from tests.factories import login

    login(client, make_user("buyer"))
    assert "sw-register.js" in client.get("/").get_data(as_text=True)


@pytest.mark.browser
def test_agenda_badge_and_opened_lot_stay_readable_offline(browser, live_server, app):
    event = make_event(starts_on=date.today() + timedelta(days=3), name="ExpoAmazónica Offline")
    session = make_session(event)
    buyer = make_user("buyer", locale="es")
    organisation = make_organisation(name="Asociación Río Tambopata")
    make_exhibitor(event, organisation)
    lot, unopened = make_lot(organisation), make_lot(organisation)
    make_meeting(session.slots[1], buyer, organisation, lots=[lot])
    db.session.commit()

    context = browser.new_context(locale="es-PE", base_url=live_server.url,
                                  viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        page.locator("#email").fill(buyer.email)
        page.locator("#password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        page.goto("/agenda/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # the first navigation after activation is the worker's
        _until(page, "navigator.serviceWorker.controller !== null")
        for path in ("/agenda/", "/qr/badge", f"/lots/{lot.lot_code}"):
            page.goto(path)
            page.wait_for_load_state("networkidle")
        _until(page,
            """async () => { const keys = await (await caches.open('matchmaker-buyer-v1')).keys();
                const paths = keys.map(k => new URL(k.url).pathname);
                return ['/agenda/', '/qr/badge', '/static/css/app.css'].every(p => paths.includes(p))
                  && paths.some(p => p.endsWith('.svg') && p.startsWith('/qr/')); }""")
        badge = qr_codes.active_token("badge", event=event, buyer=buyer)
        # What the pages show now changes on the server: offline, the kept copies answer.
        organisation.name = "Nombre cambiado después"
        db.session.commit()

        context.set_offline(True)
        page.goto("/agenda/")
        assert "Asociación Río Tambopata" in page.locator("main").inner_text()
        assert "Nombre cambiado después" not in page.content()
        assert page.evaluate("getComputedStyle(document.querySelector('.site-header'))"
                             ".backgroundColor") == "rgb(91, 44, 18)"  # the stylesheet too
        page.goto("/qr/badge")
        assert format_manual_code(badge.manual_code) in page.locator("main").inner_text()
        assert page.evaluate("document.querySelector('img.qr-badge').naturalWidth") > 0
        page.goto(f"/lots/{lot.lot_code}")
        assert lot.lot_code in page.locator("main").inner_text()
        with pytest.raises(Exception):  # noqa: B017, PT011 — the browser's network error
            page.goto(f"/lots/{unopened.lot_code}")

        # Log-out clears what was kept.
        context.set_offline(False)
        page.goto("/agenda/")
        page.get_by_role("button", name="Cerrar sesión").click()
        page.wait_for_load_state()
        _until(page,
            "async () => (await (await caches.open('matchmaker-buyer-v1')).keys())"
            ".every(k => !new URL(k.url).pathname.startsWith('/agenda'))")
    finally:
        context.close()
