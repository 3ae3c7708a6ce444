"""The code printed under every badge QR: its alphabet, parsing, storage, and where it shows."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models.qr import QrToken
from matchmaker.printing.qr import (
    MANUAL_CODE_ALPHABET,
    format_manual_code,
    new_manual_code,
    parse_manual_code,
)
from matchmaker.services import printables, qr_codes
from matchmaker.services.leads.badges import scan_badge
from tests.factories import login, make_user
from tests.printing.test_printing_pdf import rasterise_filled_rectangles

PRINTED_CODE = re.compile(r"\b([2-9A-Z]{4})-([2-9A-Z]{4})\b")


def test_the_alphabet_has_no_look_alikes():
    assert not set("0O1IL") & set(MANUAL_CODE_ALPHABET)
    codes = {new_manual_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(MANUAL_CODE_ALPHABET) for c in codes)


@pytest.mark.parametrize(("typed", "stored"), [
    ("K7MQ-2XRD", "K7MQ2XRD"), ("k7mq2xrd", "K7MQ2XRD"), (" k7mq 2xrd ", "K7MQ2XRD"),
    ("K7MQ-2XR", None), ("K7MQ-2XR0", None), ("https://fair.test/q/abc", None), ("", None),
])
def test_typed_codes_are_normalised(typed, stored):
    assert parse_manual_code(typed) == stored


def test_format_groups_by_four():
    assert format_manual_code("K7MQ2XRD") == "K7MQ-2XRD"


def test_every_badge_gets_a_unique_code_and_other_codes_none(app, fair):
    second = make_user("buyer")
    first_badge = qr_codes.badge_token(fair.event, fair.buyer)
    second_badge = qr_codes.badge_token(fair.event, second)
    lot_token = qr_codes.lot_token(fair.lot)
    db.session.commit()
    assert first_badge.manual_code and second_badge.manual_code
    assert first_badge.manual_code != second_badge.manual_code
    assert lot_token.manual_code is None
    # The database refuses a duplicate, whatever the service does.
    twin = QrToken(token="twin-token", kind="badge", event=fair.event, buyer=make_user("buyer"),
                   manual_code=first_badge.manual_code)
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_printed_code_resolves_and_a_replaced_one_is_refused(app, fair, request_context):
    badge = qr_codes.badge_token(fair.event, fair.buyer)
    old_code = badge.manual_code
    assert qr_codes.resolve_scanned(old_code.lower()) == badge
    fresh = qr_codes.reissue(badge)
    assert fresh.manual_code != old_code
    assert qr_codes.resolve_scanned(format_manual_code(fresh.manual_code)) == fresh
    with pytest.raises(DomainError) as caught:
        qr_codes.resolve_scanned(old_code)
    assert caught.value.code == "token_revoked"


def test_a_rep_turns_a_typed_code_into_a_lead(app, fair):
    code = qr_codes.badge_token(fair.event, fair.buyer).manual_code
    db.session.commit()
    client = app.test_client()
    login(client, fair.rep)
    response = client.post("/leads/scan", data={"code": format_manual_code(code).lower()})
    assert response.status_code == 302
    with app.test_request_context():
        lead = scan_badge(fair.rep, code)
    assert lead.buyer_id == fair.buyer.id


def test_the_printed_badge_shows_the_code_of_its_qr(app, fair, request_context):
    second = make_user("buyer", name="Ana Quispe")
    reader = PdfReader(io.BytesIO(printables.badges(fair.event)))
    db.session.commit()
    text = reader.pages[0].extract_text()
    printed = {a + b for a, b in PRINTED_CODE.findall(text)}
    decoded = {b.text for b in zxingcpp.read_barcodes(rasterise_filled_rectangles(reader, 0))}
    assert len(printed) == 2 and len(decoded) == 2
    for buyer in (fair.buyer, second):
        token = qr_codes.active_token("badge", event=fair.event, buyer=buyer)
        assert token.manual_code in printed
        assert qr_codes.short_url(token) in decoded
        # What a desk types from the print leads to the same badge as the scanned QR.
        assert qr_codes.resolve_scanned(format_manual_code(token.manual_code)) == \
            qr_codes.resolve_scanned(qr_codes.short_url(token))


def test_the_phone_badge_shows_the_code(app, fair):
    client = app.test_client()
    login(client, fair.buyer)
    html = client.get("/qr/badge").get_data(as_text=True)
    code = db.session.scalar(sa.select(QrToken.manual_code).where(QrToken.kind == "badge"))
    assert format_manual_code(code) in html
