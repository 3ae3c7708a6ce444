"""Logged-in viewers and the catalogue get stored blocks inside a fresh layout: the stored
parts follow every edit, the per-person parts (tokens, interest, menu) are never shared."""

from __future__ import annotations

import re

from matchmaker.extensions import db
from matchmaker.fragments import CSRF_PLACEHOLDER
from matchmaker.page_cache import PageCache
from tests.factories import login

EN = {"Accept-Language": "en"}


def test_second_buyer_view_reads_no_sheet_rows(client, lots, factories, count_queries):
    lot = lots.make(name_en="Infierno native cacao")
    lots.analysis(lot)
    login(client, factories.user("buyer"))
    client.get(f"/lots/{lot.lot_code}", headers=EN)  # with the log-in message, once
    first = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    with count_queries() as queries:
        second = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "Infierno native cacao" in second
    # The user and the lot's stamp with the buyer's own actions (notice count comes with the
    # layout's user load): no sheet rows.
    assert queries.count == 2
    assert _without_tokens(first) == _without_tokens(second)


def test_the_stored_page_carries_this_sessions_working_token(client, app, lots, factories):
    lot = lots.make()
    login(client, factories.user("buyer"))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for _ in range(2):  # rendered, then from the store
            page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
            assert CSRF_PLACEHOLDER not in page
            tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
            assert len(tokens) == 1
        refused = client.post(f"/lots/{lot.lot_code}/interest",
                              data={"csrf_token": CSRF_PLACEHOLDER, "message": ""})
        assert refused.status_code == 400
        response = client.post(f"/lots/{lot.lot_code}/interest",
                               data={"csrf_token": tokens.pop(), "message": ""})
        assert response.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_interest_shows_at_once_for_that_buyer_only(client, app, lots, factories):
    lot = lots.make()
    buyer, other = factories.user("buyer"), factories.user("buyer")
    login(client, buyer)
    assert "You are interested in this lot" not in client.get(
        f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    response = client.post(f"/lots/{lot.lot_code}/interest", data={"message": ""})
    assert response.status_code == 302
    page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "You are interested in this lot" in page
    assert CSRF_PLACEHOLDER not in page
    other_client = app.test_client()
    login(other_client, other)
    assert "You are interested in this lot" not in other_client.get(
        f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)


def test_an_edit_shows_at_once_for_a_logged_in_buyer(client, lots, factories):
    lot = lots.make(name_en="Before")
    login(client, factories.user("buyer"))
    assert "Before" in client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    lot.name_en = "After"
    db.session.commit()
    page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "After" in page and "Before" not in page


def test_catalogue_follows_new_and_withdrawn_lots(client, lots, factories):
    first = lots.make(name_en="First lot")
    assert "First lot" in client.get("/lots/", headers=EN).get_data(as_text=True)
    second = lots.make(name_en="Second lot")
    page = client.get("/lots/", headers=EN).get_data(as_text=True)
    assert "First lot" in page and "Second lot" in page
    first.is_published = False
    db.session.commit()
    page = client.get("/lots/", headers=EN).get_data(as_text=True)
    assert "First lot" not in page and "Second lot" in page
    login(client, factories.user("buyer"))
    page = client.get("/lots/", headers=EN).get_data(as_text=True)
    assert "Second lot" in page and "Log out" in page
    assert second.lot_code in page


def test_catalogue_second_view_is_one_query_anonymous(client, lots, count_queries):
    lots.make(name_en="Counted lot")
    first = client.get("/lots/?sort=price", headers=EN).get_data()
    with count_queries() as queries:
        second = client.get("/lots/?sort=price", headers=EN).get_data()
    assert second == first
    assert queries.count == 1  # the stamp row


def test_recently_checked_pages_are_served_within_the_window_only():
    cache = PageCache()
    page = cache.put("key", 1, b"body", now=100.0)
    cache.checked(("lot", "en"), page, now=100.0)
    assert cache.recently_checked(("lot", "en"), 1.0, now=100.5) is page
    assert cache.recently_checked(("lot", "en"), 1.0, now=101.0) is None
    assert cache.recently_checked(("lot", "en"), 0, now=100.1) is None
    assert cache.recently_checked(("lot", "es"), 1.0, now=100.1) is None


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def test_a_pending_message_shows_in_the_layout_of_a_stored_page(client, lots, factories):
    lot = lots.make()
    login(client, factories.user("buyer"))
    client.get(f"/lots/{lot.lot_code}", headers=EN)  # stores the blocks
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for this buyer only")]
    page = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "A message for this buyer only" in page
    assert "A message for this buyer only" not in client.get(
        f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
