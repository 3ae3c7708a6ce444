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
