"""Anonymous visitors get the lot page from a per-process cache that follows every edit."""

from __future__ import annotations

from matchmaker.extensions import db
from tests.factories import login

ES = {"Accept-Language": "es"}
EN = {"Accept-Language": "en"}


def test_second_anonymous_view_costs_one_query(client, lots, count_queries):
    lot = lots.make(name_en="Infierno native cacao")
    lots.analysis(lot)
    first = client.get(f"/lots/{lot.lot_code}", headers=EN)
    assert first.status_code == 200
    with count_queries() as queries:
        second = client.get(f"/lots/{lot.lot_code}", headers=EN)
    assert second.status_code == 200
    assert second.get_data() == first.get_data()
    assert queries.count == 1


def test_anonymous_page_sets_no_cookie_and_carries_no_token(client, lots):
    lot = lots.make()
    response = client.get(f"/lots/{lot.lot_code}", headers=ES)
    assert "Set-Cookie" not in response.headers
    assert b"csrf_token" not in response.get_data()
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Accept-Language" in response.headers["Vary"]


def test_each_language_is_cached_apart(client, lots):
    lot = lots.make(name_es="Cacao nativo", name_en="Native cacao")
    assert "Cacao nativo" in client.get(f"/lots/{lot.lot_code}", headers=ES).get_data(as_text=True)
    assert "Native cacao" in client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "Cacao nativo" in client.get(f"/lots/{lot.lot_code}", headers=ES).get_data(as_text=True)


def test_a_new_certificate_shows_at_once(client, lots):
    lot = lots.make()
    before = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "CERT-NEW-777" not in before
    certificate = lots.certificate(lot)
    certificate.certificate_no = "CERT-NEW-777"
    db.session.commit()
    after = client.get(f"/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "CERT-NEW-777" in after


def test_withdrawn_lot_is_gone_at_once(client, lots):
    lot = lots.make()
    assert client.get(f"/lots/{lot.lot_code}").status_code == 200
    lot.is_published = False
    db.session.commit()
    assert client.get(f"/lots/{lot.lot_code}").status_code == 404


def test_repeat_visit_with_etag_gets_304(client, lots):
    lot = lots.make()
    first = client.get(f"/lots/{lot.lot_code}", headers=EN)
    again = client.get(f"/lots/{lot.lot_code}", headers={**EN, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_logged_in_buyer_gets_a_fresh_personal_page(client, lots, factories):
    lot = lots.make()
    client.get(f"/lots/{lot.lot_code}", headers=EN)  # fills the anonymous cache
    login(client, factories.user("buyer"))
    response = client.get(f"/lots/{lot.lot_code}", headers=EN)
    assert 'name="csrf_token"' in response.get_data(as_text=True)  # the buyer's own forms
    assert "public" not in response.headers.get("Cache-Control", "")


def test_visitor_sample_request_goes_through_log_in_and_keeps_what_was_typed(client, lots, factories):
    lot = lots.make()
    response = client.get(f"/lots/{lot.lot_code}/start/sample?grams=250&message=For+a+trial+batch")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    buyer = factories.user("buyer")
    response = client.post(response.headers["Location"],
                           data={"email": buyer.email, "password": "correct-horse-battery"})
    back = response.headers["Location"]
    assert back.startswith(f"/lots/{lot.lot_code}?action=sample")
    html = client.get(back, headers=EN).get_data(as_text=True)
    assert 'value="250"' in html and "For a trial batch" in html


def test_visitor_language_links_switch_without_a_form(client, factories):
    factories.event(name="Feria Idiomas")
    html = client.get("/", headers=ES).get_data(as_text=True)
    assert "/language/en?next=/" in html
    response = client.get("/language/en?next=/organisations/")
    assert response.status_code == 302 and response.headers["Location"] == "/organisations/"
    assert "Producers" in client.get("/", headers=ES).get_data(as_text=True)
    # Never off-site.
    assert client.get("/language/es?next=https://evil.test/").headers["Location"] == "/"
