"""Over HTTP: unavailable pages instead of 404, the withdraw warning, publishing below
target, the partner's preview and approval card, the composer's figures, suggestion → offer."""

from __future__ import annotations

from decimal import Decimal

from matchmaker.extensions import db
from matchmaker.models.offers import ConsolidatedOffer
from matchmaker.services.offers import composing
from tests.factories import add_analysis, add_certificate, login, make_lot

EN = {"Accept-Language": "en"}


def _login_en(client, user):
    user.locale = "en"
    db.session.commit()
    login(client, user)


def _offer(coop, **fields):
    defaults = {"name_es": "Contenedor", "name_en": "Container", "target_volume_kg": "12500",
                "incoterm": "FOB", "incoterm_place": "Callao",
                "price_usd_per_mt": Decimal("9900")}
    defaults.update(fields)
    return composing.create_offer(coop, **defaults)


def _published(coop, lot, owner_rep, kg="1000", **fields):
    offer = _offer(coop, **fields)
    line = composing.set_line(offer, lot, kg)
    if line.approval == "pending":
        composing.answer_line(line, owner_rep, approve=True)
    composing.publish_offer(offer)
    db.session.commit()
    return offer


def test_suspended_offer_answers_unavailable_not_404(app, client, ctx, coop, infierno,
                                                     infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("6000"), moq_kg=None)
    offer = _published(coop, lot, infierno_rep)
    other = _published(coop, make_lot(coop, moq_kg=None), None,
                       name_en="Other container")
    composing.on_lot_withdrawn(lot)
    db.session.commit()
    response = client.get(f"/offers/{offer.offer_code}", headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This offer is temporarily unavailable" in html and lot.lot_code in html
    assert f"/offers/{other.offer_code}" in html  # an alternative
    # A sample request on the paused offer gets the same page, and records nothing.
    assert client.post(f"/offers/{offer.offer_code}/sample").status_code == 200
    composing.withdraw_offer(offer)
    db.session.commit()
    gone = client.get(f"/offers/{offer.offer_code}", headers=EN)
    assert gone.status_code == 410 and "no longer available" in gone.get_data(as_text=True)
    # A draft that was never published stays unknown.
    draft = _offer(coop)
    db.session.commit()
    assert client.get(f"/offers/{draft.offer_code}").status_code == 404


def test_withdrawn_lot_reached_by_an_old_link_says_so(app, client, ctx, infierno, tahuamanu):
    from matchmaker.services.lots.editing import withdraw_lot

    lot = make_lot(infierno)
    alternative = make_lot(tahuamanu)
    withdraw_lot(lot)
    db.session.commit()
    response = client.get(f"/lots/{lot.lot_code}", headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This lot is temporarily unavailable" in html and alternative.lot_code in html
    never = make_lot(infierno, published=False)
    assert client.get(f"/lots/{never.lot_code}").status_code == 404


def test_withdrawing_a_lot_in_offers_asks_first(app, client, ctx, coop, infierno,
                                                infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("6000"), moq_kg=None)
    first = _published(coop, lot, infierno_rep)
    second = _published(coop, lot, infierno_rep)
    _login_en(client, infierno_rep)
    overview = client.get(f"/my/lots/{lot.lot_code}", headers=EN).get_data(as_text=True)
    assert "This lot is in 2 consolidated offers" in overview
    refused = client.post(f"/my/lots/{lot.lot_code}/withdraw", headers=EN)
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert first.offer_code in html and second.offer_code in html and "Withdraw anyway" in html
    db.session.expire_all()
    assert lot.is_published and first.status == "published"
    done = client.post(f"/my/lots/{lot.lot_code}/withdraw", data={"confirmed": "1"}, headers=EN)
    assert done.status_code == 302
    db.session.expire_all()
    assert not lot.is_published and {first.status, second.status} == {"suspended"}


def test_publishing_far_below_target_asks_for_confirmation(app, client, ctx, coop, coop_rep):
    lot = make_lot(coop, volume_kg=Decimal("6600"), moq_kg=None)
    offer = _offer(coop, target_volume_kg="20000")
    composing.set_line(offer, lot, "6600")
    db.session.commit()
    _login_en(client, coop_rep)
    mine = client.get("/my/offers/", headers=EN).get_data(as_text=True)
    assert "1 point to review" in mine  # 33 % of the target
    asked = client.post(f"/my/offers/{offer.offer_code}/publish", headers=EN)
    assert asked.status_code == 409 and "Publish with 33.0 % of the target?" in asked.get_data(
        as_text=True)
    db.session.expire_all()
    assert offer.status == "draft"
    assert client.post(f"/my/offers/{offer.offer_code}/publish",
                       data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert offer.status == "published"
    client.post("/logout")
    page = client.get(f"/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert "Volume reached so far: 6,600 kg of the 20,000 kg sought (33.0 %)." in page


def test_buyers_see_honest_label_for_a_partly_certified_organic_offer(app, client, ctx, coop):
    certified = make_lot(coop, volume_kg=Decimal("5000"), moq_kg=None)
    plain = make_lot(coop, volume_kg=Decimal("3000"), moq_kg=None)
    add_certificate(certified, "eu_organic")
    offer = _offer(coop, name_en="Organic container", target_volume_kg="8000")
    composing.set_line(offer, certified, "5000")
    composing.set_line(offer, plain, "3000")
    composing.publish_offer(offer)
    db.session.commit()
    page = client.get(f"/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert "Certified organic: 5,000 of 8,000 kg (62.5 %)" in page


def test_partner_previews_the_draft_and_sees_a_complete_approval_card(
        app, client, ctx, coop, infierno, tahuamanu, infierno_rep, tahuamanu_rep):
    a = make_lot(infierno, volume_kg=Decimal("8000"), moq_kg=None,
                 price_usd_per_mt=Decimal("8800"))
    b = make_lot(tahuamanu, volume_kg=Decimal("6000"), moq_kg=None)
    offer = _offer(coop, price_valid_until=None)
    composing.set_line(offer, a, "6600")
    composing.set_line(offer, b, "4000")
    db.session.commit()
    _login_en(client, infierno_rep)
    card = client.get("/my/offers/", headers=EN).get_data(as_text=True)
    for expected in ("asks for 6,600 kg of lot", "USD 9,900 / MT FOB Callao",
                     "USD 8,800 / MT", "FCA Puerto Maldonado", "Asociación Tahuamanu: 4,000 kg",
                     "Asociación Infierno: 6,600 kg", f"/offers/{offer.offer_code}"):
        assert expected in card, expected
    preview = client.get(f"/offers/{offer.offer_code}", headers=EN)
    assert preview.status_code == 200 and "Preview: this offer is not published" in (
        preview.get_data(as_text=True))
    client.post("/logout")
    stranger = make_lot(coop)  # noqa: F841 — the cooperative's own reps are not partners
    assert client.get(f"/offers/{offer.offer_code}").status_code == 404


def test_composer_list_shows_what_is_free_after_a_decline(app, client, ctx, coop, infierno,
                                                          coop_rep, infierno_rep):
    lot = make_lot(infierno, volume_kg=Decimal("5720"), moq_kg=None)
    offer = _offer(coop)
    line = composing.set_line(offer, lot, "5720")
    composing.answer_line(line, infierno_rep, approve=False)
    db.session.commit()
    _login_en(client, coop_rep)
    html = client.get(f"/my/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert "5,720 kg free · declined for this offer" in html and "11,440" not in html


def test_composer_figures_drop_as_soon_as_a_line_is_added(app, client, ctx, coop, coop_rep):
    """It once said 6,000 kg free beside a 3,000 kg line of a 6,000 kg lot."""
    lot = make_lot(coop, volume_kg=Decimal("6000"), moq_kg=None)
    offer = _offer(coop)
    db.session.commit()
    _login_en(client, coop_rep)
    html = client.get(f"/my/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert f"{lot.lot_code} · {coop.name} · 6,000 kg free" in html
    assert client.post(f"/my/offers/{offer.offer_code}/lines",
                       data={"lot_id": lot.id, "kg": "3000"}).status_code == 302
    html = client.get(f"/my/offers/{offer.offer_code}", headers=EN).get_data(as_text=True)
    assert f"{coop.name} · 3,000 kg free · 3,000 kg in this offer" in html
    row = html[html.index(f'<th scope="row">{lot.lot_code}'):]
    row = row[:row.index("</tr>")]
    assert row.count("<td>3,000</td>") == 2  # the line, and what is still free in the lot
    # The line may still grow to the whole lot: the save check allows 6,000, refuses more.
    assert client.post(f"/my/offers/{offer.offer_code}/lines",
                       data={"lot_id": lot.id, "kg": "6000"}).status_code == 302
    assert client.post(f"/my/offers/{offer.offer_code}/lines",
                       data={"lot_id": lot.id, "kg": "6001"}, headers=EN).status_code == 409


def test_cooperative_rep_turns_a_suggestion_into_an_offer(app, client, ctx, coop, infierno,
                                                          coop_rep, factories):
    lot = make_lot(infierno, volume_kg=Decimal("8000"), moq_kg=None, net_kg_per_bag=None,
                   bag_count=None)
    add_analysis(lot)
    _login_en(client, coop_rep)
    mine = client.get("/my/offers/", headers=EN).get_data(as_text=True)
    assert "/offers/suggest" in mine
    page = client.get("/offers/suggest?wanted_mt=5&mode=price", headers=EN).get_data(as_text=True)
    assert "Create an offer with these lots" in page
    assert "Send one request about these lots" not in page
    response = client.post("/my/offers/from-suggestion",
                           data={"query": "wanted_mt=5&mode=price", "recipients": "cooperative"},
                           headers=EN)
    assert response.status_code == 302
    offer = db.session.scalar(db.select(ConsolidatedOffer))
    assert response.headers["Location"].endswith(f"/my/offers/{offer.offer_code}")
    assert offer.target_volume_kg == Decimal(5000)
    [line] = offer.lines
    assert line.lot_id == lot.id and line.kg == Decimal(5000) and line.approval == "pending"
    # Associations and buyers do not get the button.
    buyer = factories.user("buyer")
    client.post("/logout")
    login(client, buyer)
    assert "Create an offer" not in client.get("/offers/suggest?wanted_mt=5&mode=price",
                                               headers=EN).get_data(as_text=True)
    assert client.post("/my/offers/from-suggestion",
                       data={"query": "wanted_mt=5&mode=price"}).status_code == 403
