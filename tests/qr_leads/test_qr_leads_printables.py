"""Printables: posters, label sheets and badges read back with pypdf, QR codes decoded."""

from __future__ import annotations

import io

import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from matchmaker.extensions import db
from matchmaker.models.qr import PrintJob, QrToken
from tests.factories import login, make_user
from tests.printing.test_printing_pdf import rasterise_filled_rectangles


def _client_as(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _decoded(reader: PdfReader, page: int = 0) -> list[str]:
    return sorted(b.text for b in zxingcpp.read_barcodes(rasterise_filled_rectangles(reader, page)))


def test_booth_poster_is_bilingual_with_working_codes(app, fair):
    response = _client_as(app, fair.rep).get(
        f"/printables/events/{fair.event.slug}/booths/{fair.exhibitor.id}/poster.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = reader.pages[0].extract_text()
    assert fair.organisation.name in text and fair.lot.lot_code in text
    assert "Stand A-1" in text and "Booth A-1" in text
    tokens = {t.kind: t.token for t in db.session.scalars(sa.select(QrToken))}
    assert _decoded(reader) == sorted(
        f"http://fair.test/q/{tokens[kind]}" for kind in ("booth", "lot"))


def test_poster_permissions(app, fair, other_org_rep):
    url = f"/printables/events/{fair.event.slug}/booths/{fair.exhibitor.id}/poster.pdf"
    assert _client_as(app, other_org_rep).get(url).status_code == 403
    assert _client_as(app, fair.buyer).get(url).status_code == 403
    assert _client_as(app, fair.organiser).get(url).status_code == 200


def test_label_sheet_has_the_lot_code_under_every_code(app, fair):
    client = _client_as(app, fair.rep)
    response = client.get(f"/printables/lots/{fair.lot.lot_code}/labels.pdf?count=23")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2  # 21 labels (Avery L7160) per sheet
    assert reader.pages[0].extract_text().count(fair.lot.lot_code) == 21
    assert reader.pages[1].extract_text().count(fair.lot.lot_code) == 2
    token = db.session.scalar(sa.select(QrToken).where(QrToken.kind == "lot"))
    decoded = _decoded(reader, 1)
    assert decoded == [f"http://fair.test/q/{token.token}"] * 2
    refused = client.get(f"/printables/lots/{fair.lot.lot_code}/labels.pdf?count=0")
    assert refused.status_code == 302
    assert _client_as(app, fair.buyer).get(
        f"/printables/lots/{fair.lot.lot_code}/labels.pdf").status_code == 403


def test_badges_job_renders_every_buyer_with_progress(app, fair):
    second = make_user("buyer", name="Ana Quispe", company="Cacao Ñuñoa", country="CL")
    client = _client_as(app, fair.organiser)
    assert _client_as(app, fair.rep).post(
        f"/printables/events/{fair.event.slug}/jobs", data={"kind": "badges"}).status_code == 403
    response = client.post(f"/printables/events/{fair.event.slug}/jobs", data={"kind": "badges"})
    assert response.status_code == 302
    job = db.session.scalar(sa.select(PrintJob))
    db.session.expire_all()  # the job thread wrote through its own session
    status = client.get(f"/printables/jobs/{job.public_id}.json").json
    assert status["status"] == "done" and status["done"] == status["total"] == 2
    page = client.get(f"/printables/jobs/{job.public_id}")
    assert page.status_code == 200 and b"<progress" in page.data
    pdf = client.get(status["download_url"], buffered=True)
    reader = PdfReader(io.BytesIO(pdf.data))
    text = reader.pages[0].extract_text()
    assert fair.buyer.name in text and "Ana Quispe" in text and "Cacao Ñuñoa" in text
    tokens = db.session.scalars(sa.select(QrToken).where(QrToken.kind == "badge")).all()
    assert {t.buyer_id for t in tokens} == {fair.buyer.id, second.id}
    assert _decoded(reader) == sorted(f"http://fair.test/q/{t.token}" for t in tokens)
    assert _client_as(app, fair.rep).get(status["download_url"]).status_code == 403


def test_printables_index_shows_rep_only_their_booth(app, fair, other_org_rep):
    html = _client_as(app, other_org_rep).get(
        f"/printables/events/{fair.event.slug}").get_data(as_text=True)
    assert fair.organisation.name not in html and "B-2" in html
    assert _client_as(app, fair.buyer).get(f"/printables/events/{fair.event.slug}").status_code == 403
