"""Organisers reach the badges and posters page from every screen of their event."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.services.roundtable import runs


def test_event_dashboard_and_roundtable_screens_link_to_printables(wished_fair, login_as,
                                                                    request_ctx):
    fair = wished_fair
    run = runs.start_run(fair.event, fair.organiser, time_limit_s=5)
    db.session.commit()
    runs.execute(run.id)
    client = login_as(fair.organiser)
    link = f'href="/printables/events/{fair.event.slug}"'
    for url in (f"/admin/events/{fair.event.slug}", f"/dashboard/events/{fair.event.slug}",
                f"/roundtable/{fair.event.slug}/", f"/roundtable/runs/{run.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert link in response.get_data(as_text=True), url
    assert client.get(f"/printables/events/{fair.event.slug}").status_code == 200
