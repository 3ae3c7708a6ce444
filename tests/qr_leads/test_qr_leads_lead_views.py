"""Lead pages and exports: permissions on every route, consent, annotation, round-trips."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from matchmaker.extensions import db
from matchmaker.models.leads import ContactConsent, Lead, LeadSource
from matchmaker.services import qr_codes
from matchmaker.services.leads import consent, recording
from tests.factories import login, make_user

LEAD_ROUTES = ["/leads", "/leads/export.csv", "/leads/export.xlsx", "/leads/scan"]


def _lead(fair, buyer=None, organisation=None, kind="interest", **kwargs):
    lead = recording.record_lead(buyer or fair.buyer, organisation or fair.organisation, kind,
                                 **kwargs)
    db.session.commit()
    return lead


def _client_as(app, user):
    client = app.test_client()
    if user is not None:
        login(client, user)
    # Assertions read the English column titles.
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


@pytest.mark.parametrize("route", LEAD_ROUTES + ["/leads/{lead}"])
@pytest.mark.parametrize("who", ["anonymous", "buyer", "other_rep"])
def test_lead_routes_refuse_outsiders(app, fair, other_org_rep, route, who):
    lead = _lead(fair)
    users = {"anonymous": None, "buyer": fair.buyer, "other_rep": other_org_rep}
    client = _client_as(app, users[who])
    response = client.get(route.format(lead=lead.id))
    if who == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    elif who == "other_rep" and route != "/leads/{lead}":
        # Another organisation's rep may use the pages, but never sees this lead.
        assert response.status_code == 200
        assert fair.buyer.name.encode() not in response.data
    else:
        assert response.status_code == 403


def test_scan_json_refuses_non_reps(app, fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    for user in (fair.buyer, fair.organiser):
        response = _client_as(app, user).post("/leads/scan.json", json={"code": token.token})
        assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 0


def test_buyer_contact_page_is_for_buyers_only(app, fair):
    for user in (fair.rep, fair.organiser):
        client = _client_as(app, user)
        assert client.get("/my-contacts").status_code == 403
        assert client.post(f"/my-contacts/{fair.organisation.id}", data={"shares": "0"}).status_code == 403


def test_rep_sees_own_leads_organiser_sees_all(app, fair, other_org_rep):
    other_buyer = make_user("buyer", name="Otto Other")
    _lead(fair)
    _lead(fair, buyer=other_buyer, organisation=other_org_rep.organisation)
    rep_page = _client_as(app, fair.rep).get("/leads").get_data(as_text=True)
    assert fair.buyer.name in rep_page and "Otto Other" not in rep_page
    organiser_page = _client_as(app, fair.organiser).get("/leads").get_data(as_text=True)
    assert fair.buyer.name in organiser_page and "Otto Other" in organiser_page
    filtered = _client_as(app, fair.organiser).get(
        f"/leads?organisation={other_org_rep.organisation.id}").get_data(as_text=True)
    assert "Otto Other" in filtered and fair.buyer.name not in filtered


def test_contact_hidden_without_consent_on_page_and_exports(app, fair):
    lead = _lead(fair)
    consent.set_consent(fair.buyer, fair.organisation, False)
    db.session.commit()
    client = _client_as(app, fair.rep)
    for url in ("/leads", f"/leads/{lead.id}"):
        html = client.get(url).get_data(as_text=True)
        assert fair.buyer.email not in html and "Chocolates Ñandú" in html
    response = client.get("/leads/export.csv", headers={"Accept-Language": "en"})
    header, row = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    record = dict(zip(header, row, strict=True))
    assert record["Company"] == "Chocolates Ñandú" and record["Contact shared"] == "no"
    assert record["E-mail"] == "" and record["Phone"] == ""
    assert fair.buyer.email not in row and "+49 30 1234" not in row


def test_buyer_withdraws_consent_from_contacts_page(app, fair):
    _lead(fair)
    client = _client_as(app, fair.buyer)
    page = client.get("/my-contacts").get_data(as_text=True)
    assert fair.organisation.name in page
    response = client.post(f"/my-contacts/{fair.organisation.id}", data={"shares": "0"})
    assert response.status_code == 302
    row = db.session.scalar(sa.select(ContactConsent))
    assert row.shares is False and row.organisation_id == fair.organisation.id
    client.post("/my-contacts/default", data={"shares": "0"})
    db.session.expire_all()
    assert fair.buyer.buyer_profile.share_contact_default is False


def test_rep_rates_and_annotates_a_lead(app, fair):
    lead = _lead(fair)
    client = _client_as(app, fair.rep)
    response = client.post(f"/leads/{lead.id}", data={
        "rating": "hot", "tags": "Organic, fine flavour", "lots": [str(fair.lot.id)],
        "notes": "Wants 2 MT", "follow_up_action": "Send sample", "follow_up_due": "2026-12-01"})
    assert response.status_code == 302
    db.session.expire_all()
    lead = db.session.get(Lead, lead.id)
    assert (lead.rating, lead.tags, lead.follow_up_due.isoformat()) == (
        "hot", "organic,fine flavour", "2026-12-01")
    assert [lot.id for lot in lead.lots] == [fair.lot.id]
    # Bad input keeps what was typed and writes nothing.
    too_many = ",".join(f"t{i}" for i in range(20))
    response = client.post(f"/leads/{lead.id}", data={"rating": "cold", "tags": too_many,
                                                       "notes": "kept text"})
    assert response.status_code == 422
    assert b"kept text" in response.data
    db.session.expire_all()
    assert db.session.get(Lead, lead.id).rating == "hot"


def test_manual_badge_entry_twice_updates_one_lead(app, fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    client = _client_as(app, fair.rep)
    for code in (token.token, qr_codes.short_url(token)):
        response = client.post("/leads/scan", data={"code": code})
        assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LeadSource)) == 2
    bad = client.post("/leads/scan", data={"code": "not-a-code"})
    assert bad.status_code == 422 and b"not-a-code" in bad.data


def test_scan_json_is_idempotent_per_client_key(app, fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    client = _client_as(app, fair.rep)
    body = {"code": token.token, "client_key": "0b7e-offline-1", "scanned_at": "2020-01-01T00:00:00Z"}
    first = client.post("/leads/scan.json", json=body)
    second = client.post("/leads/scan.json", json=body)
    assert first.status_code == second.status_code == 200
    assert first.json["lead_id"] == second.json["lead_id"]
    assert first.json["company"] == "Chocolates Ñandú"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LeadSource)) == 1
    refused = client.post("/leads/scan.json", json={"code": "nope", "client_key": "k2"})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "token_unknown"


def test_scan_json_needs_csrf_token_when_csrf_is_on(app, fair):
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    client = _client_as(app, fair.rep)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post("/leads/scan.json", json={"code": token.token})
        assert refused.status_code == 400
        page = client.get("/leads/scan").get_data(as_text=True)
        csrf = page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
        accepted = client.post("/leads/scan.json", json={"code": token.token},
                               headers={"X-CSRFToken": csrf})
        assert accepted.status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


INJECTIONS = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


def _export_fixture(fair):
    lead = _lead(fair, lot=fair.lot)
    lead.notes = INJECTIONS[0]
    lead.tags = "organic"
    lead.follow_up_action = INJECTIONS[3]
    fair.buyer.name = "+Núñez=cmd"
    db.session.commit()
    return lead


def test_csv_export_round_trip_with_bom_and_neutralised_cells(app, fair):
    _export_fixture(fair)
    response = _client_as(app, fair.rep).get("/leads/export.csv", headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    record = dict(zip(header, row, strict=True))
    assert record["Buyer"] == "'+Núñez=cmd"
    assert record["Notes"] == "'" + INJECTIONS[0]
    assert record["Follow-up action"] == "'" + INJECTIONS[3]
    assert record["Company"] == "Chocolates Ñandú"
    assert record["E-mail"] == fair.buyer.email  # consent by profile default
    assert record["Lots of interest"] == fair.lot.lot_code
    assert record["Sources"] == "Interested"
    assert record["Country"] == "Germany"


def test_xlsx_export_round_trip_neutralised(app, fair):
    _export_fixture(fair)
    response = _client_as(app, fair.organiser).get("/leads/export.xlsx",
                                                   headers={"Accept-Language": "en"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["Buyer"] == "'+Núñez=cmd"
    assert record["Notes"] == "'" + INJECTIONS[0]
    assert record["Organisation"] == fair.organisation.name
    assert record["Tags"] == "organic"


@pytest.mark.parametrize("query, expected", [
    ("rating=hot", 1), ("rating=cold", 0), ("source=badge_scan", 1), ("source=interest", 1),
    ("source=sample_request", 0), ("country=DE", 1), ("country=FR", 1),
    ("date_from=2000-01-01&date_to=2000-01-02", 0), ("rating=none", 1),
])
def test_export_filters(app, fair, query, expected):
    german = _lead(fair, kind="interest")
    german.rating = "hot"
    french = make_user("buyer", country="FR")
    _lead(fair, buyer=french, kind="badge_scan", by_user=fair.rep)
    db.session.commit()
    body = _client_as(app, fair.rep).get(f"/leads/export.csv?{query}").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    wanted = {"country=DE": 1, "country=FR": 1}.get(query, expected)
    assert len(rows) - 1 == wanted


def test_large_xlsx_export_runs_as_a_job_for_its_requester_only(app, fair):
    from matchmaker.models.qr import PrintJob

    _lead(fair)
    _lead(fair, buyer=make_user("buyer", name="Ana Quispe"))
    app.config["LEADS_XLSX_DIRECT_LIMIT"] = 1
    client = _client_as(app, fair.rep)
    asked = client.get("/leads/export.xlsx?rating=none")  # a GET only offers to prepare it
    assert asked.status_code == 200 and "2 leads" in asked.get_data(as_text=True)
    assert db.session.scalar(sa.select(PrintJob)) is None
    response = client.post("/leads/export.xlsx?rating=none")
    assert response.status_code == 302 and "/printables/jobs/" in response.headers["Location"]
    job = db.session.scalar(sa.select(PrintJob))
    assert job.kind == "leads_xlsx" and job.total == 2
    db.session.expire_all()
    status = client.get(f"/printables/jobs/{job.public_id}.json").json
    assert status["status"] == "done"
    download = client.get(status["download_url"], buffered=True)
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(download.data), read_only=True).active.iter_rows(
        values_only=True))
    assert len(rows) == 3 and {rows[1][2], rows[2][2]} == {fair.buyer.name, "Ana Quispe"}
    # Another viewer of leads (even an organiser) cannot fetch someone else's export.
    assert _client_as(app, fair.organiser).get(status["download_url"]).status_code == 403
