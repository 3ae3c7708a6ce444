"""Issue #12 item 4: sessions can be revoked. Log-out, password change and reset, an
organiser's suspension and "log out everywhere" end every session of the account, remember
cookies included; a copied cookie replayed afterwards logs nobody in."""

from __future__ import annotations

import re

import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import OutboxMessage
from tests.factories import PASSWORD, login

NEW_PASSWORD = "another-long-passphrase"


def _logged_in(client) -> bool:
    """The profile page answers only a logged-in user (others are sent to log in)."""
    return client.get("/account/profile").status_code == 200


def _cookie_jar(client) -> dict[str, str]:
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def _replay(app, cookies: dict[str, str]):
    """A fresh client (another device, or a thief) holding copies of the given cookies."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _remembered_only(app, client):
    """A client with nothing but the 365-day remember cookie of `client`."""
    return _replay(app, {"remember_token": _cookie_jar(client)["remember_token"]})


def test_session_cookie_replayed_after_logout_is_refused(app, client, factories):
    user = factories.user("buyer")
    login(client, user)
    stolen = _cookie_jar(client)
    assert _logged_in(_replay(app, stolen))
    client.post("/logout")
    assert not _logged_in(client)
    assert not _logged_in(_replay(app, stolen))


def test_remember_cookie_replayed_after_logout_is_refused(app, client, factories):
    user = factories.user("buyer")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remembered = _remembered_only(app, client)
    assert _logged_in(remembered)
    stolen = _cookie_jar(client)["remember_token"]
    client.post("/logout")
    assert not _logged_in(_replay(app, {"remember_token": stolen}))


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, factories):
    user = factories.user("buyer")
    phone, laptop = app.test_client(), app.test_client()
    login(phone, user)
    laptop.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember_cookie = _cookie_jar(laptop)["remember_token"]
    response = phone.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert _logged_in(phone)
    assert not _logged_in(laptop)
    assert not _logged_in(_replay(app, {"remember_token": remember_cookie}))


def test_wrong_current_password_changes_nothing(app, client, factories):
    user = factories.user("buyer")
    login(client, user)
    other = app.test_client()
    login(other, user)
    response = client.post("/account/password", data={
        "current_password": "not-my-password", "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD})
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)
    assert _logged_in(client) and _logged_in(other)


def test_password_reset_ends_every_session(app, client, factories):
    user = factories.user("buyer", email="lucia@chocolates.example")
    device = app.test_client()
    device.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember_cookie = _cookie_jar(device)["remember_token"]
    client.post("/password/forgot", data={"email": user.email})
    body = db.session.scalars(sa.select(OutboxMessage)).one().body_text
    token = re.search(r"/password/reset/(\S+)", body).group(1)
    response = client.post(f"/password/reset/{token}",
                           data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert not _logged_in(device)
    assert not _logged_in(_replay(app, {"remember_token": remember_cookie}))


def test_suspending_a_rep_ends_their_sessions(app, factories):
    rep = factories.user("rep")
    organiser = factories.user("organiser")
    rep_client, organiser_client = app.test_client(), app.test_client()
    rep_client.post("/login", data={"email": rep.email, "password": PASSWORD, "remember": "y"})
    remember_cookie = _cookie_jar(rep_client)["remember_token"]
    login(organiser_client, organiser)
    assert organiser_client.post(f"/admin/users/{rep.id}/suspend").status_code == 302
    assert not _logged_in(rep_client)
    assert not _logged_in(_replay(app, {"remember_token": remember_cookie}))


def test_deactivating_an_account_ends_its_sessions(app, factories):
    buyer = factories.user("buyer")
    organiser = factories.user("organiser")
    buyer_client, organiser_client = app.test_client(), app.test_client()
    login(buyer_client, buyer)
    login(organiser_client, organiser)
    organiser_client.post(f"/admin/users/{buyer.id}/deactivate")
    organiser_client.post(f"/admin/users/{buyer.id}/activate")
    # Switching the account back on does not revive the old cookies.
    assert not _logged_in(buyer_client)


def test_log_out_everywhere_from_the_account_page(app, client, factories):
    user = factories.user("buyer")
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    remember_cookie = _cookie_jar(other)["remember_token"]
    login(client, user)
    page = client.get("/account/profile", headers={"Accept-Language": "en"})
    assert 'action="/account/sessions/end"' in page.get_data(as_text=True)
    assert "Log out everywhere" in page.get_data(as_text=True)
    response = client.post("/account/sessions/end")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _logged_in(client) and not _logged_in(other)
    assert not _logged_in(_replay(app, {"remember_token": remember_cookie}))
    # Logging in again works.
    login(client, user)
    assert _logged_in(client)


def test_log_out_everywhere_needs_csrf(app, factories):
    app.config["WTF_CSRF_ENABLED"] = True
    user = factories.user("buyer")
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf})
    assert client.post("/account/sessions/end").status_code == 400
    assert _logged_in(client)


def test_a_cookie_with_the_bare_account_id_is_refused(app, factories):
    user = factories.user("buyer")
    client = app.test_client()
    login(client, user)
    assert _logged_in(client)
    with client.session_transaction() as session:
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
        session["_user_id"] = str(user.id)  # what cookies held before session versions
    assert not _logged_in(client)
