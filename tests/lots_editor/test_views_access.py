"""Every write route of the lot editor: anonymous → log in, buyer/other rep → 403, own rep OK."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from matchmaker.extensions import db
from matchmaker.services.lots import certificates, photos, sensory
from tests.factories import make_draft_lot, make_user
from tests.lots_editor.conftest import complete_lot, jpeg_file

LOT_ROUTES = [
    "/publish", "/withdraw", "/duplicate", "/identity", "/origin", "/post-harvest", "/terms",
    "/eudr", "/photos", "/photos/{photo}/captions", "/photos/{photo}/move",
    "/photos/{photo}/delete", "/analyses/new", "/analyses/{analysis}/edit",
    "/analyses/{analysis}/delete", "/sensory/new?protocol=coex_liquor",
    "/sensory/{evaluation}/edit", "/sensory/{evaluation}/delete", "/certificates/new",
    "/certificates/{certificate}/edit", "/certificates/{certificate}/delete",
    "/plots/coordinates", "/plots/geojson", "/plots/{plot}/delete",
]
READ_ROUTES = ["", "/photos", "/analyses", "/sensory", "/certificates", "/plots", "/identity"]


@pytest.fixture
def full_lot(org, db):
    lot = complete_lot(make_draft_lot(org))
    photo = photos.add_photo(lot, jpeg_file())
    evaluation = sensory.save_evaluation(
        lot, scores={a.code: Decimal(2) for a in sensory.applicable_attributes("coex_liquor")},
        protocol="coex_liquor", evaluator="Panel", evaluated_on=date(2026, 8, 1),
        global_quality=Decimal(7), flavour_notes_en="Nutty")
    cert = certificates.save_certificate(
        lot, scheme="fairtrade", holder="Coop", certificate_no="1", certifier_name="FLOCERT",
        status="certified", valid_from=date(2025, 1, 1), valid_to=date(2027, 1, 1),
        verify_url="https://example.test/c")
    db.session.commit()
    ids = {"photo": photo.id, "analysis": lot.analyses[0].id, "evaluation": evaluation.id,
           "certificate": cert.id, "plot": lot.plots[0].id}
    return lot, ids


def _url(lot, route, ids):
    return f"/my/lots/{lot.lot_code}" + route.format(**ids)


@pytest.mark.parametrize("route", LOT_ROUTES)
def test_anonymous_is_sent_to_log_in(client, full_lot, route):
    lot, ids = full_lot
    response = client.post(_url(lot, route, ids), data={})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("route", LOT_ROUTES)
@pytest.mark.parametrize("who", ["buyer", "other_rep"])
def test_buyers_and_other_reps_are_refused(client, login_as, full_lot, other_org, route, who):
    lot, ids = full_lot
    user = make_user("buyer") if who == "buyer" else make_user("rep", organisation=other_org)
    login_as(user)
    assert client.post(_url(lot, route, ids), data={}).status_code == 403


def test_rep_suspended_after_log_in_is_refused(client, login_as, full_lot, rep):
    lot, _ids = full_lot
    login_as(rep)
    rep.is_approved = False
    db.session.commit()
    assert client.post(f"/my/lots/{lot.lot_code}/identity", data={}).status_code == 403


@pytest.mark.parametrize("route", LOT_ROUTES)
@pytest.mark.parametrize("who", ["rep", "organiser"])
def test_own_rep_and_organiser_may_write(client, login_as, full_lot, rep, route, who):
    lot, ids = full_lot
    login_as(rep if who == "rep" else make_user("organiser"))
    response = client.post(_url(lot, route, ids), data={})
    # Empty forms are refused as invalid (422) or acted on (302), never forbidden.
    assert response.status_code in (200, 302, 409, 422)
    if response.status_code == 302:
        assert "/login" not in response.headers["Location"]


@pytest.mark.parametrize("route", READ_ROUTES)
def test_editor_pages_render_for_own_rep_and_are_closed_to_others(
        client, login_as, full_lot, rep, other_org, route):
    lot, ids = full_lot
    login_as(make_user("rep", organisation=other_org))
    assert client.get(_url(lot, route, ids)).status_code == 403
    client.post("/logout")
    login_as(rep)
    response = client.get(_url(lot, route, ids))
    assert response.status_code == 200
    assert lot.lot_code in response.get_data(as_text=True)


def test_unknown_lot_is_404(client, login_as, rep):
    login_as(rep)
    assert client.get("/my/lots/PE-NOPE-1").status_code == 404
    assert client.post("/my/lots/PE-NOPE-1/publish").status_code == 404


def test_child_of_another_lot_is_404(client, login_as, full_lot, org, rep):
    lot, ids = full_lot
    other = make_draft_lot(org)
    login_as(rep)
    response = client.post(f"/my/lots/{other.lot_code}/plots/{ids['plot']}/delete")
    assert response.status_code == 404
    assert len(lot.plots) == 1


def test_create_closed_to_buyers_and_anonymous(client, login_as):
    assert "/login" in client.post("/my/lots/new").headers["Location"]
    login_as(make_user("buyer"))
    assert client.get("/my/lots/").status_code == 403
    assert client.post("/my/lots/new", data={}).status_code == 403


def test_menu_shows_my_lots_to_reps_only(client, login_as, rep):
    assert "/my/lots/" not in client.get("/").get_data(as_text=True)
    login_as(rep)
    assert 'href="/my/lots/"' in client.get("/").get_data(as_text=True)
