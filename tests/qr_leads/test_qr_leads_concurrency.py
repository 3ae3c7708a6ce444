"""Two phones scanning the same badge at the same moment still make one lead (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.models.leads import Lead, LeadSource
from matchmaker.services import qr_codes
from matchmaker.services.leads.badges import scan_badge

pytestmark = pytest.mark.postgres_only

PHONES = 4


def test_simultaneous_badge_scans_make_one_lead(app, fair, backend):
    if backend != "postgres":
        pytest.skip("SQLite serialises writers, so there is no race to provoke")
    token = qr_codes.badge_token(fair.event, fair.buyer)
    db.session.commit()
    rep_id, code = fair.rep.id, token.token
    start = threading.Barrier(PHONES)
    errors: list[BaseException] = []

    def phone(index: int) -> None:
        with app.app_context(), app.test_request_context():
            try:
                rep = db.session.get(User, rep_id)
                start.wait(timeout=30)
                scan_badge(rep, code, client_key=f"phone-{index}")
                db.session.commit()
            except BaseException as error:  # reported to the test thread below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(PHONES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Lead)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LeadSource)) == PHONES
