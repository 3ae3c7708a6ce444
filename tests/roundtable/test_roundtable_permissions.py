"""Who may do what: organisers run, adjust and publish; buyers and reps only rate."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import ScheduleRun
from matchmaker.services.roundtable import runs
from tests.factories import make_user

ORGANISER_URLS = [
    ("get", "/roundtable/{slug}/"),
    ("post", "/roundtable/{slug}/runs"),
    ("get", "/roundtable/runs/{run}"),
    ("get", "/roundtable/runs/{run}/progress"),
    ("post", "/roundtable/runs/{run}/cancel"),
    ("post", "/roundtable/runs/{run}/move"),
    ("post", "/roundtable/runs/{run}/swap"),
    ("post", "/roundtable/runs/{run}/add"),
    ("post", "/roundtable/runs/{run}/drafts"),
    ("post", "/roundtable/runs/{run}/rerun"),
    ("post", "/roundtable/runs/{run}/publish"),
]


@pytest.fixture
def queued(fair, request_ctx):
    run = runs.start_run(fair.event, fair.organiser)
    db.session.commit()
    return run


@pytest.mark.parametrize(("method", "template"), ORGANISER_URLS)
@pytest.mark.parametrize("who", ["anonymous", "buyer", "rep"])
def test_organiser_pages_refused_to_others(fair, queued, client, login_as, method, template,
                                           who):
    if who == "buyer":
        client = login_as(fair.buyers[0])
    elif who == "rep":
        client = login_as(fair.reps[0])
    url = template.format(slug=fair.event.slug, run=queued.id)
    response = getattr(client, method)(url, data={"time_limit_s": 5})
    expected = (302,) if who == "anonymous" else (403,)
    assert response.status_code in expected
    if who == "anonymous":
        assert "/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(ScheduleRun, queued.id).status == "queued"
    assert db.session.scalar(db.select(db.func.count()).select_from(ScheduleRun)) == 1


def test_organiser_may_not_rate(fair, login_as):
    client = login_as(fair.organiser)
    assert client.get(f"/roundtable/{fair.event.slug}/wishes").status_code == 403


def test_unapproved_rep_may_not_rate(fair, login_as, app):
    # Log-in refuses unapproved reps, so put the session in place by hand.
    pending = make_user("rep", organisation=fair.orgs[0], is_approved=False)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = pending.get_id()
        session["_fresh"] = True
    response = client.get(f"/roundtable/{fair.event.slug}/wishes")
    assert response.status_code in (302, 403)  # refused by the user loader or by the view


def test_wishes_need_login(fair, client):
    response = client.get(f"/roundtable/{fair.event.slug}/wishes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
