"""Home page and event pages, in both languages."""

from __future__ import annotations

from datetime import date, timedelta


def test_home_shows_current_event_with_exhibitors(client, factories):
    event = factories.event(name="ExpoAmazónica Test")
    organisation = factories.organisation(name="Asociación Infierno Test")
    from matchmaker.extensions import db
    from matchmaker.services.events import register_exhibitor

    register_exhibitor(event, organisation, "a-01")
    db.session.commit()
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "ExpoAmazónica Test" in html
    assert "Asociación Infierno Test" in html
    assert "Booth A-01" in html


def test_home_prefers_running_event_over_past_one(client, factories):
    factories.event(name="Past Fair", starts_on=date.today() - timedelta(days=400))
    factories.event(name="Next Fair", starts_on=date.today() + timedelta(days=10))
    html = client.get("/").get_data(as_text=True)
    assert "Next Fair" in html and "Past Fair" not in html


def test_unpublished_event_is_hidden_from_visitors(client, factories):
    event = factories.event(is_published=False)
    assert client.get(f"/events/{event.slug}").status_code == 404
