"""The dashboard on a phone: a rep logs in, sees their figures and charts, opens a table and
downloads a CSV; no horizontal scroll; the notices link counts unread notices; an organiser
checks buyers in at the door."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import CheckIn
from matchmaker.services import notifications, qr_codes
from tests.factories import PASSWORD


def test_rep_reads_the_dashboard_on_a_phone(phone_page, fair):
    notifications.notify(fair.rep, "meeting_requested", "Solicitud de reunión", "Mesa 2")
    db.session.commit()
    page = phone_page
    page.goto("/login")
    page.get_by_label("Correo electrónico", exact=True).fill(fair.rep.email)
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Avisos (1)").count() == 1

    page.goto("/dashboard/")
    page.get_by_role("link", name=fair.event.name).click()
    page.wait_for_url(f"**/dashboard/events/{fair.event.slug}")
    assert page.get_by_role("heading", level=1).inner_text().endswith(fair.infierno.name)
    figures = page.locator(".dash-figures")
    assert "Reuniones realizadas" in figures.inner_text()
    assert page.locator("svg[role=img]").count() == 11
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= inner_width
    # Charts scale to the phone's width.
    chart_width = page.locator(".dash-chart svg").first.bounding_box()["width"]
    assert chart_width <= inner_width

    section = page.locator("section.dash-chart", has=page.get_by_role("heading", name="Escaneos por lote"))
    with page.expect_download() as download:
        section.get_by_role("link", name="CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert f"{fair.lot_a.lot_code},3" in content

    section.get_by_role("link", name="Cifras en tabla").click()
    row = page.get_by_role("row", name=fair.lot_a.lot_code)
    assert row.get_by_role("cell").inner_text() == "3"

    # On a laptop the charts use the page's width, two per row, none wider than the page.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"/dashboard/events/{fair.event.slug}")
    boxes = [c.bounding_box() for c in page.locator(".dash-charts .dash-chart svg").all()[:2]]
    main = page.locator("main").bounding_box()
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"]
    assert boxes[0]["width"] + boxes[1]["width"] > 0.8 * main["width"]
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_organiser_checks_in_badges_at_the_door_on_a_phone(phone_page, fair):
    """The entrance page with its script: a typed code goes through the scanner's queue to the
    check-in JSON; the repeat is reported, the buyer is checked in once, and the rep scanner's
    queue is left alone."""
    token = qr_codes.badge_token(fair.event, fair.buyers[3])
    db.session.commit()
    page = phone_page
    page.goto("/login")
    page.get_by_label("Correo electrónico", exact=True).fill(fair.organiser.email)
    page.get_by_label("Contraseña", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url("**/")
    page.goto(f"/dashboard/events/{fair.event.slug}")
    page.get_by_role("link", name="Registro de llegada en la entrada (escanear credenciales)").click()
    page.wait_for_url(f"**/dashboard/events/{fair.event.slug}/check-in")
    code = page.get_by_label("Código de la credencial")
    expect(code).to_be_focused()  # a hand scanner types straight into it
    code.fill(qr_codes.short_url(token))
    page.get_by_role("button", name="Registrar llegada").click()
    results = page.locator(".scanner-results li")
    expect(results.first).to_contain_text(fair.buyers[3].name)
    code.fill(token.token)
    page.get_by_role("button", name="Registrar llegada").click()
    expect(results).to_have_count(2)
    expect(results.first).to_contain_text("ya registrada")
    assert page.evaluate("window.localStorage.getItem('mm-badge-queue')") is None
    db.session.rollback()  # see what the server thread committed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn).where(
        CheckIn.event_id == fair.event.id, CheckIn.buyer_id == fair.buyers[3].id)) == 1
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= inner_width
