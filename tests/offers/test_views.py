"""Offer pages over HTTP: composing, consent, public page, sheet, PDF, GeoJSON, suggestion."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from matchmaker.lotsheet import errors_only, geo
from matchmaker.models import OutboxMessage
from matchmaker.models.offers import ConsolidatedOffer, OfferLot, OfferRequest
from tests.factories import add_analysis, add_certificate, add_plot, login, make_lot, point


@pytest.fixture
def two_lots(app, infierno, tahuamanu):
    a = make_lot(infierno, volume_kg=Decimal("6000"), net_kg_per_bag=Decimal("62.5"),
                 price_usd_per_mt=Decimal("3800"))
    b = make_lot(tahuamanu, volume_kg=Decimal("5000"), net_kg_per_bag=Decimal("62.5"),
                 price_usd_per_mt=Decimal("3600"))
    add_analysis(a, moisture="7.0")
    add_analysis(b, moisture="8.0")
    add_certificate(a, "eu_organic")
    add_certificate(b, "eu_organic")
    add_certificate(a, "fairtrade")
    add_plot(a, "P-01")
    add_plot(b, "P-01", geometry=point("-69.300001", "-11.900001"))
    return a, b


def _compose(client, coop_rep, a, b):
    login(client, coop_rep)
    response = client.post("/my/offers/new", data={
        "name_es": "Contenedor Madre de Dios", "name_en": "Madre de Dios container",
        "target_volume_kg": "12500", "incoterm": "FOB", "incoterm_place": "Callao",
        "price_usd_per_mt": "3900", "exporter_of_record": "Agrobosque",
        "certificate_holder": "Agrobosque"})
    assert response.status_code == 302
    offer_url = response.headers["Location"]
    for lot, kg in ((a, "6000"), (b, "4000")):
        assert client.post(f"{offer_url}/lines", data={"lot_id": lot.id, "kg": kg}).status_code == 302
    client.post("/logout")
    return offer_url


def test_rep_composes_owner_approves_buyer_sees(app, db, client, coop_rep, infierno_rep,
                                                 tahuamanu_rep, factories, two_lots):
    a, b = two_lots
    offer_url = _compose(client, coop_rep, a, b)
    offer = db.session.scalar(db.select(ConsolidatedOffer))
    code = offer.offer_code
    # Not public yet.
    assert client.get(f"/offers/{code}").status_code == 404
    # The English-speaking rep got an English notice.
    notice = db.session.scalar(db.select(OutboxMessage).where(
        OutboxMessage.recipient == tahuamanu_rep.email))
    assert "asks to include lot" in notice.subject
    for rep in (infierno_rep, tahuamanu_rep):
        login(client, rep)
        page = client.get("/my/offers/").get_data(as_text=True)
        assert code in page
        line = db.session.scalar(db.select(OfferLot).join(OfferLot.lot).where(
            OfferLot.offer_id == offer.id, OfferLot.lot.has(organisation_id=rep.organisation_id)))
        assert client.post(f"/my/offers/lines/{line.id}/approve").status_code == 302
        client.post("/logout")
    login(client, coop_rep)
    assert client.post(f"{offer_url}/publish").status_code == 302
    client.post("/logout")
    db.session.expire_all()
    assert db.session.get(ConsolidatedOffer, offer.id).status == "published"

    html = client.get(f"/offers/{code}").get_data(as_text=True)
    assert "10,000 kg" in html or "10.000 kg" in html
    assert "80.0 %" in html or "80,0 %" in html  # share of a 12.5 MT container
    assert "Asociación Infierno" in html and "Asociación Tahuamanu" in html
    assert 'role="img"' in html
    # Fairtrade only covers Infierno's 6,000 of 10,000 kg: shown as a share, never as all.
    assert "60.0" in html or "60,0" in html
    listing = client.get("/offers/?min_mt=10").get_data(as_text=True)
    assert code in listing
    assert code not in client.get("/offers/?min_mt=10.5").get_data(as_text=True)
    assert client.get("/offers/?min_mt=abc").status_code == 200

    buyer = factories.user("buyer")
    login(client, buyer)
    response = client.post(f"/offers/{code}/sample", data={"message": "500 g please"})
    assert response.status_code == 302
    assert db.session.scalar(db.select(OfferRequest)).message == "500 g please"
    geojson = client.get(f"/offers/{code}/plots.geojson")
    assert geojson.status_code == 200
    doc = json.loads(geojson.data)
    assert len(doc["features"]) == 2
    assert errors_only(geo.validate_eudr_collection(geojson.get_data(as_text=True))) == []

    sheet = client.get(f"/offers/{code}/sheet").get_data(as_text=True)
    assert "<svg" in sheet and code in sheet
    pdf = client.get(f"/offers/{code}/sheet.pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert code in text and "Asociación Tahuamanu" in text
    # Codes printed before offers had /q/ tokens hand over to the counted scan URL.
    scanned = client.get(f"/offers/q/{offer.qr_token}")
    assert scanned.status_code == 302 and "/q/" in scanned.headers["Location"]
    scanned = client.get(scanned.headers["Location"])
    assert scanned.status_code == 302 and scanned.headers["Location"].endswith(f"/offers/{code}")


def test_oversold_line_keeps_the_form(app, db, client, coop_rep, tahuamanu_rep, two_lots):
    a, b = two_lots
    offer_url = _compose(client, coop_rep, a, b)
    # Only the owner's approval commits kilograms (a pending request holds none).
    line = db.session.scalar(db.select(OfferLot).where(OfferLot.lot_id == b.id))
    login(client, tahuamanu_rep)
    assert client.post(f"/my/offers/lines/{line.id}/approve").status_code == 302
    client.post("/logout")
    login(client, coop_rep)
    other = client.post("/my/offers/new", data={"name_es": "Otro", "target_volume_kg": "1000",
                                                "incoterm": "FCA"})
    other_url = other.headers["Location"]
    response = client.post(f"{other_url}/lines", data={"lot_id": b.id, "kg": "1000.5"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "1000.5" in html  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(OfferLot)) == 2
    assert offer_url


def test_others_cannot_edit_or_answer(app, db, client, coop_rep, infierno_rep, factories,
                                      two_lots):
    a, b = two_lots
    offer_url = _compose(client, coop_rep, a, b)
    login(client, infierno_rep)
    assert client.get(offer_url).status_code == 403
    assert client.post(f"{offer_url}/publish").status_code == 403
    assert client.get("/my/offers/new").status_code == 403  # an association, not a cooperative
    line_b = db.session.scalar(db.select(OfferLot).where(OfferLot.lot_id == b.id))
    assert client.post(f"/my/offers/lines/{line_b.id}/approve").status_code == 403
    client.post("/logout")
    login(client, factories.user("buyer"))
    assert client.get("/my/offers/").status_code == 403


def test_suggestion_page_and_request(app, db, client, coop, coop_rep, factories, two_lots):
    a, b = two_lots
    buyer = factories.user("buyer")
    login(client, buyer)
    query = "wanted_mt=7&certification=eu_organic&mode=price"
    html = client.get(f"/offers/suggest?{query}").get_data(as_text=True)
    # Cheapest first: all 5,000 kg of Tahuamanu at 3,600, then 2,000 kg of Infierno.
    assert b.lot_code in html and a.lot_code in html
    assert "3,657.14" in html  # (5000·3600 + 2000·3800) / 7000
    response = client.post("/offers/suggest/request", data={
        "recipients": "cooperative", "message": "Hola", "query": query})
    assert response.status_code == 302
    request = db.session.scalar(db.select(OfferRequest))
    assert request.kind == "consolidation" and request.wanted_kg == Decimal(7000)
    assert f"{b.lot_code}:5000" in request.lots_summary
    mails = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.kind == "offer_consolidation_request")).all()
    assert [m.recipient for m in mails] == [coop_rep.email]
    bad = client.get("/offers/suggest?wanted_mt=-1")
    assert bad.status_code == 422
