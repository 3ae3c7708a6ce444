"""Buyer actions: "I'm interested" and sample requests, logged in or after logging in, with CSRF."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from matchmaker.models.interest import LotInterest
from matchmaker.services import interest as service
from tests.factories import PASSWORD, make_organisation, make_user


@pytest.fixture
def request_ctx(app):
    """Services run inside requests; the locale selector needs one."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        yield


def _records(kind=None):
    query = db.select(LotInterest)
    if kind:
        query = query.where(LotInterest.kind == kind)
    return db.session.scalars(query).all()


def test_interest_is_recorded_once_and_reps_told_in_their_language(lots, request_ctx):
    organisation = make_organisation()
    make_user("rep", organisation=organisation, locale="es", email="rep-es@example.test")
    make_user("rep", organisation=organisation, locale="en", email="rep-en@example.test")
    lot = lots.make(organisation)
    buyer = make_user("buyer")
    service.express_interest(lot, buyer, message="Need 2 MT")
    db.session.commit()
    subjects = dict(db.session.execute(
        db.select(OutboxMessage.recipient, OutboxMessage.subject)).all())
    assert subjects["rep-es@example.test"].startswith("Un comprador")
    assert subjects["rep-en@example.test"].startswith("A buyer is interested")
    with pytest.raises(DomainError) as caught:
        service.express_interest(lot, buyer)
    assert caught.value.code == "already_interested"


def test_only_buyers_and_only_published_lots(lots, request_ctx):
    lot, draft = lots.make(), lots.make(published=False)
    with pytest.raises(DomainError) as caught:
        service.express_interest(lot, make_user("rep"))
    assert caught.value.code == "buyers_only"
    with pytest.raises(DomainError) as caught:
        service.request_sample(draft, make_user("buyer"))
    assert caught.value.code == "lot_not_published"


def test_sample_requests_repeat_and_respect_availability(lots, request_ctx):
    lot, no_samples = lots.make(sample_size_g=300), lots.make(sample_available=False)
    buyer = make_user("buyer")
    first = service.request_sample(lot, buyer)
    service.request_sample(lot, buyer, grams=1000)
    assert first.sample_grams == 300
    with pytest.raises(DomainError) as caught:
        service.request_sample(no_samples, buyer)
    assert caught.value.code == "samples_unavailable"
    with pytest.raises(DomainError) as caught:
        service.request_sample(lot, buyer, grams=9000)
    assert caught.value.code == "sample_grams_out_of_range"
    assert len(_records("sample_request")) == 2


def test_logged_in_buyer_posts_interest(client, lots, login_as):
    lot = lots.make()
    login_as(make_user("buyer"))
    response = client.post(f"/lots/{lot.lot_code}/interest", data={"message": "Hello"})
    assert response.status_code == 302
    assert [(i.kind, i.message) for i in _records()] == [("interested", "Hello")]
    page = client.get(f"/lots/{lot.lot_code}", headers={"Accept-Language": "en"})
    assert "You are interested in this lot" in page.get_data(as_text=True)
    again = client.post(f"/lots/{lot.lot_code}/interest")
    assert again.status_code == 409


def test_rep_cannot_post_interest(client, lots, login_as):
    lot = lots.make()
    login_as(make_user("rep"))
    assert client.post(f"/lots/{lot.lot_code}/interest").status_code == 403
    assert _records() == []


def test_sample_form_errors_keep_input(client, lots, login_as):
    lot = lots.make()
    login_as(make_user("buyer"))
    response = client.post(f"/lots/{lot.lot_code}/sample",
                           data={"grams": "99999", "message": "keep me"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "keep me" in response.get_data(as_text=True)
    assert _records() == []


@pytest.mark.parametrize("action, path", [("interest", "interest"), ("sample", "sample")])
def test_logged_out_request_is_completed_after_login(client, lots, action, path):
    lot = lots.make()
    buyer = make_user("buyer")
    response = client.post(f"/lots/{lot.lot_code}/{path}", data={"grams": "250"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    next_url = parse_qs(location.query)["next"][0]
    assert next_url.startswith(f"/lots/{lot.lot_code}?action={action}")
    assert _records() == []
    # Log in: we land back on the lot, with the confirm form for the pending action.
    login = client.post("/login", query_string={"next": next_url},
                        data={"email": buyer.email, "password": PASSWORD, "next": next_url})
    assert login.headers["Location"].endswith(next_url)
    page = client.get(next_url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    if action == "interest":
        assert 'class="confirm-box"' in page
    else:
        assert 'value="250"' in page and "<details class=\"sample-request\" open" in page
    client.post(f"/lots/{lot.lot_code}/{path}", data={"grams": "250"})
    records = _records()
    assert len(records) == 1 and records[0].buyer_id == buyer.id
    if action == "sample":
        assert records[0].sample_grams == 250


def test_posts_need_a_csrf_token(app, lots):
    app.config["WTF_CSRF_ENABLED"] = True
    lot = lots.make()
    client = app.test_client()
    assert client.post(f"/lots/{lot.lot_code}/interest").status_code == 400
    assert client.post(f"/lots/{lot.lot_code}/sample").status_code == 400
    assert _records() == []
