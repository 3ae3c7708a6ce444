"""With CSRF protection on (as in production): POSTs without a token get 400, with one succeed."""

from __future__ import annotations

import pytest

from matchmaker.models import Event, Exhibitor, User
from tests.factories import PASSWORD
from tests.foundation.conftest import csrf_token
from tests.foundation.test_accounts import signup_form
from tests.foundation.test_events_admin import event_form


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def token_from(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return csrf_token(response.get_data(as_text=True))


def login_with_token(client, user) -> None:
    token = token_from(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def assert_refused(response) -> None:
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Solicitud no válida" in html
    assert "El formulario caducó. Recargue la página y envíelo de nuevo." in html


ES = {"Accept-Language": "es"}


def test_login_needs_a_token(csrf_app, client, factories):
    user = factories.user("buyer")
    assert_refused(client.post("/login", data={"email": user.email, "password": PASSWORD}, headers=ES))
    assert client.get("/account/profile").status_code == 302
    login_with_token(client, user)
    assert client.get("/account/profile").status_code == 200


def test_forged_token_is_refused(csrf_app, client, factories):
    user = factories.user("buyer")
    token_from(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": "forged.token"}, headers=ES)
    assert_refused(response)


def test_token_from_another_session_is_refused(csrf_app, client, factories):
    user = factories.user("buyer")
    other = csrf_app.test_client()
    stolen = token_from(other, "/login")
    token_from(client, "/login")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": stolen})
    assert response.status_code == 400


def test_logout_needs_a_token(csrf_app, client, factories):
    login_with_token(client, factories.user("buyer", locale="es"))
    assert_refused(client.post("/logout"))
    assert client.get("/account/profile").status_code == 200  # still logged in
    token = token_from(client, "/account/profile")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account/profile").status_code == 302


def test_language_switch_needs_a_token(csrf_app, client):
    assert_refused(client.post("/language", data={"lang": "en"}, headers=ES))
    assert "Aún no hay ninguna feria" in client.get("/", headers=ES).get_data(as_text=True)
    # Visitors' pages switch with plain links (no token needed); the POST form still needs one.
    token = token_from(client, "/login")
    assert client.post("/language", data={"lang": "en", "csrf_token": token}).status_code == 302
    assert "No fair is published yet." in client.get("/", headers=ES).get_data(as_text=True)


def test_signup_needs_a_token(csrf_app, client, db):
    assert_refused(client.post("/signup", data=signup_form(), headers=ES))
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    token = token_from(client, "/signup")
    assert client.post("/signup", data=signup_form(csrf_token=token)).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_admin_actions_need_a_token(csrf_app, client, db, factories):
    buyer = factories.user("buyer")
    organisation = factories.organisation()
    event = factories.event()
    login_with_token(client, factories.user("organiser", locale="es"))

    assert_refused(client.post(f"/admin/users/{buyer.id}/deactivate"))
    assert_refused(client.post("/admin/events/new", data=event_form()))
    assert_refused(client.post(f"/admin/events/{event.slug}",
                               data={"organisation_id": organisation.id, "booth": "A-01"}))
    db.session.expire_all()
    assert db.session.get(User, buyer.id).is_active
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Exhibitor)) == 0

    token = token_from(client, "/admin/users")
    assert client.post(f"/admin/users/{buyer.id}/deactivate", data={"csrf_token": token}).status_code == 302
    token = token_from(client, "/admin/events/new")
    assert client.post("/admin/events/new", data=event_form(csrf_token=token)).status_code == 302
    token = token_from(client, f"/admin/events/{event.slug}")
    response = client.post(f"/admin/events/{event.slug}",
                           data={"organisation_id": organisation.id, "booth": "A-01", "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, buyer.id).is_active is False
    assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(Exhibitor)) == 1


def test_every_form_page_carries_a_token(csrf_app, client, factories):
    for path in ("/login", "/signup", "/signup/rep", "/password/forgot"):
        assert csrf_token(client.get(path).get_data(as_text=True))
    login_with_token(client, factories.user("organiser"))
    for path in ("/admin/events/new", "/organisations/new", "/account/profile", "/account/password"):
        assert csrf_token(client.get(path).get_data(as_text=True))
