"""Log-in throttling: failed attempts only, per account (a back-off) and per client address.

Per account, the limits are tiers (e.g. 5 per minute, 10 per 15 minutes, 20 per hour): each
tier reached makes the next wait longer, and none lasts beyond its window, so an attacker can
slow an account down but never lock its owner out for good. Per client address the limit is
higher, because a fair's Wi-Fi puts many buyers behind one address; the address is the real
client's once `TRUSTED_PROXIES` lets ProxyFix read X-Forwarded-For. Counters live in
Flask-Limiter's storage (`RATELIMIT_STORAGE_URI`), shared by every app server on Redis.
"""

from __future__ import annotations

import math
import time

from flask import current_app, request
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from matchmaker.extensions import limiter

NAMESPACE = "login-failed"


def _checks(email: str) -> list[tuple[RateLimitItem, str]]:
    config = current_app.config
    account = (email or "").strip().lower()
    address = request.remote_addr or "unknown"
    return ([(item, f"account:{account}") for item in parse_many(config["LOGIN_ACCOUNT_LIMIT"])]
            + [(item, f"address:{address}")
               for item in parse_many(config["LOGIN_ADDRESS_LIMIT"])])


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def check(email: str) -> None:
    """Refuse the attempt while the account or the address is throttled.

    Raises:
        TooManyRequests: with Retry-After, the seconds until the longest exceeded window ends.
    """
    if not _enabled():
        return
    waits = []
    for item, key in _checks(email):
        if not limiter.limiter.test(item, NAMESPACE, key):
            reset_at, _remaining = limiter.limiter.get_window_stats(item, NAMESPACE, key)
            waits.append(max(1, math.ceil(reset_at - time.time())))
    if waits:
        raise TooManyRequests(retry_after=max(waits))


def count_failure(email: str) -> None:
    """Count one failed attempt against the account and the address."""
    if not _enabled():
        return
    for item, key in _checks(email):
        limiter.limiter.hit(item, NAMESPACE, key)
