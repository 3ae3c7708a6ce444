"""`flask seed-demo` loads a believable fair once; a second run changes nothing."""

from __future__ import annotations

import pytest

from matchmaker.demo import people
from matchmaker.models import Event, Exhibitor, Organisation, User
from tests.demo_snapshot import load_demo

pytestmark = pytest.mark.slow  # seeds the whole demo fair


def counts(db) -> dict:
    def n(model, *where):
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))

    return {
        "organisations": n(Organisation), "events": n(Event), "exhibitors": n(Exhibitor),
        "organisers": n(User, User.role == "organiser"), "reps": n(User, User.role == "rep"),
        "pending_reps": n(User, User.role == "rep", User.is_approved.is_(False)),
        "buyers": n(User, User.role == "buyer"),
    }


def test_seed_demo_once(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    first = counts(db)
    assert first["organisations"] == len(people.ORGANISATIONS) == 8
    assert first["events"] == 1
    assert first["exhibitors"] == len(people.BOOTHS)
    assert first["organisers"] == 1
    assert first["reps"] == len(people.REPS) + 1 and first["pending_reps"] == 1
    assert first["buyers"] == len(people.BUYERS)

    infierno = db.session.scalar(db.select(Organisation).where(Organisation.ruc == "20490000022"))
    assert infierno.cooperative.name == "Cooperativa Agrobosque"
    organiser = db.session.scalar(db.select(User).where(User.role == "organiser"))
    assert organiser.check_password(people.DEMO_PASSWORD)

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert "nothing done" in again.output
    assert counts(db) == first


def test_seeded_home_page_shows_the_fair(client):
    assert load_demo()
    html = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "ExpoAmazónica 2026" in html
    assert "Asociación Agroforestal de la Comunidad Nativa Infierno" in html and "Stand A-01" in html


def test_demo_logins_work(client):
    assert load_demo()
    response = client.post("/login", data={"email": "rosa.mishaja@infierno.demo", "password": people.DEMO_PASSWORD})
    assert response.status_code == 302
    client.post("/logout")
    response = client.post("/login", data={"email": "nuevo.socio@infierno.demo", "password": people.DEMO_PASSWORD})
    assert response.status_code == 403  # waiting for approval, as the demo shows
