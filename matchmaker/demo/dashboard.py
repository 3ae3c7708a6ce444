"""Demo fair in progress for the dashboard: buyers checked in at the entrance, and a first
roundtable on the fair's opening morning whose meetings were held (or missed), with outcomes."""

from __future__ import annotations

from datetime import time, timedelta

from matchmaker.models.base import utcnow
from matchmaker.services import dashboard as dashboard_service
from matchmaker.services import outcomes
from matchmaker.services.meetings import booking
from matchmaker.services.meetings.sessions import SessionSetup, save_session

# (buyer index, organisation key, slot index, attendance, interest, samples?, volume, deal,
#  next step, days until it is due). Buyer/organisation pairs differ from demo/meetings.py:
# a buyer has one meeting per organisation and event.
HELD = [
    (6, "infierno", 0, "held", "high", True, "5_20", "25k_100k",
     "Enviar muestra de 1 kg y la prueba de corte", 2),
    (7, "agrobosque", 1, "held", "high", True, "gt_20", "gt_100k",
     "Cotizar un contenedor FOB Callao", -1),
    (8, "tahuamanu", 2, "held", "medium", True, "1_5", "5k_25k",
     "Enviar fotos del secado y la ficha del lote", 5),
    (11, "huallaga", 3, "held", "medium", False, "1_5", "lt_5k", "", None),
    (10, "amazonas", 4, "held", "low", False, "lt_1", None, "", None),
    (2, "agrobosque", 5, "no_show", "none", False, None, None,
     "Llamar para reprogramar la reunión", 1),
]
# Buyers scanned in at the entrance besides those who came to a meeting.
ALSO_CHECKED_IN = (0, 1, 4, 5)


def seed_dashboard(made: dict) -> None:
    """An opening-morning roundtable booked the day before, its meetings held with outcomes
    recorded (interest, samples, a deal range), one no-show, follow-ups due, and check-ins.

    The morning is fixed at 8:00 local on the first day, so a seed run earlier than that shows
    meetings already held: acceptable for a demo, and the figures are the same at any hour.
    """
    event = made.get("event")
    if event is None or "buyers" not in made:
        return
    session = save_session(event, None, SessionSetup(
        name="Rueda nacional · apertura", day=event.starts_on, starts_local=time(8),
        ends_local=time(10), meeting_minutes=20, table_count=6, expiry_hours=24,
    ))
    organisations, buyers, lots = made["organisations"], made["buyers"], made.get("lots", {})
    reps = {}
    for rep in made["reps"]:
        reps.setdefault(rep.organisation_id, rep)
    organiser = made.get("organiser")
    today = utcnow().date()
    held = []
    for (buyer_index, key, slot_index, attendance, interest, samples, volume, deal, step,
         due_in) in HELD:
        organisation = organisations[key]
        slot = session.slots[slot_index]
        lot = lots.get(key)
        lot_ids = [lot.id] if lot is not None and lot.is_published else []
        booked_at = slot.starts_at - timedelta(days=1)
        meeting = booking.request_meeting(
            buyers[buyer_index], organisation, slot, now=booked_at,
            message="Nos interesa conocer su cacao antes de la feria.",
            lots=[lot] if lot_ids else [])
        rep = reps[organisation.id]
        booking.accept(meeting, rep, now=booked_at + timedelta(hours=2))
        outcomes.record_outcome(meeting, rep, outcomes.OutcomeInput(
            attendance=attendance, interest_level=interest, lot_ids=lot_ids,
            samples_requested=samples, volume_range=volume, deal_value_range=deal,
            price_discussed="4 100 USD/t FOB" if deal else "", next_step=step,
            next_step_due=today + timedelta(days=due_in) if due_in is not None else None,
        ), now=slot.ends_at)
        held.append(meeting)
        if attendance == "held":
            dashboard_service.check_in(event, buyers[buyer_index], organiser)
    for index in ALSO_CHECKED_IN:
        dashboard_service.check_in(event, buyers[index], organiser)
    made["dashboard_meetings"] = held


__all__ = ["seed_dashboard"]
