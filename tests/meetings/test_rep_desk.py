"""The rep's landing page after log-in (requests to answer, today's meetings) and the rep's
menu in groups (with and without JavaScript, phone and desktop)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from matchmaker.services.meetings import booking
from matchmaker.services.meetings.desk import rep_desk
from tests.factories import (
    PASSWORD,
    login,
    make_event,
    make_exhibitor,
    make_meeting,
    make_session,
    make_user,
)
from tests.meetings.helpers import FreshUserClient, request_ctx  # noqa: F401

pytestmark = pytest.mark.usefixtures("request_ctx")


@pytest.fixture
def desk_world(app):
    """A fair today (all-day session so some slots are still ahead) and one next week."""
    app.test_client_class = FreshUserClient
    today = make_event(starts_on=date.today(), timezone="UTC")
    session = make_session(today, starts_local=time(0, 0), ends_local=time(23, 40),
                           breaks=[], table_count=5)
    later = make_event(starts_on=date.today() + timedelta(days=7))
    later_slot = make_session(later).slots[0]
    organisation = make_exhibitor(today).organisation
    make_exhibitor(later, organisation)
    rep = make_user("rep", organisation=organisation, locale="en")
    now = datetime.now(UTC)
    ahead = [s for s in session.slots if s.starts_at > now + timedelta(minutes=30)]
    if len(ahead) < 2:
        pytest.skip("too close to midnight for two more slots today")
    asked = make_meeting(ahead[0], make_user("buyer"), organisation)
    confirmed = make_meeting(ahead[1], make_user("buyer"), organisation)
    booking.accept(confirmed, rep)
    next_week = make_meeting(later_slot, make_user("buyer"), organisation)
    booking.accept(next_week, rep)
    other = make_meeting(ahead[0], make_user("buyer"))  # another organisation's request
    from matchmaker.extensions import db

    db.session.commit()
    return rep, asked, confirmed, next_week, other


def test_desk_lists_requests_today_and_next(desk_world):
    rep, asked, confirmed, next_week, other = desk_world
    desk = rep_desk(rep)
    assert desk.to_answer == [asked]
    assert desk.today == [confirmed]
    assert desk.upcoming == [next_week]
    assert other not in desk.meetings


def test_reps_land_on_their_desk_after_log_in_unless_sent_elsewhere(desk_world, app):
    rep, asked, confirmed, _next_week, _other = desk_world
    client = app.test_client()
    response = login(client, rep)
    assert response.headers["Location"] == "/desk/"
    page = client.get("/desk/").get_data(as_text=True)
    assert "1 request waits for your answer" in page
    assert f"/meetings/{asked.id}" in page and f"/meetings/{confirmed.id}" in page
    client.post("/logout")
    response = client.post("/login?next=/agenda/", data={"email": rep.email,
                                                         "password": PASSWORD})
    assert response.headers["Location"] == "/agenda/"
    client.post("/logout")
    buyer = make_user("buyer")
    assert login(client, buyer).headers["Location"] == "/"
    assert client.get("/desk/").status_code == 403


def test_rep_menu_is_grouped_and_works_without_javascript(desk_world, app):
    rep = desk_world[0]
    client = app.test_client()
    login(client, rep)
    page = client.get("/desk/").get_data(as_text=True)
    menu = page[page.index('id="main-menu"'):page.index('class="nav-account"')]
    for name in ("My lots", "Meetings", "Fair", "Account"):
        assert '<span class="nav-group-name" id="nav-group-' in menu and f">{name}</span>" in menu
    # Every entry is still a plain link in the page (open without JavaScript).
    assert menu.count("<a href=") == 16
    assert 'href="/desk/" aria-current="page"' in menu


def test_rep_menu_groups_open_one_at_a_time(desk_world, page):
    rep = desk_world[0]
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/login")
    page.fill("#email", rep.email)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/desk/")
    meetings = page.get_by_role("button", name="Meetings")
    lots = page.get_by_role("button", name="My lots")
    scan = page.locator("#main-menu").get_by_role("link", name="Scan a badge")
    assert meetings.get_attribute("aria-expanded") == "false" and not scan.is_visible()
    meetings.focus()
    page.keyboard.press("Enter")
    assert meetings.get_attribute("aria-expanded") == "true" and scan.is_visible()
    lots.click()
    assert meetings.get_attribute("aria-expanded") == "false" and not scan.is_visible()
    page.keyboard.press("Escape")
    assert lots.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.textContent").startswith("My lots")
