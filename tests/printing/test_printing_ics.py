"""Meeting calendars: parsed back with icalendar, times stay in the fair's zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest
from icalendar import Calendar

from matchmaker.printing.ics import calendar_bytes, meeting_event

LIMA = ZoneInfo("America/Lima")


def lima_meeting(**overrides):
    values = {
        "uid": "meeting-42@feria.example.pe",
        "start": datetime(2025, 7, 10, 9, 30),
        "end": datetime(2025, 7, 10, 9, 50),
        "tz_name": "America/Lima",
        "summary": "Reunión: Cooperativa Ñuñu × Chocolates Añazco",
        "description": "Lote CC-001, humedad ≤ 7 %",
        "location": "Mesa 4, Pabellón Amazonía",
        "url": "https://feria.example.pe/meetings/42",
    }
    values.update(overrides)
    return meeting_event(**values)


def parse(payload: bytes) -> Calendar:
    assert payload.startswith(b"BEGIN:VCALENDAR\r\n")
    return Calendar.from_ical(payload)


def test_event_round_trips_in_lima_time():
    calendar = parse(calendar_bytes([lima_meeting()], "Feria del Cacao"))
    [event] = calendar.events
    assert event.start == datetime(2025, 7, 10, 9, 30, tzinfo=LIMA)
    assert event.end == datetime(2025, 7, 10, 9, 50, tzinfo=LIMA)
    assert event.start.utcoffset() == timedelta(hours=-5)
    assert event["DTSTART"].params["TZID"] == "America/Lima"
    assert str(event["UID"]) == "meeting-42@feria.example.pe"
    assert str(event["SUMMARY"]) == "Reunión: Cooperativa Ñuñu × Chocolates Añazco"
    assert str(event["DESCRIPTION"]) == "Lote CC-001, humedad ≤ 7 %"
    assert str(event["LOCATION"]) == "Mesa 4, Pabellón Amazonía"
    assert str(event["URL"]) == "https://feria.example.pe/meetings/42"
    assert "DTSTAMP" in event


def test_calendar_carries_a_vtimezone_for_lima_and_its_name():
    payload = calendar_bytes([lima_meeting()], "Feria del Cacao")
    calendar = parse(payload)
    assert [timezone.tz_name for timezone in calendar.timezones] == ["America/Lima"]
    assert calendar.get_missing_tzids() == set()
    assert str(calendar["X-WR-CALNAME"]) == "Feria del Cacao"
    assert str(calendar["VERSION"]) == "2.0"
    assert b"DTSTART;TZID=America/Lima:20250710T093000" in payload


def test_aware_times_are_converted_into_the_event_zone():
    event = lima_meeting(
        start=datetime(2025, 7, 10, 14, 30, tzinfo=UTC),
        end=datetime(2025, 7, 10, 14, 50, tzinfo=UTC),
    )
    payload = calendar_bytes([event], "Feria")
    assert b"DTSTART;TZID=America/Lima:20250710T093000" in payload
    [parsed] = parse(payload).events
    assert parsed.start == datetime(2025, 7, 10, 14, 30, tzinfo=UTC)
    assert parsed.start.astimezone(LIMA).hour == 9


def test_each_zone_used_gets_its_own_vtimezone():
    madrid = lima_meeting(uid="meeting-43@feria.example.pe", tz_name="Europe/Madrid")
    calendar = parse(calendar_bytes([lima_meeting(), madrid], "Feria"))
    assert sorted(timezone.tz_name for timezone in calendar.timezones) == [
        "America/Lima",
        "Europe/Madrid",
    ]
    assert len(calendar.events) == 2


def test_sequence_and_stamp_are_kept():
    stamp = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    [event] = parse(calendar_bytes([lima_meeting(sequence=3, stamp=stamp)], "Feria")).events
    assert event.sequence == 3
    assert event.stamp == stamp


def test_empty_optional_texts_are_left_out():
    [event] = parse(
        calendar_bytes([lima_meeting(description="", location="", url=None)], "Feria")
    ).events
    assert "DESCRIPTION" not in event
    assert "LOCATION" not in event
    assert "URL" not in event


@pytest.mark.parametrize("minutes", [0, -20])
def test_meeting_must_end_after_it_starts(minutes):
    start = datetime(2025, 7, 10, 9, 30)
    with pytest.raises(ValueError, match="end after it starts"):
        lima_meeting(start=start, end=start + timedelta(minutes=minutes))


def test_unknown_zone_is_rejected():
    with pytest.raises(ZoneInfoNotFoundError):
        lima_meeting(tz_name="America/Atlantis")
