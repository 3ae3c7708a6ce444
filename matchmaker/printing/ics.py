"""iCalendar (.ics) files for booked meetings, with VTIMEZONE so clients show the fair's zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODID = "-//matchmaker//meetings//ES"


def meeting_event(
    uid: str,
    start: datetime,
    end: datetime,
    tz_name: str,
    summary: str,
    description: str = "",
    location: str = "",
    url: str | None = None,
    *,
    sequence: int = 0,
    stamp: datetime | None = None,
) -> Event:
    """Build a VEVENT in tz_name; naive start/end are read as local times in that zone.

    uid must be stable per meeting (e.g. "meeting-42@host") so that a re-download replaces
    the event instead of duplicating it; bump sequence when the meeting changes.

    Raises:
        ValueError: if end is not after start.
        zoneinfo.ZoneInfoNotFoundError: if tz_name is not an IANA zone.
    """
    zone = ZoneInfo(tz_name)
    local_start = _in_zone(start, zone)
    local_end = _in_zone(end, zone)
    if local_end <= local_start:
        raise ValueError("a meeting must end after it starts")
    return Event.new(
        uid=uid,
        start=local_start,
        end=local_end,
        summary=summary,
        description=description or None,
        location=location or None,
        url=url,
        sequence=sequence,
        stamp=stamp,
    )


def calendar_bytes(events: Iterable[Event], name: str) -> bytes:
    """Serialise events into one VCALENDAR named name, with a VTIMEZONE for each zone used."""
    calendar = Calendar.new(prodid=PRODID, name=name, method="PUBLISH", calscale="GREGORIAN")
    for event in events:
        calendar.add_component(event)
    # Without VTIMEZONE, clients that do not know the TZID (older Outlook) fall back to
    # floating or UTC times and show meetings at the wrong hour.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)
