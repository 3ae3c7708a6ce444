"""A visitor's sample request or "interested" survives log-in and sign-up: the lot page comes
back with the request filled in, open, and its send button focused; one press sends it."""

from __future__ import annotations

import re

import pytest

from matchmaker.models.interest import InterestKind, LotInterest
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_sample_request_comes_back_ready_after_log_in(page, live_server, db, factories):
    page.set_viewport_size({"width": 1366, "height": 768})
    lot = factories.lot()
    buyer = factories.user("buyer", email="emma@chocolate.example", locale="en")
    page.goto(f"/lots/{lot.lot_code}")
    page.get_by_text("Request a sample").click()
    page.get_by_label("Sample size in grams").fill("750")
    page.get_by_label("Message to the producer (optional)").last.fill("For a trial batch")
    page.get_by_role("button", name="Send sample request").click()
    page.wait_for_url(re.compile(r".*/login\?next=.*"))
    page.get_by_label("E-mail", exact=True).fill(buyer.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(rf".*/lots/{lot.lot_code}\?action=sample&grams=750.*"))
    send = page.get_by_role("button", name="Send sample request")
    assert send.is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Send sample request"
    assert page.get_by_label("Sample size in grams").input_value() == "750"
    assert db.session.scalar(db.select(db.func.count()).select_from(LotInterest)) == 0
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/lots/{lot.lot_code}")
    assert page.get_by_text("Your sample request has been sent").count() == 1  # said once
    sample = db.session.scalar(db.select(LotInterest))
    assert sample.kind == InterestKind.SAMPLE_REQUEST and sample.sample_grams == 750
    assert sample.message == "For a trial batch" and sample.buyer_id == buyer.id
    # The lot page now says so, and the buyer's list has it.
    assert page.locator(".own-requests").is_visible()
    page.get_by_role("link", name="All my requests").click()
    assert lot.lot_code in page.locator("table.my-requests").inner_text()


def test_interest_comes_back_ready_after_sign_up_and_skipping_step_two(page, live_server, db,
                                                                      factories):
    page.set_viewport_size({"width": 1366, "height": 768})
    lot = factories.lot()
    page.goto(f"/lots/{lot.lot_code}")
    page.get_by_role("link", name="I'm interested").click()
    page.get_by_role("link", name="Create a buyer account").click()
    page.get_by_label("Your name").fill("Noah Berg")
    page.get_by_label("E-mail", exact=True).fill("noah@berg.example")
    page.get_by_label("Phone (with country code)").fill("+49 30 1234567")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_label("Company", exact=True).fill("Berg Schokolade")
    page.get_by_label("Country", exact=True).select_option("DE")
    page.get_by_label("Type of buyer").select_option("chocolate_maker")
    page.get_by_label("English", exact=True).check()
    page.get_by_role("button", name="Create my buyer account").click()
    page.wait_for_url(re.compile(r".*/matches/demand\?welcome=1.*"))
    page.get_by_role("link", name="Skip for now").click()
    page.wait_for_url(re.compile(rf".*/lots/{lot.lot_code}\?action=interest$"))
    assert page.evaluate("document.activeElement.textContent.trim()") == "Confirm: I'm interested"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/lots/{lot.lot_code}")
    assert page.get_by_text("You are interested in this lot").is_visible()
    assert page.get_by_text("has been told you are interested").count() == 1  # said once
    interest = db.session.scalar(db.select(LotInterest))
    assert interest.kind == InterestKind.INTERESTED and interest.buyer.email == "noah@berg.example"
