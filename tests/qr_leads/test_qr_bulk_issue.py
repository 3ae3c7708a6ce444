"""Issuing a whole event's QR tokens at once (posters, badges): the same tokens one-by-one
issuing gives, idempotent, unique, a few statements in all, safe against a concurrent issuer."""

from __future__ import annotations

import io
import threading

import pytest
import sqlalchemy as sa
import zxingcpp
from pypdf import PdfReader

from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.models.qr import QrKind, QrToken
from matchmaker.printing.qr import MANUAL_CODE_ALPHABET
from matchmaker.services import events as event_service
from matchmaker.services import printables, qr_codes
from tests.factories import make_lot, make_organisation, make_user
from tests.lots_public.conftest import QueryCounter
from tests.printing.test_printing_pdf import rasterise_filled_rectangles


def _active(kind: str) -> list[QrToken]:
    return list(db.session.scalars(
        sa.select(QrToken).where(QrToken.kind == kind, QrToken.is_active.is_(True))))


def test_bulk_lot_tokens_are_the_tokens_ensure_token_gives(app, fair):
    lots = [fair.lot] + [make_lot(fair.organisation) for _ in range(4)]
    issued_before = qr_codes.lot_token(lots[1])
    tokens = qr_codes.lot_tokens(lots)
    db.session.commit()
    assert set(tokens) == {lot.id for lot in lots}
    assert tokens[lots[1].id].id == issued_before.id  # an existing token is kept
    for lot in lots:
        assert qr_codes.lot_token(lot).id == tokens[lot.id].id
        assert tokens[lot.id].lot_id == lot.id and tokens[lot.id].kind == QrKind.LOT
    assert len(_active(QrKind.LOT)) == len(lots)


def test_bulk_booth_tokens_carry_the_event_and_match_ensure_token(app, fair, other_org_rep):
    exhibitors = event_service.exhibitors_of(fair.event)
    assert len(exhibitors) == 2
    tokens = qr_codes.booth_tokens(exhibitors)
    db.session.commit()
    for exhibitor in exhibitors:
        assert tokens[exhibitor.id].event_id == fair.event.id
        assert qr_codes.booth_token(exhibitor).id == tokens[exhibitor.id].id


def test_bulk_badges_are_idempotent_unique_and_each_has_its_code(app, fair):
    buyers = [fair.buyer] + [make_user("buyer") for _ in range(30)]
    first = qr_codes.badge_tokens(fair.event, buyers)
    db.session.commit()
    again = qr_codes.badge_tokens(fair.event, reversed(buyers))
    assert {buyer_id: token.id for buyer_id, token in first.items()} == {
        buyer_id: token.id for buyer_id, token in again.items()}
    rows = _active(QrKind.BADGE)
    assert len(rows) == len(buyers)
    assert len({row.token for row in rows}) == len(buyers)
    assert len({row.manual_code for row in rows}) == len(buyers)
    assert all(len(row.manual_code) == 8 and set(row.manual_code) <= set(MANUAL_CODE_ALPHABET)
               for row in rows)
    for buyer in buyers:
        assert qr_codes.badge_token(fair.event, buyer).id == first[buyer.id].id
        assert qr_codes.resolve_scanned(first[buyer.id].manual_code).buyer_id == buyer.id


def test_a_revoked_token_is_replaced_not_reused(app, fair, request_context):
    old = qr_codes.lot_token(fair.lot)
    fresh = qr_codes.reissue(old)
    db.session.commit()
    assert qr_codes.lot_tokens([fair.lot])[fair.lot.id].id == fresh.id
    assert len(_active(QrKind.LOT)) == 1


def test_badges_are_for_buyers_only(app, fair, request_context):
    with pytest.raises(DomainError) as caught:
        qr_codes.badge_tokens(fair.event, [fair.buyer, fair.rep])
    assert caught.value.code == "not_a_buyer"
    assert _active(QrKind.BADGE) == []


def test_statements_do_not_grow_with_the_number_of_badges(app, fair):
    def statements(count: int, event) -> int:
        ids = [make_user("buyer").id for _ in range(count)]
        buyers = list(db.session.scalars(sa.select(User).where(User.id.in_(ids))))
        with QueryCounter(db.engine) as counter:
            qr_codes.badge_tokens(event, buyers)
        db.session.commit()
        return counter.count

    from tests.factories import make_event

    assert statements(3, fair.event) == statements(40, make_event())


def test_tokens_issued_meanwhile_by_another_worker_are_read_not_duplicated(app, fair,
                                                                          monkeypatch):
    """The first read missed tokens that another worker inserted just after: the insert then
    hits the unique index, and what the other worker issued is read and returned."""
    lots = [fair.lot] + [make_lot(fair.organisation) for _ in range(3)]
    elsewhere = {lot.id: qr_codes.lot_token(lot).id for lot in lots[:2]}
    db.session.commit()
    real_read = qr_codes._active_tokens
    reads = []

    def stale_first_read(kind, column, ids, *conditions):
        reads.append(list(ids))
        return {} if len(reads) == 1 else real_read(kind, column, ids, *conditions)

    monkeypatch.setattr(qr_codes, "_active_tokens", stale_first_read)
    tokens = qr_codes.lot_tokens(lots)
    db.session.commit()
    assert len(reads) >= 2
    assert {lot_id: tokens[lot_id].id for lot_id in elsewhere} == elsewhere
    assert set(tokens) == {lot.id for lot in lots}
    assert len(_active(QrKind.LOT)) == len(lots)


def test_a_colliding_random_badge_code_is_drawn_again(app, fair, monkeypatch):
    taken = qr_codes.badge_token(fair.event, fair.buyer).manual_code
    db.session.commit()
    others = [make_user("buyer") for _ in range(3)]
    real_code = qr_codes.new_manual_code
    draws = iter([taken])
    monkeypatch.setattr(qr_codes, "new_manual_code", lambda: next(draws, None) or real_code())
    tokens = qr_codes.badge_tokens(fair.event, others)
    db.session.commit()
    codes = {token.manual_code for token in tokens.values()}
    assert len(codes) == 3 and taken not in codes
    assert len(_active(QrKind.BADGE)) == 4


def test_every_code_on_the_posters_is_the_lots_or_booths_token(app, fair, request_context):
    lots = [fair.lot] + [make_lot(fair.organisation) for _ in range(2)]
    reader = PdfReader(io.BytesIO(printables.booth_posters([fair.exhibitor])))
    db.session.commit()
    decoded = sorted(b.text for b in zxingcpp.read_barcodes(rasterise_filled_rectangles(reader, 0)))
    expected = [qr_codes.short_url(qr_codes.booth_token(fair.exhibitor))]
    expected += [qr_codes.short_url(qr_codes.lot_token(lot)) for lot in lots]
    assert decoded == sorted(expected)


@pytest.mark.postgres_only
def test_two_workers_printing_the_same_badges_at_once_share_the_tokens(app, fair, backend):
    if backend != "postgres":
        pytest.skip("SQLite serialises writers, so there is no race to provoke")
    buyer_ids = [make_user("buyer").id for _ in range(40)] + [fair.buyer.id]
    event_id = fair.event.id
    start = threading.Barrier(2)
    results: list[dict[int, str]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        with app.app_context(), app.test_request_context():
            try:
                buyers = list(db.session.scalars(sa.select(User).where(User.id.in_(buyer_ids))))
                event = db.session.get(type(fair.event), event_id)
                start.wait(timeout=30)
                tokens = qr_codes.badge_tokens(event, buyers)
                results.append({buyer_id: token.token for buyer_id, token in tokens.items()})
                db.session.commit()
            except BaseException as error:  # reported to the test thread below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert results[0] == results[1] and set(results[0]) == set(buyer_ids)
    db.session.rollback()
    assert len(_active(QrKind.BADGE)) == len(buyer_ids)


@pytest.fixture
def many_exhibitors(app, fair):
    for booth in range(3):
        organisation = make_organisation()
        event_service.register_exhibitor(fair.event, organisation, f"C-{booth}")
        make_lot(organisation)
    db.session.commit()


@pytest.mark.usefixtures("many_exhibitors")
def test_posters_statements_do_not_grow_with_exhibitors(app, fair, request_context):
    exhibitors = printables.event_exhibitors(fair.event)
    with QueryCounter(db.engine) as first:
        printables.booth_posters(exhibitors)
    db.session.commit()
    exhibitors = printables.event_exhibitors(fair.event)  # the commit expired them
    with QueryCounter(db.engine) as again:
        printables.booth_posters(exhibitors)
    # Lots of all exhibitors, then booth tokens, then lot tokens: read once each.
    assert again.count == 3, again.statements
    # The first print adds, per kind, a savepoint, the insert, its release and a re-read.
    assert first.count <= 3 + 4 * 2, [s[:60] for s in first.statements]
