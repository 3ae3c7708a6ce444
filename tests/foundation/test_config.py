"""Configuration, secret key, cookies and security headers."""

from __future__ import annotations

import stat

import pytest

from matchmaker.config import _database_url, load_secret_key
from matchmaker.security import CONTENT_SECURITY_POLICY
from tests.factories import PASSWORD


def test_secret_key_is_generated_once_private_and_stable(tmp_path):
    key = load_secret_key(tmp_path)
    key_file = tmp_path / "secret_key"
    assert key_file.exists()
    assert len(key) >= 40
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_secret_key(tmp_path) == key
    other = tmp_path / "other"
    other.mkdir()
    assert load_secret_key(other) != key


def test_app_without_secret_key_uses_the_instance_file(tmp_path, monkeypatch):
    from matchmaker import create_app
    from matchmaker.config import TestConfig

    class NoKey(TestConfig):
        SECRET_KEY = None

    monkeypatch.setattr("matchmaker.ROOT", tmp_path, raising=True)
    app = create_app(NoKey)
    key_file = tmp_path / "instance" / "secret_key"
    assert app.config["SECRET_KEY"] == key_file.read_text().strip()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/fair", "postgresql+psycopg://u:p@db:5432/fair"),
        ("postgresql://u@db/fair", "postgresql+psycopg://u@db/fair"),
        ("postgresql+psycopg://u@db/fair", "postgresql+psycopg://u@db/fair"),
        ("sqlite:////srv/fair.sqlite", "sqlite:////srv/fair.sqlite"),
    ],
)
def test_database_url_gets_the_psycopg3_dialect(monkeypatch, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    assert _database_url() == expected


def test_no_database_url_means_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert _database_url() is None


def test_session_cookie_is_httponly_and_samesite_lax(client, factories):
    user = factories.user("buyer")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    attributes = [part.strip().lower() for part in session_cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_remember_cookie_is_httponly_and_samesite_lax(client, factories):
    user = factories.user("buyer")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    remember = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    attributes = [part.strip().lower() for part in remember.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes


def test_security_headers_on_every_page(client):
    for url in ("/", "/login", "/no-such-page"):
        headers = client.get(url).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "geolocation=()" in headers["Permissions-Policy"]


def test_csp_forbids_inline_code_and_foreign_origins():
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in CONTENT_SECURITY_POLICY.split("; ")
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY


def test_passwords_are_stored_hashed(app, db, factories):
    import sqlalchemy as sa

    user = factories.user("buyer")
    stored = db.session.execute(
        sa.text("SELECT password_hash FROM user_account WHERE id = :id"), {"id": user.id}
    ).scalar_one()
    assert PASSWORD not in stored
    assert stored.startswith(("pbkdf2:", "scrypt:"))
    assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")
