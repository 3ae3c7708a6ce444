"""Flask's signed-cookie sessions, without redoing per request what gives the same answer.

Flask builds a new signing serializer for every request and verifies, decompresses and
parses the cookie each time, although a browser sends the same cookie until the session
changes. `ReusingSessionInterface` keeps the serializer per set of keys and the checked
contents of recently seen cookies, keyed by the cookie's exact value. Nothing about what is
accepted changes: a cookie is only remembered after it passed the signature check, its age
is checked against `PERMANENT_SESSION_LIFETIME` on every request as before, and only
sessions of plain values (strings, numbers, booleans, and lists of them such as pending flash
messages) are remembered, each request getting its own copy, so a list changed in place by
one request (Flask appends to the flash list) never reaches the next.
The session's contents are still checked by the code that reads them every request: the
user loader compares the session version with the database, so a log-out anywhere voids
a remembered cookie as it voids any other.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

_PLAIN = (str, int, float, bool, type(None))


class ReusingSessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions with the serializer and recently checked cookies kept."""

    max_remembered = 10_000

    def __init__(self) -> None:
        self._serializers: dict = {}
        self._checked: dict[tuple, tuple[float, dict]] = {}  # (serializer, cookie): (signed, data)
        self._lock = threading.Lock()

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (serializer, value)  # serializers are kept, one per set of keys
        remembered = self._checked.get(key)
        if remembered is not None:
            signed_at, data = remembered
            if time.time() - signed_at <= max_age:
                return self.session_class(_copy(data))
            self._checked.pop(key, None)
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(_is_plain(v) for v in data.values()):
            with self._lock:
                if len(self._checked) >= self.max_remembered:
                    self._checked.clear()  # a bound; checking a cookie again is cheap
                self._checked[key] = (signed_at.timestamp(), _copy(data))
        return self.session_class(data)


def _is_plain(value, depth: int = 0) -> bool:
    """Plain values, and lists or tuples of them (pending flash messages: a list of
    (category, message) pairs), two levels deep at most."""
    if isinstance(value, _PLAIN):
        return True
    return depth < 2 and isinstance(value, list | tuple) \
        and all(_is_plain(item, depth + 1) for item in value)


def _copy(data: dict) -> dict:
    """A copy no request can change in place (Flask appends to the flash list it finds)."""
    return {key: ([tuple(i) if isinstance(i, tuple) else (list(i) if isinstance(i, list) else i)
                   for i in value] if isinstance(value, list | tuple) else value)
            for key, value in data.items()}
