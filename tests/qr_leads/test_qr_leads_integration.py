"""Every source becomes a lead: "I'm interested", sample requests and meeting requests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from matchmaker.extensions import db
from matchmaker.models.leads import Lead
from matchmaker.services import interest
from tests.factories import make_meeting

pytestmark = pytest.mark.usefixtures("request_context")


def test_interest_and_sample_request_become_one_lead(fair):
    interest.express_interest(fair.lot, fair.buyer, message="Nice beans")
    interest.request_sample(fair.lot, fair.buyer, grams=500)
    db.session.commit()
    [lead] = db.session.scalars(sa.select(Lead)).all()
    assert (lead.event_id, lead.organisation_id, lead.buyer_id) == (
        fair.event.id, fair.organisation.id, fair.buyer.id)
    assert sorted(s.kind for s in lead.sources) == ["interest", "sample_request"]
    assert [lot.id for lot in lead.lots] == [fair.lot.id]


def test_meeting_request_becomes_a_lead(app):
    meeting = make_meeting()
    [lead] = db.session.scalars(sa.select(Lead)).all()
    assert (lead.event_id, lead.organisation_id, lead.buyer_id) == (
        meeting.event_id, meeting.organisation_id, meeting.buyer_id)
    assert [s.kind for s in lead.sources] == ["meeting_request"]
