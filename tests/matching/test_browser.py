"""Browser: a buyer turns recommendations into roundtable wishes; an organiser imports buyers
through the wizard (upload, columns, dry run, import)."""

from __future__ import annotations

import re
from pathlib import Path

from matchmaker.demo import DEMO_PASSWORD
from matchmaker.extensions import db
from matchmaker.models import OutboxMessage, User
from matchmaker.models.roundtable import Wish, WishDirection

FILES = Path(__file__).parent / "files"


def _log_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Iniciar|Ingresar|Entrar")).last.click()
    page.wait_for_load_state()


def test_buyer_turns_recommendations_into_wishes(demo, page):
    anna = db.session.scalar(db.select(User).where(User.email == "anna.becker@schokolade.demo"))
    db.session.query(Wish).filter(Wish.buyer_id == anna.id,
                                  Wish.direction == WishDirection.BUYER).delete()
    db.session.commit()
    _log_in(page, anna.email)
    page.get_by_role("link", name="Recommendations").first.click()
    page.wait_for_load_state()
    first = page.locator("li.recommendation").first
    assert "PE-MDD-INF-26-001" in first.inner_text()
    assert "Fermented 92 %, you want ≥ 80 %" in first.inner_text()
    page.get_by_role("button", name="Add them to my roundtable wishes").click()
    page.wait_for_load_state()
    assert "would like" in page.locator(".flashes").inner_text()
    liked = page.locator("input[type=radio][value=like]:checked")
    assert liked.count() == 3
    db.session.expire_all()
    levels = [w.level for w in db.session.scalars(db.select(Wish).where(
        Wish.buyer_id == anna.id, Wish.direction == WishDirection.BUYER))]
    assert levels == ["like", "like", "like"]


def test_organiser_imports_buyers_with_the_wizard(demo, page):
    _log_in(page, "organiser@expoamazonica.demo")
    page.goto(f"/admin/events/{demo.slug}")
    page.locator(f"a[href='/admin/events/{demo.slug}/import']").click()
    page.check("input[name=kind][value=buyers]")
    page.set_input_files("input[type=file]", str(FILES / "buyers_bom.csv"))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    # Columns were guessed from the Spanish headers.
    assert page.locator("#field-email").input_value() == "Correo electrónico"
    page.select_option("#field-phone", "Teléfono")
    page.locator("form.import-mapping button[type=submit]").click()
    page.wait_for_load_state()
    review = page.locator("table.import-review").inner_text()
    assert "Narnia" in review and "inigo.pena@chocolates.example" in review
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "invitation")) == 0
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/admin/events/{demo.slug}")
    db.session.expire_all()
    inigo = db.session.scalar(db.select(User).where(
        User.email == "inigo.pena@chocolates.example"))
    assert inigo is not None and inigo.phone == "+34 600 123 456"
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.kind == "invitation")) == 2
