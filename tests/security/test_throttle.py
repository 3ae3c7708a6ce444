"""Issue #12 item 5: log-in throttling counts failed attempts only, per account (a back-off,
never a permanent lock) and per client address, read through ProxyFix when TRUSTED_PROXIES
says how many proxies stand in front. TestConfig: per account "5 per minute; 8 per hour",
per address "20 per minute"."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import TooManyRequests

from matchmaker import create_app, login_throttle
from matchmaker.config import TestConfig
from matchmaker.extensions import db
from matchmaker.services import accounts
from tests.factories import PASSWORD


@pytest.fixture
def proxied_app(database_url, app):
    """The app behind one trusted reverse proxy (nginx), on the test's database."""

    class Proxied(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TRUSTED_PROXIES = 1

    proxied = create_app(Proxied)
    yield proxied
    with proxied.app_context():
        db.engine.dispose()


def _attempt(client, email: str, password: str, address: str | None = None):
    headers = {"X-Forwarded-For": address} if address else {}
    return client.post("/login", data={"email": email, "password": password}, headers=headers)


def _from(client, address: str, email: str, password: str):
    """An attempt from a client connecting from `address` itself (no proxy in between)."""
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_wrong_passwords_from_many_addresses_are_throttled_per_account(client, factories):
    victim = factories.user("buyer")
    statuses = [_from(client, f"203.0.113.{n % 5 + 1}", victim.email, f"guess-{n}").status_code
                for n in range(50)]
    assert statuses[:5] == [422] * 5
    assert set(statuses[5:]) == {429}
    # The owner, from yet another address, waits too: the answer must not reveal the password.
    assert _from(client, "198.51.100.7", victim.email, PASSWORD).status_code == 429


def test_wrong_passwords_through_the_proxy_are_throttled_per_account(proxied_app, factories):
    victim = factories.user("buyer")
    client = proxied_app.test_client()
    statuses = [_attempt(client, victim.email, f"guess-{n}", f"203.0.113.{n % 5 + 1}").status_code
                for n in range(50)]
    assert statuses[:5] == [422] * 5
    assert set(statuses[5:]) == {429}


def test_behind_the_proxy_one_noisy_client_does_not_lock_out_the_venue(proxied_app, factories):
    users = [factories.user("buyer") for _ in range(3)]
    client = proxied_app.test_client()
    # One client fails 20 times across accounts: its address is throttled ...
    for n in range(20):
        _attempt(client, f"nobody{n}@example.test", "wrong-password", "203.0.113.9")
    assert _attempt(client, users[0].email, PASSWORD, "203.0.113.9").status_code == 429
    # ... while other clients behind the same proxy log in as usual.
    for n, user in enumerate(users):
        assert _attempt(client, user.email, PASSWORD, f"198.51.100.{n + 1}").status_code == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, factories):
    # Otherwise anyone could pick a fresh address per attempt and never be throttled.
    for n in range(20):
        _attempt(client, f"nobody{n}@example.test", "wrong-password", f"203.0.113.{n + 1}")
    user = factories.user("buyer")
    assert _attempt(client, user.email, PASSWORD, "198.51.100.1").status_code == 429


def test_proxy_fix_reads_the_client_address_and_scheme(proxied_app):
    from flask import request

    seen = {}

    @proxied_app.get("/_whoami")
    def whoami():
        seen.update(address=request.remote_addr, scheme=request.scheme, host=request.host)
        return ""

    proxied_app.test_client().get("/_whoami", headers={
        "X-Forwarded-For": "1.2.3.4, 203.0.113.5", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "evil.example"})
    # One proxy: only the address it appended counts, and the host is never taken from it.
    assert seen == {"address": "203.0.113.5", "scheme": "https", "host": "localhost"}


def test_only_failed_attempts_count(client, factories):
    user = factories.user("buyer")
    for _ in range(12):
        assert _attempt(client, user.email, PASSWORD).status_code == 302
        client.post("/logout")
    for _ in range(5):
        assert _attempt(client, user.email, "wrong-password").status_code == 422
    assert _attempt(client, user.email, "wrong-password").status_code == 429


def test_back_off_grows_with_failures_but_never_locks_for_good(app, factories):
    user = factories.user("buyer")
    with app.test_request_context("/login", method="POST"):
        for _ in range(5):
            login_throttle.count_failure(user.email)
        with pytest.raises(TooManyRequests) as first:
            login_throttle.check(user.email)
        first_wait = int(dict(first.value.get_headers())["Retry-After"])
        for _ in range(3):
            login_throttle.count_failure(user.email)
        with pytest.raises(TooManyRequests) as second:
            login_throttle.check(user.email.upper())
        second_wait = int(dict(second.value.get_headers())["Retry-After"])
    assert 1 <= first_wait <= 60
    assert 60 < second_wait <= 3600


def test_429_keeps_the_translated_page_and_retry_after(client, factories):
    user = factories.user("buyer")
    for _ in range(5):
        _attempt(client, user.email, "wrong-password")
    response = client.post("/login", data={"email": user.email, "password": "x"},
                           headers={"Accept-Language": "es"})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) >= 1


def test_unknown_address_costs_a_password_hash_like_a_known_one(app, factories, monkeypatch):
    """No timing: count the hash checks, so an unknown e-mail answers as slowly as a wrong
    password and the log-in form does not reveal which addresses have accounts."""
    calls = []
    real = accounts.check_password_hash

    def counting(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    with app.test_request_context(), pytest.raises(accounts.ValidationFailed) as unknown:
        accounts.authenticate("nobody-here@example.test", "some-password")
    assert unknown.value.code == "bad_credentials"
    assert len(calls) == 1
    assert calls[0].startswith(app.config["PASSWORD_HASH_METHOD"].split(":")[0])
