"""The time a scan was made on a phone that queued it offline (badge scanner, entrance desk)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app

from matchmaker.models.base import utcnow

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)


def max_age() -> timedelta:
    """How old a queued scan may be and still keep its own time (`OFFLINE_SCAN_MAX_AGE_DAYS`)."""
    return timedelta(days=current_app.config["OFFLINE_SCAN_MAX_AGE_DAYS"])


def scanned_at(raw, *, now: datetime | None = None) -> datetime | None:
    """The scan's own time from its ISO text if plausible (aware, not older than `max_age()`,
    not in the future beyond the clock skew); else None, and the caller records it as now."""
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return None
    now = now or utcnow()
    value = value.astimezone(UTC)
    return value if now - max_age() <= value <= now + CLOCK_SKEW else None
