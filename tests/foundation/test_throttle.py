"""Log-in is throttled per address and e-mail after repeated failures (TestConfig: 5 per minute)."""

from __future__ import annotations

from tests.factories import PASSWORD


def test_sixth_failed_login_gets_429_in_spanish(client, factories):
    user = factories.user("buyer")
    for _attempt in range(5):
        response = client.post("/login", data={"email": user.email, "password": "wrong-password"},
                               headers={"Accept-Language": "es"})
        assert response.status_code == 422
    response = client.post("/login", data={"email": user.email, "password": "wrong-password"},
                           headers={"Accept-Language": "es"})
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Demasiados intentos" in html and "Espere unos minutos antes de volver a intentarlo." in html
    assert "Retry-After" in response.headers
    # Even the right password waits: the throttle does not reveal it.
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 429


def test_throttle_is_per_email_and_case_insensitive(client, factories):
    victim = factories.user("buyer")
    other = factories.user("buyer")
    for _attempt in range(5):
        client.post("/login", data={"email": victim.email.upper(), "password": "wrong-password"})
    assert client.post("/login", data={"email": victim.email, "password": "x"}).status_code == 429
    # Another account behind the same venue NAT can still log in.
    assert client.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302


def test_429_page_in_english(client, factories):
    user = factories.user("buyer")
    for _attempt in range(6):
        response = client.post("/login", data={"email": user.email, "password": "nope-nope"},
                               headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_viewing_the_login_page_is_not_throttled(client):
    for _attempt in range(8):
        assert client.get("/login").status_code == 200
