"""A buyer's own pages: the requests list, the lot page's own state, the menu entries."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.services import interest
from tests.factories import login, make_lot, make_organisation, make_user


def test_my_requests_lists_only_the_buyers_own_actions(app, login_as):
    lot, other_lot = make_lot(), make_lot()
    buyer, someone_else = make_user("buyer"), make_user("buyer")
    with app.test_request_context():
        interest.request_sample(lot, buyer, grams=300, message="Trial roast")
        interest.express_interest(other_lot, buyer)
        interest.request_sample(other_lot, someone_else, message="Not yours")
    db.session.commit()
    client = login_as(buyer)
    html = client.get("/lots/my-requests").get_data(as_text=True)
    assert lot.lot_code in html and other_lot.lot_code in html
    assert "Trial roast" in html and "300 g" in html and "Not yours" not in html
    lot_page = client.get(f"/lots/{lot.lot_code}").get_data(as_text=True)
    assert 'class="own-requests"' in lot_page and "300 g" in lot_page
    assert "You are interested in this lot" in client.get(
        f"/lots/{other_lot.lot_code}").get_data(as_text=True)


def test_my_requests_is_for_buyers(app, client):
    assert client.get("/lots/my-requests").status_code == 302  # to log in
    rep = make_user("rep", organisation=make_organisation())
    login(client, rep)
    assert client.get("/lots/my-requests").status_code == 403


def test_buyer_menu_has_badge_and_requests(app, login_as):
    html = login_as(make_user("buyer")).get("/").get_data(as_text=True)
    assert 'href="/lots/my-requests"' in html and 'href="/qr/badge"' in html
    badge = login_as(make_user("buyer")).get("/qr/badge")
    assert badge.status_code == 200  # no fair under way: the page says so


def test_booking_page_of_an_association_already_met_shows_the_meeting(app, login_as):
    from tests.factories import make_meeting

    meeting = make_meeting(status="accepted")
    client = login_as(meeting.buyer)
    response = client.get(f"/meetings/book/{meeting.organisation.slug}",
                          headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/meetings/{meeting.id}"' in html and "Confirmed" in html
    assert 'name="slot_id"' not in html and "Send meeting request" not in html
    # Another buyer still gets the slot picker.
    other = app.test_client()
    login(other, make_user("buyer"))
    assert 'name="slot_id"' in other.get(
        f"/meetings/book/{meeting.organisation.slug}").get_data(as_text=True)


def test_a_buyers_own_requests_never_reach_another_buyers_cached_lot_page(app):
    """Logged-in lot pages are stored per lot and kind of viewer; a buyer's own sample
    request is on their page only, whoever asks for the lot first."""
    lot = make_lot()
    fresh, requester = make_user("buyer"), make_user("buyer")
    fresh_client, requester_client = app.test_client(), app.test_client()
    login(fresh_client, fresh)
    login(requester_client, requester)
    # The plain buyer page is stored first (its first view carries the log-in flash).
    for _ in range(2):
        page = fresh_client.get(f"/lots/{lot.lot_code}").get_data(as_text=True)
        assert 'class="own-requests"' not in page
    with app.test_request_context():
        interest.request_sample(lot, requester, grams=250, message="For our roaster")
    db.session.commit()
    for _ in range(2):
        mine = requester_client.get(f"/lots/{lot.lot_code}").get_data(as_text=True)
        assert 'class="own-requests"' in mine and "250 g" in mine
    # The stored page, asked for again, still holds nobody's request.
    other = fresh_client.get(f"/lots/{lot.lot_code}").get_data(as_text=True)
    assert 'class="own-requests"' not in other and "For our roaster" not in other
