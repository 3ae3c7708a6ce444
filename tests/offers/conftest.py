"""Offer fixtures: a cooperative with two member associations and their reps."""

from __future__ import annotations

from datetime import date

import pytest

TODAY = date.today()


@pytest.fixture
def coop(factories):
    return factories.organisation(name="Cooperativa Agrobosque", kind="cooperative",
                                  community="Puerto Maldonado")


@pytest.fixture
def infierno(factories, coop):
    return factories.organisation(name="Asociación Infierno", community="CN Infierno",
                                  cooperative_id=coop.id)


@pytest.fixture
def tahuamanu(factories, coop):
    return factories.organisation(name="Asociación Tahuamanu", community="Iberia",
                                  cooperative_id=coop.id)


@pytest.fixture
def coop_rep(factories, coop):
    return factories.user("rep", organisation=coop, locale="es")


@pytest.fixture
def infierno_rep(factories, infierno):
    return factories.user("rep", organisation=infierno, locale="es")


@pytest.fixture
def tahuamanu_rep(factories, tahuamanu):
    return factories.user("rep", organisation=tahuamanu, locale="en")


@pytest.fixture
def ctx(app):
    """A request context in English, so services' gettext has a locale to use."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
