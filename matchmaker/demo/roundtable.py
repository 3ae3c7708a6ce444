"""Demo roundtable wishes: buyers and associations rating each other for the demo fair."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.models import Exhibitor
from matchmaker.models.roundtable import WishDirection
from matchmaker.services.roundtable.wishes import set_wish

# A fixed pattern so the demo is the same every time: (buyer level, organisation level).
_PATTERN = [("must", "must"), ("like", "must"), ("must", None), ("like", "like"),
            (None, "like"), ("no", "must"), ("like", None), ("must", "like")]


def seed_roundtable(made: dict) -> None:
    """Wishes between every demo buyer and exhibiting organisation (the organiser then
    generates the timetable from Organiser → event → Roundtable scheduler)."""
    event = made.get("event")
    if event is None:
        return
    exhibiting = set(db.session.scalars(
        db.select(Exhibitor.organisation_id).where(Exhibitor.event_id == event.id)))
    organisations = [o for o in made.get("organisations", {}).values() if o.id in exhibiting]
    n = 0
    for buyer in made.get("buyers", []):
        for organisation in organisations:
            buyer_level, org_level = _PATTERN[n % len(_PATTERN)]
            n += 1
            if buyer_level:
                set_wish(event, buyer, organisation, WishDirection.BUYER, buyer_level)
            if org_level:
                set_wish(event, buyer, organisation, WishDirection.ORGANISATION, org_level)
    made["wishes"] = n
