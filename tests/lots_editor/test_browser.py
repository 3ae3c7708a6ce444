"""In a real browser on a phone: a rep creates a lot, adds an analysis and publishes it."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import Lot
from tests.factories import PASSWORD, make_user
from tests.lots_editor.conftest import complete_lot

pytestmark = pytest.mark.browser


def test_rep_creates_lot_adds_analysis_and_publishes(phone_page, live_server, org):
    page = phone_page
    rep = make_user("rep", organisation=org, locale="es")
    page.goto("/login")
    page.fill("#email", rep.email)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.goto("/my/lots/")
    page.get_by_role("link", name="Añadir un lote").click()

    # The suggested code is prefilled; the identity page is all a new lot needs.
    code = page.input_value("#lot_code")
    assert code.startswith("PE-MDD-INF-")
    page.fill("#name_es", "Cacao nativo de prueba")
    page.fill("#harvest_start", "2026-03-01")
    page.fill("#harvest_end", "2026-07-31")
    page.fill("#volume_kg", "2400")
    page.fill("#bag_count", "40")
    page.fill("#net_kg_per_bag", "60")
    page.get_by_role("button", name="Crear lote").click()
    page.wait_for_url(f"**/my/lots/{code}")
    assert page.get_by_text("Un análisis de calidad (prueba de corte)").is_visible()

    # The other pages are covered by their own tests; fill them in through the services.
    lot = db.session.scalar(db.select(Lot).where(Lot.lot_code == code))
    complete_lot(lot, with_analysis=False)

    page.get_by_role("link", name="Calidad", exact=True).click()
    page.get_by_role("link", name="Añadir un análisis de calidad").click()
    page.fill("#analysis_date", "2026-08-05")
    page.fill("#lab", "Laboratorio Agrobosque")
    page.fill("#moisture_pct", "7,1")
    page.fill("#bean_count_per_100g", "96")
    for field, count in {"well_fermented": 228, "partly_fermented": 48, "purple": 9,
                         "slaty": 4, "mouldy": 6, "insect_damaged": 1, "germinated": 1,
                         "flat": 2}.items():
        page.fill(f"#{field}", str(count))
    page.get_by_role("button", name="Guardar").click()
    # 299 beans counted for 300 cut: refused, with both totals, and what was typed is kept.
    assert page.get_by_text("Los conteos suman 299, pero se cortaron 300 granos.").is_visible()
    assert page.input_value("#lab") == "Laboratorio Agrobosque"
    page.fill("#flat", "3")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(f"**/my/lots/{code}/analyses")
    assert page.locator("strong.grade").inner_text() == "Grado I"

    page.get_by_role("link", name="Resumen", exact=True).click()
    page.get_by_role("button", name="Publicar").click()
    assert page.get_by_text("El lote está publicado").is_visible()
    db.session.expire_all()
    assert db.session.scalar(db.select(Lot.is_published).where(Lot.lot_code == code)) is True

    if "lots.detail" in live_server.app.view_functions:
        page.get_by_role("link", name="Ver la página pública").click()
        page.wait_for_url(f"**/lots/{code}")
        assert page.get_by_text("Grado I").first.is_visible()
