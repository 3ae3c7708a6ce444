"""Event-local time: meetings are stored in UTC and shown in the fair's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time


def zone_of(event) -> ZoneInfo:
    return ZoneInfo(event.timezone or "America/Lima")


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a day in a zone."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def local(moment: datetime, event) -> datetime:
    """A UTC instant as a wall-clock datetime in the event's zone."""
    return moment.astimezone(zone_of(event))


def hhmm(moment: datetime, event, locale: str = "es") -> str:
    """"10:20" in the event's zone (24-hour clock, as printed on fair programmes)."""
    return format_time(moment, "HH:mm", tzinfo=zone_of(event), locale=locale)


def day_label(moment: datetime | date, event, locale: str = "es") -> str:
    """"martes, 12 de mayo" / "Tuesday, 12 May" for an instant (in the event's zone) or a date."""
    if isinstance(moment, datetime):
        moment = local(moment, event).date()
    return format_date(moment, "EEEE d MMMM", locale=locale)


def slot_label(starts_at: datetime, ends_at: datetime, event, locale: str = "es") -> str:
    """"Tuesday 12 May, 10:20–10:40" in the event's zone."""
    return (
        f"{day_label(starts_at, event, locale)}, "
        f"{hhmm(starts_at, event, locale)}–{hhmm(ends_at, event, locale)}"
    )


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)
