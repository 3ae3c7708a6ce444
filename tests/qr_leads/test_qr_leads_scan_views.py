"""Scan URLs, QR images (decoded by zxing-cpp), re-issue permissions, badge page."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from matchmaker.extensions import db
from matchmaker.models.leads import Lead
from matchmaker.models.qr import QrToken, Scan
from matchmaker.services import qr_codes
from tests.factories import login, make_user


def _token(fair, kind="lot"):
    token = qr_codes.lot_token(fair.lot) if kind == "lot" else qr_codes.booth_token(fair.exhibitor)
    db.session.commit()
    return token


def test_lot_scan_redirects_counts_and_sets_anonymous_cookie(client, fair):
    token = _token(fair)
    response = client.get(f"/q/{token.token}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/lots/{fair.lot.lot_code}")
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert "mm_visitor=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    client.get(f"/q/{token.token}")
    scans = db.session.scalars(sa.select(Scan)).all()
    assert len(scans) == 2
    assert scans[0].visitor_id == scans[1].visitor_id  # the cookie was reused
    assert {s.event_id for s in scans} == {fair.event.id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0
    # No IP address anywhere in the scan row.
    assert set(Scan.__table__.columns.keys()) == {
        "id", "token_id", "scanned_at", "event_id", "visitor_id", "user_id"}


def test_booth_scan_by_logged_in_buyer_becomes_a_lead_when_they_ask(client, fair):
    token = _token(fair, "booth")
    login(client, fair.buyer)
    response = client.get(f"/q/{token.token}")
    assert response.status_code == 200  # the buyer is asked; opening the URL adds nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0
    response = client.post(f"/q/{token.token}/lead")
    assert response.headers["Location"].endswith(f"/organisations/{fair.organisation.slug}")
    lead = db.session.scalar(sa.select(Lead))
    assert lead.buyer_id == fair.buyer.id and [s.kind for s in lead.sources] == ["booth_scan"]


def test_revoked_code_shows_replaced_page_and_unknown_is_404(client, fair):
    token = _token(fair)
    old = token.token
    qr_codes.reissue(token)
    db.session.commit()
    response = client.get(f"/q/{old}")
    assert response.status_code == 410
    assert b"/lots/" in response.data  # a link to the catalogue
    assert client.get("/q/doesNotExist").status_code == 404
    assert client.get(f"/qr/{old}.svg").status_code == 404


def test_png_decodes_to_the_short_url_and_is_cached_for_long(client, fair):
    token = _token(fair)
    response = client.get(f"/qr/{token.token}.png?box=8")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "immutable" in response.headers["Cache-Control"]
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert barcode.text == f"http://fair.test/q/{token.token}"
    svg = client.get(f"/qr/{token.token}.svg")
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")
    assert "max-age=31536000" in svg.headers["Cache-Control"]


def test_badge_image_only_for_its_buyer_and_organisers(app, client, fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    assert client.get(f"/qr/{token.token}.svg").status_code == 404
    stranger = app.test_client()
    login(stranger, make_user("buyer"))
    assert stranger.get(f"/qr/{token.token}.svg").status_code == 404
    for user in (fair.buyer, fair.organiser):
        own = app.test_client()
        login(own, user)
        response = own.get(f"/qr/{token.token}.svg")
        assert response.status_code == 200 and "private" in response.headers["Cache-Control"]


def test_badge_url_gives_reps_an_add_button_and_others_nothing(client, fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    anonymous = client.get(f"/q/{token.token}")
    assert anonymous.status_code == 200
    assert fair.buyer.name.encode() not in anonymous.data and b"Add as a lead" not in anonymous.data
    login(client, fair.rep)
    page = client.get(f"/q/{token.token}", headers={"Accept-Language": "en"})
    assert b'action="/leads/scan"' in page.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0  # GET never adds
    added = client.post("/leads/scan", data={"code": token.token})
    assert added.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1


def test_my_badge_page_for_buyers(app, client, fair):
    login(client, fair.buyer)
    response = client.get("/qr/badge")
    assert response.status_code == 200
    token = db.session.scalar(sa.select(QrToken).where(QrToken.kind == "badge"))
    assert token.buyer_id == fair.buyer.id and token.token.encode() in response.data
    rep_client = app.test_client()
    login(rep_client, fair.rep)
    assert rep_client.get("/qr/badge").status_code == 403


@pytest.mark.parametrize("who, expected", [("rep", 302), ("other_rep", 403), ("organiser", 302),
                                           ("buyer", 403), ("anonymous", 302)])
def test_reissue_permissions(client, fair, other_org_rep, who, expected):
    token = _token(fair)
    users = {"rep": fair.rep, "other_rep": other_org_rep, "organiser": fair.organiser,
             "buyer": fair.buyer}
    if who in users:
        login(client, users[who])
    response = client.post(f"/qr/{token.token}/reissue")
    assert response.status_code == expected
    db.session.expire_all()
    replaced = who in ("rep", "organiser")
    assert db.session.get(QrToken, token.id).is_active is (not replaced)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]


def test_codes_page_lists_lots_and_booths_with_scan_counts(app, client, fair):
    token = _token(fair)
    client.get(f"/q/{token.token}")
    login(client, fair.rep)
    response = client.get("/qr/codes")  # the rep's profile language: Spanish
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert fair.lot.lot_code in html and "A-1" in html
    assert "1 escaneo" in html and "0 escaneos" in html
    buyer_client = app.test_client()
    login(buyer_client, fair.buyer)
    assert buyer_client.get("/qr/codes").status_code == 403
