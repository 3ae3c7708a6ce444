"""Demo roundtable: two sessions of 20-minute meetings at 8 tables, with booked meetings."""

from __future__ import annotations

from datetime import time, timedelta

from matchmaker.models.base import utcnow
from matchmaker.services.meetings import booking
from matchmaker.services.meetings.sessions import SessionSetup, save_session, set_attendance

# (buyer index, organisation key, session index, slot index, answered?)
BOOKINGS = [
    (0, "infierno", 1, 1, True),
    (1, "infierno", 1, 2, False),
    (2, "tahuamanu", 1, 1, True),
    (3, "huallaga", 1, 4, False),
    (4, "amazonas", 2, 0, True),
    (5, "agrobosque", 2, 3, True),
    (0, "huallaga", 2, 5, False),
    (9, "infierno", 1, 1, False),  # a second Infierno rep attends, so slot 1 has two seats
]


def seed_meetings(made: dict) -> None:
    """Sessions on the demo fair's second day (so everything can still be booked), attending
    reps, and a mix of requested and accepted meetings between demo buyers and associations."""
    event = made["event"]
    day = event.starts_on + timedelta(days=1)
    sessions = [
        save_session(event, None, SessionSetup(
            name="Rueda internacional · mañana", day=day, starts_local=time(9),
            ends_local=time(12, 40), meeting_minutes=20, table_count=8, expiry_hours=24,
            breaks=[(time(10, 40), time(11))],
        )),
        save_session(event, None, SessionSetup(
            name="Rueda internacional · tarde", day=day, starts_local=time(14, 30),
            ends_local=time(17, 30), meeting_minutes=20, table_count=8, expiry_hours=24,
            breaks=[(time(15, 50), time(16, 10))],
        )),
    ]
    sessions[1].tables[0].label = "Sala virtual"
    sessions[1].tables[0].video_url = "https://meet.example.org/expoamazonica-mesa-1"
    organisations = made["organisations"]
    reps = {rep.organisation_id: [] for rep in made["reps"]}
    for rep in made["reps"]:
        reps[rep.organisation_id].append(rep)
    for organisation in organisations.values():
        set_attendance(event, organisation, reps.get(organisation.id, []))
    now = utcnow()
    lots = made.get("lots", {})
    meetings = []
    for buyer_index, key, session_index, slot_index, answered in BOOKINGS:
        organisation = organisations[key]
        slot = sessions[session_index - 1].slots[slot_index]
        meeting = booking.request_meeting(
            made["buyers"][buyer_index], organisation, slot, now=now,
            message="We are looking for fine-flavour lots for the next season.",
            lots=[lots[key]] if key in lots and lots[key].is_published else [],
        )
        if answered:
            booking.accept(meeting, reps[organisation.id][0], now=now)
        meetings.append(meeting)
    made["roundtable_sessions"] = sessions
    made["meetings"] = meetings
