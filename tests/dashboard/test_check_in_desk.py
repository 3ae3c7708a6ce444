"""Check-in at the entrance by badge code: the no-JS form, the scanner's JSON, and refusals."""

from __future__ import annotations

import pytest

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models import CheckIn
from matchmaker.services import checkins, qr_codes
from tests.factories import make_event


def _check_ins(fair, buyer) -> list[CheckIn]:
    return db.session.scalars(db.select(CheckIn).where(
        CheckIn.event_id == fair.event.id, CheckIn.buyer_id == buyer.id)).all()


def test_typed_badge_code_checks_the_buyer_in_once(fair, login_as):
    buyer = fair.buyers[3]  # has a badge, not checked in yet
    token = qr_codes.badge_token(fair.event, buyer).token
    db.session.commit()
    client = login_as(fair.organiser)
    url = f"/dashboard/events/{fair.event.slug}/check-in"
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="code"' in html and "style=" not in html and "<script>" not in html

    response = client.post(url, data={"code": f"https://fair.example/q/{token}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert len(_check_ins(fair, buyer)) == 1
    assert _check_ins(fair, buyer)[0].by_user_id == fair.organiser.id
    followed = client.get(url).get_data(as_text=True)
    assert buyer.name in followed

    again = client.post(url, data={"code": token}, follow_redirects=True)
    assert again.status_code == 200
    assert len(_check_ins(fair, buyer)) == 1


def test_scanner_json_checks_in_and_reports_a_repeat(fair, login_as):
    buyer = fair.buyers[3]
    token = qr_codes.badge_token(fair.event, buyer).token
    db.session.commit()
    client = login_as(fair.organiser)
    url = f"/dashboard/events/{fair.event.slug}/check-in.json"
    first = client.post(url, json={"code": token, "client_key": "k1",
                                   "scanned_at": "2020-01-01T10:00:00Z"})
    assert first.status_code == 200
    assert first.json["buyer"] == buyer.name and first.json["already"] is False
    assert first.json["checked_in"] == 4
    second = client.post(url, json={"code": token, "client_key": "k2"})
    assert second.status_code == 200 and second.json["already"] is True and second.json["note"]
    rows = _check_ins(fair, buyer)
    assert len(rows) == 1
    assert rows[0].at.year != 2020  # an implausible device time falls back to now


@pytest.mark.parametrize(("code_of", "error_code", "status"), [
    (lambda fair: "not-a-real-token", "token_unknown", 422),
    (lambda fair: qr_codes.lot_token(fair.lot_a).token, "not_a_badge", 422),
    (lambda fair: qr_codes.badge_token(make_event(name="Otra feria"), fair.buyers[3]).token,
     "wrong_event", 422),
])
def test_bad_codes_are_refused_with_a_reason(fair, login_as, code_of, error_code, status):
    code = code_of(fair)
    db.session.commit()
    client = login_as(fair.organiser)
    response = client.post(f"/dashboard/events/{fair.event.slug}/check-in.json", json={"code": code})
    assert response.status_code == status and response.json["error"]["code"] == error_code
    form = client.post(f"/dashboard/events/{fair.event.slug}/check-in", data={"code": code})
    assert form.status_code == status
    assert f'value="{code}"' in form.get_data(as_text=True)  # what was typed is kept
    assert not _check_ins(fair, fair.buyers[3])


def test_revoked_badge_is_refused(fair, request_context):
    old = qr_codes.badge_token(fair.event, fair.buyers[3]).token
    qr_codes.reissue(qr_codes.badge_token(fair.event, fair.buyers[3]))
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        checkins.check_in_badge(fair.event, old, fair.organiser)
    assert caught.value.code == "token_revoked"


@pytest.mark.parametrize("role", ["rep", "buyer"])
def test_only_organisers_run_the_entrance(fair, login_as, role):
    user = fair.rep if role == "rep" else fair.buyers[0]
    client = login_as(user)
    token = qr_codes.badge_token(fair.event, fair.buyers[3]).token
    db.session.commit()
    assert client.get(f"/dashboard/events/{fair.event.slug}/check-in").status_code == 403
    assert client.post(f"/dashboard/events/{fair.event.slug}/check-in.json",
                       json={"code": token}).status_code == 403
    assert not _check_ins(fair, fair.buyers[3])


def test_check_in_form_needs_a_csrf_token(app, fair, login_as):
    client = login_as(fair.organiser)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(f"/dashboard/events/{fair.event.slug}/check-in",
                               data={"code": "anything"})
        assert response.status_code in (400, 422)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{half1} {half2}", " {half1}-{half2} "])
def test_the_printed_code_checks_in_however_it_is_typed(fair, login_as, typed):
    buyer = fair.buyers[3]
    code = qr_codes.badge_token(fair.event, buyer).manual_code
    db.session.commit()
    client = login_as(fair.organiser)
    text = typed.format(code=code, lower=code.lower(), half1=code[:4].lower(), half2=code[4:])
    response = client.post(f"/dashboard/events/{fair.event.slug}/check-in", data={"code": text})
    assert response.status_code == 302
    assert len(_check_ins(fair, buyer)) == 1


def test_a_mistyped_printed_code_is_refused_and_kept(fair, login_as):
    code = qr_codes.badge_token(fair.event, fair.buyers[3]).manual_code
    db.session.commit()
    wrong = ("A" if code[0] != "A" else "B") + code[1:]
    client = login_as(fair.organiser)
    response = client.post(f"/dashboard/events/{fair.event.slug}/check-in.json", json={"code": wrong})
    assert response.status_code == 422 and response.json["error"]["code"] == "token_unknown"
    assert not _check_ins(fair, fair.buyers[3])
