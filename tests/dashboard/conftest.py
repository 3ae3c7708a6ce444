"""A small fair with known answers: two exhibitors, four buyers, scans, leads, meetings, outcomes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from matchmaker.extensions import db
from matchmaker.models import CheckIn, Event, Lot, Meeting, Organisation, Scan, User
from matchmaker.models.outcomes import MeetingOutcome
from matchmaker.services import qr_codes
from matchmaker.services.leads.recording import record_lead
from tests.factories import (
    make_event,
    make_exhibitor,
    make_lot,
    make_organisation,
    make_session,
    make_user,
)

_counter = itertools.count(1)


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


@dataclass
class Fair:
    event: Event
    infierno: Organisation
    other: Organisation
    lot_a: Lot
    lot_b: Lot
    rep: User
    other_rep: User
    organiser: User
    buyers: list[User]
    meetings: list[Meeting]


def scan(token, at: datetime, event: Event, user: User | None = None) -> None:
    db.session.add(Scan(token_id=token.id, scanned_at=at, event_id=event.id,
                        visitor_id=f"v{next(_counter)}", user_id=user.id if user else None))


@pytest.fixture
def fair(app) -> Fair:
    """Known answers (see test_dashboard_figures): 2 exhibitors; buyers DE, DE, US, JP (the
    JP buyer only has a badge); 3 checked in; lot A scanned 3×, lot B 1×, booth 2× = 6 scans
    at 10h, 11h, 11h, 13h (lot) and 10h, 10h (booth), Lima time; 4 meetings with Infierno
    (requested, accepted, held, no_show) and 1 with the other organisation (held);
    outcomes on both held meetings."""
    n = next(_counter)
    event = make_event(starts_on=date(2026, 9, 10), name=f"ExpoAmazónica {n}")
    infierno = make_organisation(name=f"Asociación Infierno {n}")
    other = make_organisation(name=f"Cooperativa Otra {n}")
    booth = make_exhibitor(event, infierno, "A-1")
    make_exhibitor(event, other, "B-2")
    lot_a = make_lot(infierno, lot_code=f"INF-{n}-A")
    lot_b = make_lot(infierno, lot_code=f"INF-{n}-B")
    rep = make_user("rep", organisation=infierno)
    other_rep = make_user("rep", organisation=other)
    organiser = make_user("organiser")
    buyers = [make_user("buyer", country="DE", name="Anna Weber", phone="+49 30 555"),
              make_user("buyer", country="DE", buyer_type="importer"),
              make_user("buyer", country="US", buyer_type="importer"),
              make_user("buyer", country="JP")]
    qr_codes.badge_token(event, buyers[3])
    lot_a_token, lot_b_token = qr_codes.lot_token(lot_a), qr_codes.lot_token(lot_b)
    booth_token = qr_codes.booth_token(booth)
    # Lima is UTC-5: 15:00Z is 10h local.
    day = datetime(2026, 9, 10, tzinfo=UTC)
    scan(lot_a_token, day + timedelta(hours=15, minutes=5), event, buyers[0])
    scan(lot_a_token, day + timedelta(hours=16, minutes=1), event)
    scan(lot_a_token, day + timedelta(hours=16, minutes=59), event)
    scan(lot_b_token, day + timedelta(hours=18, minutes=30), event)
    scan(booth_token, day + timedelta(hours=15, minutes=10), event)
    scan(booth_token, day + timedelta(hours=15, minutes=20), event)
    for buyer in buyers[:3]:
        db.session.add(CheckIn(event_id=event.id, buyer_id=buyer.id))
    db.session.flush()

    lead = record_lead(buyers[0], infierno, "lot_scan", event=event, lot=lot_a, at=day)
    lead.rating = "hot"
    record_lead(buyers[0], infierno, "sample_request", event=event, lot=lot_b, at=day)
    record_lead(buyers[1], infierno, "interest", event=event, lot=lot_a, at=day)
    record_lead(buyers[2], other, "booth_scan", event=event, at=day)
    db.session.commit()

    session = make_session(event)
    slots = session.slots
    meetings = []
    for index, (buyer, org, status) in enumerate([
        (buyers[0], infierno, "requested"), (buyers[1], infierno, "accepted"),
        (buyers[2], infierno, "held"), (buyers[0], infierno, "no_show"),
        (buyers[1], other, "held"),
    ]):
        table = session.tables[index % len(session.tables)]
        meeting = Meeting(event_id=event.id, slot_id=slots[index].id, table_id=table.id,
                          buyer_id=buyer.id, organisation_id=org.id, status=status,
                          ics_uid=f"test-{n}-{index}@matchmaker")
        db.session.add(meeting)
        meetings.append(meeting)
    db.session.flush()
    db.session.add(MeetingOutcome(meeting_id=meetings[2].id, event_id=event.id,
                                  organisation_id=infierno.id, interest_level="high",
                                  samples_requested=True, volume_range="5_20",
                                  deal_value_range="25k_100k"))
    db.session.add(MeetingOutcome(meeting_id=meetings[4].id, event_id=event.id,
                                  organisation_id=other.id, interest_level="low",
                                  deal_value_range="lt_5k"))
    db.session.commit()
    return Fair(event, infierno, other, lot_a, lot_b, rep, other_rep, organiser, buyers, meetings)


def report_file(client, event_slug: str, kind: str, lang: str, org: str | None = None):
    """Ask for the post-fair report as a user does (a job, run at once in tests) and download
    it; returns the download response, or the refusal when the job was not accepted."""
    data = {"kind": kind, "lang": lang, **({"org": org} if org else {})}
    queued = client.post(f"/dashboard/events/{event_slug}/report", data=data)
    if queued.status_code != 302:
        return queued
    status = client.get(queued.headers["Location"] + ".json").get_json()
    assert status["status"] == "done", status
    return client.get(status["download_url"], buffered=True)
