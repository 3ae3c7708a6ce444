"""Issue #12 item 8 (security part): opening a /q/ URL never makes a buyer a lead (a link on
any site could open it in their browser), and a suspended rep's calendar feed stops."""

from __future__ import annotations

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models.leads import Lead, LeadSource
from matchmaker.models.qr import Scan
from matchmaker.services import qr_codes
from matchmaker.services.meetings import calendar
from tests.factories import login, make_user


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_cross_site_link_to_a_code_records_the_scan_but_no_lead(client, fair):
    token = qr_codes.lot_token(fair.lot)
    db.session.commit()
    login(client, fair.buyer)
    response = client.get(f"/q/{token.token}", headers={
        "Referer": "https://elsewhere.example/page", "Sec-Fetch-Site": "cross-site",
        "Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert f'action="/q/{token.token}/lead"' in html and 'method="post"' in html
    assert f"/lots/{fair.lot.lot_code}" in html  # the way on without sharing anything
    assert _count(Scan) == 1 and db.session.scalar(sa.select(Scan.user_id)) == fair.buyer.id
    assert _count(Lead) == 0 and _count(LeadSource) == 0


def test_the_buyer_leaves_their_contact_with_a_post(client, fair):
    token = qr_codes.booth_token(fair.exhibitor)
    db.session.commit()
    login(client, fair.buyer)
    client.get(f"/q/{token.token}")
    assert client.get(f"/q/{token.token}/lead").status_code == 405  # never by GET
    response = client.post(f"/q/{token.token}/lead")
    assert response.status_code == 302
    lead = db.session.scalar(sa.select(Lead))
    assert (lead.buyer_id, lead.organisation_id) == (fair.buyer.id, fair.organisation.id)
    # Once a lead, later scans go straight on.
    again = client.get(f"/q/{token.token}")
    assert again.status_code == 302 and _count(Scan) == 2 and _count(LeadSource) == 1


def test_leaving_contact_needs_csrf_and_a_buyer(app, fair):
    token = qr_codes.booth_token(fair.exhibitor)
    db.session.commit()
    rep = app.test_client()
    login(rep, fair.rep)
    assert rep.post(f"/q/{token.token}/lead").status_code == 302
    assert _count(Lead) == 0
    buyer = app.test_client()
    login(buyer, fair.buyer)
    app.config["WTF_CSRF_ENABLED"] = True  # from here on, a POST without its token fails
    assert buyer.post(f"/q/{token.token}/lead").status_code == 400
    assert _count(Lead) == 0


def test_a_suspended_reps_calendar_feed_stops(app, client, fair):
    feed = calendar.regenerate_feed(fair.rep)
    db.session.commit()
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 200
    organiser = app.test_client()
    login(organiser, fair.organiser)
    organiser.post(f"/admin/users/{fair.rep.id}/suspend")
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
    organiser.post(f"/admin/users/{fair.rep.id}/approve")
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 200


def test_a_deactivated_buyers_feed_stops(app, client, fair):
    buyer = make_user("buyer")
    feed = calendar.regenerate_feed(buyer)
    db.session.commit()
    organiser = app.test_client()
    login(organiser, fair.organiser)
    organiser.post(f"/admin/users/{buyer.id}/deactivate")
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404
