"""Issue #12 items 7 and 8: each root cause the fuzzing found, as its own regression test."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from defusedxml import ElementTree as ET
from openpyxl import load_workbook

from matchmaker.errors import ValidationFailed
from matchmaker.models import LotInterest, User
from matchmaker.services import accounts, interest
from matchmaker.uploads import check_pdf
from tests.demo_snapshot import load_demo
from tests.factories import real_pdf_bytes
from tests.foundation.test_accounts import signup_form
from tests.fuzz.test_numbers import login_as_demo

ES = {"Accept-Language": "es-PE,es;q=0.9"}
HOSTILE_TEXT = "El texto que envió contiene caracteres de control invisibles."
REP = "rosa.mishaja@infierno.demo"
BUYER = "anna.becker@schokolade.demo"
ORGANISER = "organiser@expoamazonica.demo"


@pytest.fixture
def demo(app):
    # A 500 must show as a status here, as it would in production.
    app.config.update(PROPAGATE_TEST_ERRORS=False, PROPAGATE_EXCEPTIONS=False)
    load_demo()
    return app


def _count(db, table) -> int:
    return db.session.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()


def _first(db, sql):
    return db.session.execute(sa.text(sql)).scalar()


@pytest.mark.parametrize("path", [
    "/files/lots/photos/{n}", "/files/lots/photos/{n}/thumb", "/files/lots/certificates/{n}",
    "/files/lots/{n}/eudr/legality", "/files/lots/analyses/{n}/report", "/meetings/{n}",
    "/meetings/{n}.ics", "/leads/{n}", "/admin/outbox/{n}", "/roundtable/runs/{n}",
])
@pytest.mark.parametrize("number", ["9" * 30, "2147483648", "9223372036854775808"])
def test_ids_beyond_the_database_range_are_404(client, login_as, factories, path, number):
    login_as(factories.user("organiser"))
    with client.get(path.format(n=number)) as response:
        assert response.status_code == 404


def test_thirty_digit_id_in_a_post_is_404_and_writes_nothing(demo, client, db):
    login_as_demo(client, ORGANISER)
    meetings = _count(db, "meeting")
    assert client.post("/meetings/" + "9" * 30 + "/cancel").status_code == 404
    assert client.post("/admin/users/" + "9" * 30 + "/approve").status_code == 404
    assert _count(db, "meeting") == meetings


def test_select_of_ids_beyond_range_is_refused(demo, client, db):
    login_as_demo(client, ORGANISER)
    session_id = _first(db, "SELECT id FROM roundtable_session ORDER BY id LIMIT 1")
    response = client.post(f"/admin/events/expoamazonica-2026/roundtable/sessions/{session_id}/tables",
                           data={"table_id": "-" + "9" * 30, "label": "", "video_url": ""})
    assert response.status_code in (302, 404, 422)


@pytest.mark.parametrize("url", ["/lots/?q=%00", "/lots/?q=a%00b", "/api/v1/lots?q=%00",
                                 "/offers/?min_mt=%00", "/organisations/?q=%01"])
def test_nul_and_control_characters_in_the_query_are_400(client, url):
    response = client.get(url, headers=ES)
    assert response.status_code == 400
    if not url.startswith("/api/"):
        assert HOSTILE_TEXT in response.get_data(as_text=True)
    else:
        assert response.json["error"]["status"] == 400


@pytest.mark.parametrize("company", ["Edel\x00kakao", "Edel\x01kakao", "\x1b[31mred"])
def test_nul_in_a_text_field_is_400_and_writes_nothing(client, db, company):
    response = client.post("/signup", data=signup_form(company=company), headers=ES)
    assert response.status_code == 400
    assert HOSTILE_TEXT in response.get_data(as_text=True)
    assert _count(db, "user_account") == 0


def test_tabs_and_line_breaks_are_not_control_characters(client, db):
    response = client.post("/signup", data=signup_form(company="Edel\tkakao\r\nGmbH"))
    assert response.status_code == 302
    assert _count(db, "user_account") == 1


@pytest.mark.parametrize("min_mt", ["1e999999", "-1e999999", "NaN", "Infinity", "-1", "100001"])
def test_absurd_min_mt_on_offers(client, min_mt):
    page = client.get("/offers/", query_string={"min_mt": min_mt})
    assert page.status_code == 200
    api = client.get("/api/v1/offers", query_string={"min_mt": min_mt})
    assert api.status_code == 400 and api.json["error"]["parameters"] == ["min_mt"]


@pytest.mark.parametrize("query", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"},
                                   {"date_from": "0001-01-01", "date_to": "9999-12-31"}])
def test_lead_filter_at_the_ends_of_the_calendar(demo, client, query):
    login_as_demo(client, REP)
    response = client.get("/leads", query_string=query)
    assert response.status_code == 200
    with client.get("/leads/export.csv", query_string=query) as export:
        assert export.status_code == 200


@pytest.mark.parametrize("body", [[], ["PE-BADGE"], "PE-BADGE", 12, None])
def test_scan_json_refuses_a_body_that_is_not_an_object(demo, client, db, body):
    login_as_demo(client, REP)
    leads = _count(db, "lead")
    response = client.post("/leads/scan.json", json=body)
    assert response.status_code == 400
    assert _count(db, "lead") == leads


def test_double_submitted_signup_is_409_not_500(client, db, monkeypatch):
    assert client.post("/signup", data=signup_form()).status_code == 302
    client.post("/logout")
    # The second request passed the "is the address free" check at the same moment.
    monkeypatch.setattr(accounts, "_ensure_email_free", lambda email: None)
    response = client.post("/signup", data=signup_form(), headers=ES)
    assert response.status_code == 409
    assert "Ya existe una cuenta con este correo electrónico." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_double_submitted_interest_is_409_not_500(demo, client, db, monkeypatch):
    login_as_demo(client, BUYER)
    lot_code = _first(db, "SELECT lot_code FROM lot WHERE is_published ORDER BY id LIMIT 1")
    first = client.post(f"/lots/{lot_code}/interest", data={"message": "Hola"})
    assert first.status_code in (302, 409)
    monkeypatch.setattr(interest, "has_interest", lambda lot, buyer: False)
    second = client.post(f"/lots/{lot_code}/interest", data={"message": "Hola"}, headers=ES)
    assert second.status_code == 409
    # Anna's account is in English, which wins over the browser's language.
    assert "You have already told this producer you are interested." in second.get_data(as_text=True)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(LotInterest).where(
        LotInterest.kind == "interested", LotInterest.buyer.has(User.email == BUYER)))
    assert count == 1


def test_control_characters_in_stored_names_keep_report_and_charts_valid(demo, app, client, db):
    # Stored before the input check existed, or through the command line.
    db.session.execute(sa.text("UPDATE organisation SET name = 'Coop\x01era' || name || '\x0b\x1f'"))
    db.session.execute(sa.text("UPDATE buyer_profile SET company = 'Kakao\x02\x08' || company"))
    db.session.commit()
    login_as_demo(client, ORGANISER)
    # The report is rendered by a background job now; render it the way the job does.
    from matchmaker.models import Event
    from matchmaker.services import report

    event = db.session.scalar(sa.select(Event).where(Event.slug == "expoamazonica-2026"))
    with app.test_request_context(headers=ES):
        workbook = load_workbook(io.BytesIO(report.report_xlsx(report.build_report(event))))
    texts = [str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True)
             for cell in row if cell is not None]
    assert any(text.startswith("Coopera") for text in texts)  # the control characters dropped
    page = client.get("/dashboard/events/expoamazonica-2026").get_data(as_text=True)
    keys = sorted(set(re.findall(r'/charts/([\w-]+)\.csv', page)))
    assert keys
    for key in keys:
        with client.get(f"/dashboard/events/expoamazonica-2026/charts/{key}.svg") as chart:
            assert chart.status_code == 200
            ET.fromstring(chart.get_data())  # well-formed XML


def test_upload_over_the_size_limit_is_the_413_page(demo, client, db, app):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    login_as_demo(client, REP)
    lot_code = _first(db, "SELECT lot_code FROM lot ORDER BY id LIMIT 1")
    photos = _count(db, "lot_photo")
    response = client.post(f"/my/lots/{lot_code}/photos", headers=ES, data={
        "photo": (io.BytesIO(b"\xff\xd8" + b"0" * 200_000), "big.jpg"), "caption_es": "Grande"})
    assert response.status_code == 413
    assert "El archivo es demasiado grande" in response.get_data(as_text=True)
    assert _count(db, "lot_photo") == photos


def test_lead_csv_names_its_charset_once(demo, client):
    login_as_demo(client, REP)
    with client.get("/leads/export.csv") as response:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


# PDFs are parsed, not sniffed -------------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"%PDF-1.4\nthis is not a pdf at all",
    b"%PDF-" + b"\x00" * 500,
    b"%PDF-1.7\n<html><script>alert(1)</script></html>",
])
def test_file_that_only_starts_like_a_pdf_is_refused(app, content):
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        check_pdf(content)
    assert refused.value.code == "not_a_pdf"


def test_real_pdf_is_accepted(app):
    with app.test_request_context():
        check_pdf(real_pdf_bytes())


def test_fake_pdf_upload_refused_in_the_editor(demo, client, db):
    login_as_demo(client, REP)
    lot_code = _first(db, "SELECT lot_code FROM lot ORDER BY id LIMIT 1")
    response = client.post(f"/my/lots/{lot_code}/eudr", headers=ES, data={
        "legality_file": (io.BytesIO(b"%PDF-1.4\nnot really"), "titulo.pdf")})
    assert response.status_code == 422
    assert "Solo se aceptan documentos PDF" in response.get_data(as_text=True)
