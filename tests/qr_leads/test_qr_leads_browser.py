"""The badge scanner in Chromium: manual entry, and the offline queue with the network cut."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models.leads import Lead, LeadSource
from matchmaker.services import qr_codes
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def _counts() -> tuple[int, int]:
    db.session.rollback()  # see what the server thread committed
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Lead)),
            db.session.scalar(sa.select(sa.func.count()).select_from(LeadSource)))


def _log_in(page, user) -> None:
    page.goto("/login")
    page.locator('input[name="email"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_load_state()


def _type_code(page, code: str) -> None:
    page.locator('.scanner-manual input[name="code"]').fill(code)
    page.locator('.scanner-manual [type="submit"]').click()


def test_rep_scans_a_badge_by_manual_entry_on_a_phone(phone_page, fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    # The buyer's phone badge shows the short code printed under its QR…
    _log_in(phone_page, fair.buyer)
    phone_page.goto("/qr/badge")
    printed = phone_page.locator(".badge-code-value").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", printed) and "O" not in printed
    phone_page.context.clear_cookies()
    _log_in(phone_page, fair.rep)
    phone_page.goto("/leads/scan")
    _type_code(phone_page, qr_codes.short_url(token))
    result = phone_page.locator(".scanner-results li a")
    result.wait_for()
    assert fair.buyer.name in result.inner_text()
    assert _counts() == (1, 1)
    # The same badge again updates the lead: still one lead, two scans in its history.
    _type_code(phone_page, token.token)
    phone_page.locator(".scanner-results li").nth(1).wait_for()
    assert _counts() == (1, 2)
    # …which the rep can type as read out, in lower case and without the dash.
    _type_code(phone_page, printed.lower().replace("-", " "))
    phone_page.locator(".scanner-results li").nth(2).wait_for()
    assert fair.buyer.name in phone_page.locator(".scanner-results li").nth(2).inner_text()
    assert _counts() == (1, 3)
    result.first.click()
    phone_page.wait_for_url("**/leads/*")
    assert phone_page.locator("h1").inner_text() == fair.buyer.name


def test_offline_scans_are_queued_then_sent_once(page, fair):
    second_buyer = make_user("buyer", name="Ana Quispe")
    first = qr_codes.badge_token(fair.event, fair.buyer)
    second = qr_codes.badge_token(fair.event, second_buyer)
    db.session.commit()
    _log_in(page, fair.rep)
    page.goto("/leads/scan")

    page.context.set_offline(True)
    _type_code(page, first.token)
    _type_code(page, second.token)
    expect(page.locator(".scanner-queue-count")).to_have_text("2")
    assert page.locator(".scanner-queue").is_visible()
    queued = page.evaluate("window.localStorage.getItem('mm-badge-queue')")
    assert [item["code"] for item in json.loads(queued)] == [first.token, second.token]
    assert _counts() == (0, 0)

    page.context.set_offline(False)
    expect(page.locator(".scanner-queue-count")).to_have_text("0")
    page.locator(".scanner-results li").nth(1).wait_for()
    assert _counts() == (2, 2)
    buyers = set(db.session.scalars(sa.select(Lead.buyer_id)))
    assert buyers == {fair.buyer.id, second_buyer.id}

    # A phone that never got the answers sends the same scans again: nothing is doubled.
    page.evaluate("queued => window.localStorage.setItem('mm-badge-queue', queued)", queued)
    page.reload()
    expect(page.locator(".scanner-queue-count")).to_have_text("0")
    page.locator(".scanner-results li").nth(1).wait_for()
    assert _counts() == (2, 2)
