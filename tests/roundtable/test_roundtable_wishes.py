"""Wishes: the weight function, saving one's own side, and the wishes page."""

from __future__ import annotations

import pytest

from matchmaker.errors import NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Wish
from matchmaker.services.roundtable import wishes
from tests.factories import make_organisation, make_user


@pytest.mark.parametrize(("buyer", "org", "weight"), [
    ("must", "must", 100), ("must", "like", 40), ("like", "must", 40),
    ("must", None, 30), (None, "must", 30), ("like", "like", 20),
    ("like", None, 10), (None, "like", 10), (None, None, None),
    ("no", "must", None), ("must", "no", None), ("no", None, None), ("like", "no", None),
])
def test_pair_weight(buyer, org, weight):
    assert wishes.pair_weight(buyer, org) == weight


def test_mutual_must_outweighs_any_two_lesser_meetings():
    # A mutual must is worth more than two must+like meetings, so it is never traded away.
    assert wishes.pair_weight("must", "must") > 2 * wishes.pair_weight("must", "like")


def test_buyer_saves_and_clears_own_wishes(fair, request_ctx):
    buyer, (a, b, _c) = fair.buyers[0], fair.orgs
    assert wishes.save_wishes(fair.event, buyer, {a.id: "must", b.id: "no"}) == 2
    db.session.commit()
    assert wishes.own_wishes(fair.event, buyer) == {a.id: "must", b.id: "no"}
    assert wishes.save_wishes(fair.event, buyer, {a.id: "like", b.id: ""}) == 2
    db.session.commit()
    assert wishes.own_wishes(fair.event, buyer) == {a.id: "like"}
    pair = wishes.event_pairs(fair.event)[(buyer.id, a.id)]
    assert (pair.buyer_level, pair.organisation_level, pair.weight) == ("like", None, 10)


def test_rep_rates_buyers_for_their_organisation(fair, request_ctx):
    rep, buyer = fair.reps[1], fair.buyers[2]
    wishes.save_wishes(fair.event, rep, {buyer.id: "must"})
    db.session.commit()
    wish = db.session.scalar(db.select(Wish))
    assert (wish.organisation_id, wish.buyer_id, wish.direction) == (
        fair.orgs[1].id, buyer.id, "organisation")


def test_refusals(fair, request_ctx):
    outsider = make_organisation()
    with pytest.raises(ValidationFailed) as error:
        wishes.save_wishes(fair.event, fair.buyers[0], {outsider.id: "must"})
    assert error.value.code == "not_exhibiting"
    with pytest.raises(ValidationFailed) as error:
        wishes.save_wishes(fair.event, fair.buyers[0], {fair.orgs[0].id: "maybe"})
    assert error.value.code == "bad_level"
    with pytest.raises(NotAllowed) as error:
        wishes.save_wishes(fair.event, fair.organiser, {})
    assert error.value.code == "not_a_participant"
    with pytest.raises(NotAllowed) as error:
        wishes.save_wishes(fair.event, make_user("rep", organisation=outsider), {})
    assert error.value.code == "not_exhibiting"
    pending = make_user("rep", organisation=fair.orgs[0], is_approved=False)
    with pytest.raises(NotAllowed):
        wishes.save_wishes(fair.event, pending, {fair.buyers[0].id: "must"})
    assert db.session.scalar(db.select(db.func.count()).select_from(Wish)) == 0


def test_wishes_page_buyer_round_trip(fair, login_as):
    client = login_as(fair.buyers[0])
    url = f"/roundtable/{fair.event.slug}/wishes"
    page = client.get(url)
    assert page.status_code == 200
    for org in fair.orgs:
        assert org.name in page.get_data(as_text=True)
    a, b, c = fair.orgs
    response = client.post(url, data={f"level-{a.id}": "must", f"level-{b.id}": "no",
                                      f"level-{c.id}": ""})
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert f'name="level-{a.id}" value="must" checked' in html
    assert f'name="level-{b.id}" value="no" checked' in html
    assert wishes.own_wishes(fair.event, fair.buyers[0]) == {a.id: "must", b.id: "no"}


def test_wishes_page_rep_lists_buyers_with_company(fair, login_as):
    client = login_as(fair.reps[0])
    html = client.get(f"/roundtable/{fair.event.slug}/wishes").get_data(as_text=True)
    assert "Chocolatier 3" in html
    response = client.post(f"/roundtable/{fair.event.slug}/wishes",
                           data={f"level-{fair.buyers[3].id}": "like"})
    assert response.status_code == 302
    assert wishes.own_wishes(fair.event, fair.reps[0]) == {fair.buyers[3].id: "like"}


def test_wishes_home_redirects_to_the_only_event(fair, login_as):
    response = login_as(fair.buyers[0]).get("/roundtable/wishes")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/roundtable/{fair.event.slug}/wishes")
