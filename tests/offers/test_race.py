"""Two cooperatives' reps commit the same lot's last kilograms at once: only one may win."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func

from matchmaker.errors import Conflict
from matchmaker.extensions import db
from matchmaker.models import Lot
from matchmaker.models.offers import ConsolidatedOffer, OfferLot
from matchmaker.services.offers import composing
from tests.factories import make_lot

pytestmark = pytest.mark.postgres_only


def test_concurrent_commitments_cannot_oversell(app, backend, ctx, coop, infierno, factories):
    if backend != "postgres":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers itself")
    # The cooperative's own lot: its lines are approved at once, so they commit kilograms
    # (another organisation's lot is only committed by its owner's approval).
    lot = make_lot(coop, volume_kg=Decimal("5000"))
    offers = [composing.create_offer(coop, name_es=f"Oferta {i}", target_volume_kg="12500")
              for i in range(2)]
    composing.set_line(offers[0], lot, "1000")  # 4,000 kg left
    db.session.commit()
    lot_id, offer_ids = lot.id, [o.id for o in offers]
    db.session.remove()

    ready = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def commit_line(offer_id: int) -> None:
        try:
            with app.app_context(), app.test_request_context():
                offer = db.session.get(ConsolidatedOffer, offer_id)
                target = db.session.get(Lot, lot_id)
                ready.wait()  # both transactions are open before either takes the lock
                try:
                    # A second line in the first offer, or a first one in the other: 2,100 kg
                    # each, more than half of the 4,000 kg left.
                    if offer_id == offer_ids[0]:
                        composing.set_line(offer, target, "3100")  # 1,000 → 3,100: +2,100
                    else:
                        composing.set_line(offer, target, "2100")
                    db.session.commit()
                    outcomes.append("ok")
                except Conflict as error:
                    db.session.rollback()
                    outcomes.append(error.code)
                finally:
                    db.session.remove()
        except BaseException as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=commit_line, args=(i,)) for i in offer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(outcomes) == ["ok", "oversold"]
    committed = db.session.scalar(
        db.select(func.sum(OfferLot.kg)).where(OfferLot.lot_id == lot_id))
    assert committed <= Decimal(5000)
    assert committed == Decimal(3100)  # either 3,100 in the first offer, or 1,000 + 2,100
