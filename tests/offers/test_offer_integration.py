"""Offers wired into the rest of the site: QR codes and scans, leads, meetings, the JSON API."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import zxingcpp
from pypdf import PdfReader

from matchmaker.extensions import db
from matchmaker.models.leads import Lead, LeadSource
from matchmaker.models.offers import ConsolidatedOffer
from matchmaker.models.qr import QrKind, QrToken, Scan
from matchmaker.services.offers import composing
from tests.factories import (
    add_analysis,
    add_certificate,
    add_plot,
    login,
    make_event,
    make_exhibitor,
    make_lot,
)
from tests.printing.test_printing_pdf import rasterise_filled_rectangles

EN = {"Accept-Language": "en"}


@pytest.fixture
def published(app, coop, infierno, tahuamanu, coop_rep, infierno_rep, tahuamanu_rep):
    """A published offer of the cooperative: 6 t from Infierno, 4 t from Tahuamanu."""
    harvest = {"harvest_start": date(2025, 4, 1), "harvest_end": date(2025, 8, 31)}
    a = make_lot(infierno, volume_kg=Decimal("6000"), net_kg_per_bag=Decimal("62.5"),
                 price_usd_per_mt=Decimal("3800"), **harvest)
    b = make_lot(tahuamanu, volume_kg=Decimal("5000"), net_kg_per_bag=Decimal("62.5"),
                 price_usd_per_mt=Decimal("3600"), **harvest)
    for lot in (a, b):
        add_analysis(lot, moisture="7.0")
        add_certificate(lot, "eu_organic")
        add_plot(lot)
    add_certificate(a, "fairtrade")
    with app.test_request_context(headers=EN):
        offer = composing.create_offer(coop, offer_code="AGB-TEST-1", name_en="MDD container",
                                       target_volume_kg="12000", incoterm="FOB",
                                       incoterm_place="Callao")
        for lot, kg, rep in ((a, "6000", infierno_rep), (b, "4000", tahuamanu_rep)):
            line = composing.set_line(offer, lot, kg, actor=coop_rep)
            composing.answer_line(line, rep, approve=True)
        composing.publish_offer(offer)
        db.session.commit()
    return offer


@pytest.fixture
def fair(coop):
    """The running fair where the cooperative exhibits."""
    event = make_event()
    make_exhibitor(event, coop)
    return event


def _leads(organisation):
    return db.session.scalars(db.select(Lead).where(Lead.organisation_id == organisation.id)).all()


# 1. QR codes --------------------------------------------------------------------------------

def test_offer_pdf_qr_is_a_counted_scan_url_and_a_buyer_scan_becomes_a_lead(
        app, client, published, fair, coop, factories):
    code = published.offer_code
    pdf = client.get(f"/offers/{code}/sheet.pdf", headers=EN)
    decoded = [b.text for b in zxingcpp.read_barcodes(
        rasterise_filled_rectangles(PdfReader(io.BytesIO(pdf.data)), 0))]
    assert len(decoded) == 1 and decoded[0].startswith("http://fair.test/q/")
    token = db.session.scalar(db.select(QrToken).where(QrToken.kind == QrKind.OFFER))
    assert token.offer_id == published.id and decoded[0].endswith(token.token)
    # The HTML sheet prints the same code (one active token per offer).
    assert decoded[0] in client.get(f"/offers/{code}/sheet", headers=EN).get_data(as_text=True)

    path = decoded[0].removeprefix("http://fair.test")
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].endswith(f"/offers/{code}")
    scan = db.session.scalar(db.select(Scan))
    assert scan.token_id == token.id and scan.event_id == fair.id and scan.user_id is None
    assert _leads(coop) == []

    buyer = factories.user("buyer")
    login(client, buyer)
    assert client.get(path).status_code == 200  # asked, never made a lead by a GET
    assert db.session.scalar(db.select(db.func.count()).select_from(Scan)) == 2
    assert _leads(coop) == []
    assert client.post(f"{path}/lead").headers["Location"].endswith(f"/offers/{code}")
    [lead] = _leads(coop)
    assert lead.buyer_id == buyer.id and lead.event_id == fair.id
    assert [s.kind for s in lead.sources] == ["offer_scan"]
    # Printing again reuses the token: sheets already handed out keep working.
    again = client.get(f"/offers/{code}/sheet.pdf", headers=EN)
    assert [b.text for b in zxingcpp.read_barcodes(
        rasterise_filled_rectangles(PdfReader(io.BytesIO(again.data)), 0))] == decoded


def test_old_offer_qr_url_hands_over_to_the_counted_scan(client, published, fair):
    legacy = client.get(f"/offers/q/{published.qr_token}")
    assert legacy.status_code == 302 and "/q/" in legacy.headers["Location"]
    final = client.get(legacy.headers["Location"])
    assert final.status_code == 302
    assert final.headers["Location"].endswith(f"/offers/{published.offer_code}")
    assert db.session.scalar(db.select(db.func.count()).select_from(Scan)) == 1
    assert client.get("/offers/q/not-a-token").status_code == 404


def test_reissued_offer_code_answers_410_and_only_the_cooperative_may_reissue(
        client, published, coop_rep, infierno_rep):
    pdf = client.get(f"/offers/{published.offer_code}/sheet.pdf", headers=EN)
    assert pdf.status_code == 200
    token = db.session.scalar(db.select(QrToken).where(QrToken.offer_id == published.id))
    login(client, infierno_rep)
    assert client.post(f"/qr/{token.token}/reissue").status_code == 403
    client.post("/logout")
    login(client, coop_rep)
    codes = client.get("/qr/codes", headers=EN).get_data(as_text=True)
    assert f"/q/{token.token}" in codes and "0 escaneos" in codes  # the rep reads Spanish
    assert client.post(f"/qr/{token.token}/reissue").status_code == 302
    assert client.get(f"/q/{token.token}").status_code == 410
    fresh = db.session.scalar(db.select(QrToken).where(QrToken.offer_id == published.id,
                                                       QrToken.is_active.is_(True)))
    assert fresh.token != token.token
    assert client.get(f"/q/{fresh.token}").status_code == 302


def test_draft_offer_sheet_prints_the_page_address(client, coop_rep, coop, app):
    with app.test_request_context(headers=EN):
        offer = composing.create_offer(coop, offer_code="AGB-DRAFT", name_es="Borrador",
                                       target_volume_kg="1000")
        db.session.commit()
    login(client, coop_rep)
    assert client.get(f"/offers/{offer.offer_code}/sheet", headers=EN).status_code == 200
    assert db.session.scalar(db.select(QrToken)) is None
    assert isinstance(offer, ConsolidatedOffer)


# 2. Requests become leads -------------------------------------------------------------------

def test_offer_sample_request_is_a_lead_of_the_cooperative(client, published, fair, coop,
                                                             infierno, factories):
    buyer = factories.user("buyer")
    login(client, buyer)
    response = client.post(f"/offers/{published.offer_code}/sample", data={"message": "1 kg"})
    assert response.status_code == 302
    [lead] = _leads(coop)
    assert lead.buyer_id == buyer.id and lead.event_id == fair.id
    assert [s.kind for s in lead.sources] == ["sample_request"]
    assert _leads(infierno) == []  # the request went to the cooperative only


def _suggest_and_request(client, buyer, recipients):
    login(client, buyer)
    query = "wanted_mt=7&mode=price"
    assert client.get(f"/offers/suggest?{query}").status_code == 200
    response = client.post("/offers/suggest/request", data={
        "recipients": recipients, "message": "Hola", "query": query})
    assert response.status_code == 302


@pytest.fixture
def free_lots(app, infierno, tahuamanu):
    return (make_lot(infierno, volume_kg=Decimal("6000"), price_usd_per_mt=Decimal("3800")),
            make_lot(tahuamanu, volume_kg=Decimal("5000"), price_usd_per_mt=Decimal("3600")))


def test_suggest_request_to_the_cooperative_is_its_meeting_request_lead(
        client, free_lots, fair, coop, infierno, factories):
    buyer = factories.user("buyer")
    _suggest_and_request(client, buyer, "cooperative")
    [lead] = _leads(coop)
    assert lead.buyer_id == buyer.id
    assert [s.kind for s in lead.sources] == ["meeting_request"]
    assert _leads(infierno) == []


def test_suggest_request_to_the_associations_is_a_lead_for_each_with_its_lots(
        client, free_lots, coop, infierno, tahuamanu, factories):
    a, b = free_lots
    event = make_event()
    for org in (infierno, tahuamanu):
        make_exhibitor(event, org)
    buyer = factories.user("buyer")
    _suggest_and_request(client, buyer, "associations")
    assert _leads(coop) == []
    for org, lot in ((infierno, a), (tahuamanu, b)):
        [lead] = _leads(org)
        assert lead.event_id == event.id
        assert [s.kind for s in lead.sources] == ["meeting_request"]
        assert [x.lot_code for x in lead.lots] == [lot.lot_code]
    assert db.session.scalar(db.select(db.func.count()).select_from(LeadSource)) == 2


# 3. Meetings about an offer -----------------------------------------------------------------

def test_buyer_books_a_meeting_about_the_offer(client, published, coop, coop_rep, infierno,
                                              factories):
    from datetime import date, timedelta

    from pypdf import PdfReader as Reader

    from matchmaker.models import Meeting
    from tests.factories import make_session

    event = make_event(starts_on=date.today() + timedelta(days=3))
    make_exhibitor(event, coop)
    make_exhibitor(event, infierno)
    session = make_session(event)
    code = published.offer_code
    buyer = factories.user("buyer", locale="en")
    login(client, buyer)
    offer_page = client.get(f"/offers/{code}", headers=EN).get_data(as_text=True)
    book_url = f"/meetings/book/{coop.slug}?offer={code}"
    assert book_url in offer_page
    page = client.get(f"{book_url}&event={event.slug}", headers=EN).get_data(as_text=True)
    assert f"About offer {code}:" in page and "MDD container" in page
    # Another organisation, an unknown or a misspelt offer: not found.
    assert client.get(f"/meetings/book/{infierno.slug}?offer={code}").status_code == 404
    assert client.get(f"/meetings/book/{coop.slug}?offer=NOPE").status_code == 404
    slot = session.slots[0]
    response = client.post(f"{book_url}&event={event.slug}",
                           data={"slot_id": slot.id, "message": "About the container"})
    assert response.status_code == 302
    meeting = db.session.scalar(db.select(Meeting))
    assert meeting.offer_id == published.id and meeting.organisation_id == coop.id

    detail = client.get(f"/meetings/{meeting.id}", headers=EN).get_data(as_text=True)
    assert f"/offers/{code}" in detail and "MDD container" in detail
    ics = client.get(f"/meetings/{meeting.id}.ics").get_data(as_text=True).replace("\r\n ", "")
    assert f"About offer {code}: MDD container" in ics
    client.post("/logout")
    login(client, coop_rep)
    agenda = client.get(f"/agenda/?event={event.slug}", headers=EN).get_data(as_text=True)
    assert f"Oferta {code}" in agenda  # the rep reads Spanish
    mine = client.get("/meetings/").get_data(as_text=True)
    assert f"Oferta {code}" in mine
    pdf = client.get(f"/agenda/{event.slug}.pdf", headers=EN)
    assert pdf.mimetype == "application/pdf"
    assert code in "".join(p.extract_text() for p in Reader(io.BytesIO(pdf.data)).pages)
    # Withdrawing the offer keeps the meeting (SET NULL on delete, history intact).
    db.session.delete(published)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).offer_id is None


def test_request_meeting_refuses_another_cooperatives_offer(app, published, infierno, factories):
    from datetime import date, timedelta

    from matchmaker.services.meetings import booking
    from tests.factories import make_session

    event = make_event(starts_on=date.today() + timedelta(days=3))
    make_exhibitor(event, infierno)
    session = make_session(event)
    buyer = factories.user("buyer")
    with app.test_request_context(headers=EN), pytest.raises(Exception) as caught:
        booking.request_meeting(buyer, infierno, session.slots[0], offer=published)
    assert getattr(caught.value, "code", None) == "offer_not_offered"


# 4. The JSON API ----------------------------------------------------------------------------

def _offer_spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_api_offer_responses_match_the_openapi_document(client, published):
    spec = _offer_spec(client)
    listing = client.get("/api/v1/offers").get_json()
    list_schema = spec["paths"]["/offers"]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    assert set(listing) == set(list_schema["properties"])
    assert set(listing["data"][0]) == set(spec["components"]["schemas"]["OfferSummary"][
        "properties"])
    detail = client.get(listing["data"][0]["url"].removeprefix("http://fair.test")).get_json()
    assert set(detail) == set(spec["components"]["schemas"]["OfferSheet"]["properties"])
    for parameter in spec["paths"]["/offers"]["get"]["parameters"]:
        example = {"min_mt": "1.5", "page": "1", "per_page": "5"}[parameter["name"]]
        assert client.get("/api/v1/offers", query_string={
            parameter["name"]: example}).status_code == 200, parameter["name"]
    assert client.get("/api/v1/offers?min_mt=abc").status_code == 400
    assert client.get("/api/v1/offers?min_mt=-1").status_code == 400


def test_api_offer_detail_values(client, published, infierno, tahuamanu):
    body = client.get(f"/api/v1/offers/{published.offer_code}").get_json()
    assert body["volume_kg"] == "10000.00" and body["volume"]["mt"] == "10.000"
    assert body["volume"]["bags"] == 160  # 6000/62.5 + 4000/62.5
    assert body["target_volume_kg"] == "12000.00"
    coverage = {c["scheme"]: c for c in body["certifications"]}
    assert coverage["eu_organic"]["is_full"] is True
    assert coverage["eu_organic"]["covered_kg"] == "10000.00"
    assert coverage["fairtrade"]["is_full"] is False
    assert coverage["fairtrade"]["covered_kg"] == "6000.00"
    assert coverage["fairtrade"]["covered_pct"] == "60.0"
    assert sorted((lot["organisation"], lot["kg"]) for lot in body["lots"]) == sorted(
        [(infierno.slug, "6000.00"), (tahuamanu.slug, "4000.00")])
    assert body["blend"]["moisture_pct"] == "7.0" and body["blend"]["unanalysed_lots"] == []
    assert body["production_period"] == {"start": "2025-04-01", "end": "2025-08-31"}
    assert body["eudr"]["plot_count"] == 2
    assert body["declared_grade"] == body["blend"]["worst_grade"]  # the blend's at publishing
    assert body["below_declared_grade"] is False and body["quality_updated_on"] is None


def test_api_offers_filter_pagination_and_404(client, published, coop, app):
    with app.test_request_context(headers=EN):
        draft = composing.create_offer(coop, offer_code="AGB-DRAFT", name_es="Borrador",
                                       target_volume_kg="1000")
        db.session.commit()
    body = client.get("/api/v1/offers?min_mt=10").get_json()
    assert [o["offer_code"] for o in body["data"]] == [published.offer_code]
    assert body["total"] == 1 and body["links"]["next"] is None
    assert client.get("/api/v1/offers?min_mt=10.5").get_json()["total"] == 0
    paged = client.get("/api/v1/offers?per_page=1&page=2").get_json()
    assert (paged["total"], paged["pages"], paged["page"], paged["data"]) == (1, 1, 2, [])
    assert "page=1" in paged["links"]["prev"]
    missing = client.get(f"/api/v1/offers/{draft.offer_code}")  # drafts are not public
    assert missing.status_code == 404 and missing.get_json()["error"]["status"] == 404
    assert client.get("/api/v1/offers/NOPE").status_code == 404
