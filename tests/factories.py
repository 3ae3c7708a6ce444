"""Factories: make_user, make_organisation, make_event … with sensible defaults and overrides."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.services import accounts
from matchmaker.services import events as event_service
from matchmaker.services.organisations import save_organisation

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def make_organisation(**overrides):
    n = next(_counter)
    fields = {
        "name": f"Asociación de Prueba {n}", "kind": "association", "ruc": None,
        "region": "Madre de Dios", "province": "Tambopata", "community": f"Comunidad {n}",
        "description_es": "Cacao agroforestal.", "description_en": "Agroforestry cacao.",
        "contact_email": "", "contact_phone": "", "website": "", "cooperative_id": None,
    }
    fields.update(overrides)
    organisation = save_organisation(None, **fields)
    db.session.commit()
    return organisation


def make_user(role: str = "buyer", **overrides):
    n = next(_counter)
    email = overrides.pop("email", f"{role}{n}@example.test")
    password = overrides.pop("password", PASSWORD)
    if role == "buyer":
        signup = accounts.BuyerSignup(
            name=overrides.pop("name", f"Buyer {n}"), email=email, password=password,
            company=overrides.pop("company", f"Cocoa Company {n}"),
            country=overrides.pop("country", "DE"),
            buyer_type=overrides.pop("buyer_type", "chocolate_maker"),
            locale=overrides.pop("locale", "en"),
            **overrides,
        )
        user = accounts.register_buyer(signup)
    else:
        organisation = overrides.pop("organisation", None)
        if role == "rep" and organisation is None:
            organisation = make_organisation()
        user = accounts.create_user(
            email=email, name=overrides.pop("name", f"{role.title()} {n}"), password=password,
            role=role, organisation=organisation, **overrides,
        )
    db.session.commit()
    return user


def make_event(**overrides):
    n = next(_counter)
    start = overrides.pop("starts_on", date.today())
    fields = {
        "name": f"Feria de Prueba {n}", "city": "Puerto Maldonado", "venue": "Centro",
        "starts_on": start, "ends_on": start + timedelta(days=2), "timezone": "America/Lima",
        "description_es": "Feria.", "description_en": "Fair.", "is_published": True,
    }
    fields.update(overrides)
    event = event_service.save_event(None, **fields)
    db.session.commit()
    return event


def login(client, user, password: str = PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def factories(app):
    """The factory functions, bound to the test's app context."""

    class Factories:
        organisation = staticmethod(make_organisation)
        user = staticmethod(make_user)
        event = staticmethod(make_event)

    return Factories


@pytest.fixture
def login_as(client):
    def _login(user, password: str = PASSWORD):
        login(client, user, password)
        return client

    return _login


# Meetings ---------------------------------------------------------------------------------

def make_session(event=None, **overrides):
    """A bookable roundtable session on the event's first day: 09:00–12:00, 20-minute meetings,
    a 10:20–10:40 break, 3 tables (8 slots)."""
    from datetime import time

    from matchmaker.services.meetings.sessions import SessionSetup, save_session

    event = event or make_event()
    fields = {
        "day": event.starts_on, "starts_local": time(9, 0), "ends_local": time(12, 0),
        "meeting_minutes": 20, "changeover_minutes": 0, "table_count": 3, "expiry_hours": 24,
        "breaks": [(time(10, 20), time(10, 40))], "name": "", "is_bookable": True,
    }
    fields.update(overrides)
    session = save_session(event, None, SessionSetup(**fields))
    db.session.commit()
    return session


def make_exhibitor(event, organisation=None, booth=None):
    organisation = organisation or make_organisation()
    exhibitor = event_service.register_exhibitor(
        event, organisation, booth or f"M-{next(_counter)}"
    )
    db.session.commit()
    return exhibitor


def make_meeting(slot=None, buyer=None, organisation=None, *, status="requested", now=None,
                 **overrides):
    """A booked meeting (requested by default; 'accepted' goes through the reps' answer)."""
    from datetime import UTC, datetime

    from matchmaker.services.meetings import booking

    if slot is None:
        event = make_event(starts_on=date.today() + timedelta(days=7))
        slot = make_session(event).slots[0]
    event = slot.session.event
    organisation = organisation or make_exhibitor(event).organisation
    from matchmaker.models import Exhibitor

    if db.session.scalar(db.select(Exhibitor).where(
        Exhibitor.event_id == event.id, Exhibitor.organisation_id == organisation.id
    )) is None:
        make_exhibitor(event, organisation)
    buyer = buyer or make_user("buyer")
    now = now or datetime.now(UTC)
    meeting = booking.request_meeting(buyer, organisation, slot, now=now, **overrides)
    if status == "accepted":
        rep = make_user("rep", organisation=organisation)
        booking.accept(meeting, rep, now=now)
    db.session.commit()
    return meeting

# End of meetings factories
