"""GET requests never write: every GET route, for every kind of visitor, on the demo fair.

The request kernel (`matchmaker/web.py`) refuses an INSERT/UPDATE/DELETE during a GET (it
raises under TestConfig). This test also hooks the session itself, so a write is caught even
if the kernel's hook were switched off, and walks the whole route map with argument values
taken from the seeded demo data, as each role would see them.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event

from matchmaker import web
from matchmaker.demo import people
from matchmaker.extensions import db as _db
from matchmaker.models import (
    Certificate,
    ConsolidatedOffer,
    Event,
    Exhibitor,
    Lead,
    Lot,
    LotPhoto,
    Meeting,
    Organisation,
    OutboxMessage,
    QrToken,
    QualityAnalysis,
    RoundtableSession,
    SensoryEvaluation,
    User,
)
from matchmaker.models.base import utcnow
from matchmaker.write_guard import permitted, permitted_reason
from tests.demo_snapshot import load_demo

# GETs whose purpose is a write, each with its reason in the view (`@web.writes_on_get`).
# Adding one here should be a deliberate, reviewed decision.
WRITES_ON_GET = {"qr.scan", "agenda.feed"}

ROLES = {
    "anonymous": None,
    "buyer": "anna.becker@schokolade.demo",
    "rep": "rosa.mishaja@infierno.demo",
    "cooperative rep": None,  # the first approved rep of the cooperative, found below
    "organiser": "organiser@expoamazonica.demo",
}


def _first(db, statement, default="0"):
    value = db.session.scalar(statement.limit(1))
    return default if value is None else value


def _values(db, user: User | None) -> dict[str, object]:
    """Argument values that a user of this kind would follow from the pages they see."""
    org_id = user.organisation_id if user is not None and user.organisation_id else None
    own_lot = db.select(Lot.lot_code).order_by(Lot.is_published.desc(), Lot.id)
    if org_id:
        own_lot = own_lot.where(Lot.organisation_id == org_id)
    meeting = db.select(Meeting.id).order_by(Meeting.id)
    if user is not None and user.is_buyer:
        meeting = meeting.where(Meeting.buyer_id == user.id)
    elif org_id:
        meeting = meeting.where(Meeting.organisation_id == org_id)
    lead = db.select(Lead.id).order_by(Lead.id)
    if org_id:
        lead = lead.where(Lead.organisation_id == org_id)
    offer = db.select(ConsolidatedOffer.offer_code).order_by(ConsolidatedOffer.id)
    organisation = db.select(Organisation.slug).order_by(Organisation.id)
    if org_id:
        organisation = organisation.where(Organisation.id == org_id)
    return {
        "event_slug": _first(db, db.select(Event.slug).order_by(Event.id)),
        "event": _first(db, db.select(Event.slug).order_by(Event.id)),
        "lot_code": _first(db, own_lot),
        "org_slug": _first(db, db.select(Organisation.slug).join(
            Exhibitor, Exhibitor.organisation_id == Organisation.id).order_by(Organisation.id)),
        "organisation_slug": _first(db, organisation),
        "offer_code": _first(db, offer),
        "meeting_id": _first(db, meeting),
        "lead_id": _first(db, lead),
        "exhibitor_id": _first(db, db.select(Exhibitor.id).order_by(Exhibitor.id)),
        "session_id": _first(db, db.select(RoundtableSession.id).order_by(RoundtableSession.id)),
        "analysis_id": _first(db, db.select(QualityAnalysis.id).order_by(QualityAnalysis.id)),
        "certificate_id": _first(db, db.select(Certificate.id).order_by(Certificate.id)),
        "evaluation_id": _first(db, db.select(SensoryEvaluation.id).order_by(SensoryEvaluation.id)),
        "photo_id": _first(db, db.select(LotPhoto.id).order_by(LotPhoto.id)),
        "lot_id": _first(db, db.select(Lot.id).order_by(Lot.id)),
        "message_id": _first(db, db.select(OutboxMessage.id).order_by(OutboxMessage.id)),
        "buyer_id": _first(db, db.select(User.id).where(User.role == "buyer").order_by(User.id)),
        "qr_token": _first(db, db.select(QrToken.token).order_by(QrToken.id), "x"),
        "key": "meetings_by_status",
        "lang": "en",
        "action": "interest",
        "section": "identity",
        "filename": "css/app.css",
        "run_id": 1,
        "public_id": "x",
        "token": "x",
    }


def _url(rule, values: dict) -> str:
    arguments = {}
    for name in rule.arguments:
        if name == "slug":
            value = values["organisation_slug" if rule.endpoint.startswith("organisations.")
                          else "event_slug"]
        elif name == "token" and rule.endpoint.startswith("qr."):
            value = values["qr_token"]
        elif name == "kind":
            value = "legality" if "eudr" in rule.rule else "report"
        else:
            value = values[name]
        arguments[name] = value
    return rule.build(arguments, append_unknown=False)[1]


@pytest.fixture
def flushes_in_get(app, db):
    """Record every flush with changes that happens while a GET request is served."""
    from flask import has_request_context, request

    seen: list[str] = []

    def before_flush(session, _context, _instances):
        if permitted_reason():
            return  # a token issued on first view, see matchmaker/write_guard.py
        if has_request_context() and request.method in web.SAFE_METHODS and (
            session.new or session.deleted
            or any(session.is_modified(obj) for obj in session.dirty)
        ):
            seen.append(f"{request.method} {request.path}: "
                        f"{[type(o).__name__ for o in (*session.new, *session.dirty)]}")

    sa_event.listen(_db.session, "before_flush", before_flush)
    yield seen
    sa_event.remove(_db.session, "before_flush", before_flush)


def test_no_get_request_writes(app, client, db, flushes_in_get):
    assert load_demo()
    cooperative_rep = db.session.scalar(
        db.select(User.email).join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == "rep", User.is_approved.is_(True),
               Organisation.kind == "cooperative").order_by(User.id).limit(1))
    roles = dict(ROLES, **{"cooperative rep": cooperative_rep})
    # Requests whose answer time has passed, one per side of the walk, so the meeting pages
    # meet an overdue meeting (they used to store its expiry and send mails on a page view).
    overdue = db.session.scalars(
        db.select(Meeting).where(Meeting.stored_status == "requested").order_by(Meeting.id)).all()
    assert overdue
    for meeting in overdue:
        meeting.expires_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    mails_before = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage))
    rules = [rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and rule.endpoint != "static"]
    assert len(rules) > 100  # the whole site, not a stub
    failures, answered = [], 0
    for role, email in roles.items():
        client.post("/logout")
        user = None
        if email:
            response = client.post("/login", data={"email": email,
                                                   "password": people.DEMO_PASSWORD})
            assert response.status_code == 302, (role, email)
            user = db.session.scalar(db.select(User).where(User.email == email))
        values = _values(db, user)
        for rule in rules:
            url = _url(rule, values)
            try:
                response = client.get(url)
            except web.WriteDuringGet as error:
                failures.append(f"{role}: {error}")
                db.session.rollback()
                continue
            response.close()
            answered += 1
            assert response.status_code < 500, (role, url)
    problems = failures + [f for f in flushes_in_get
                           if not re.search(r"^GET /(q|calendar)/", f)]
    assert not problems, "\n".join(problems)
    assert answered >= 5 * len(rules) - len(failures)
    # The pages showed the overdue requests as expired without storing it or mailing anyone.
    db.session.expire_all()
    assert {m.stored_status for m in overdue} == {"requested"}
    assert {m.status for m in overdue} == {"expired"}
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == mails_before


def test_exempt_endpoints_are_few_and_named(app):
    exempt = {endpoint for endpoint, view in app.view_functions.items()
              if getattr(view, "writes_on_get", None)}
    assert exempt == WRITES_ON_GET


def test_a_write_in_a_get_is_refused(app, db, factories):
    """The kernel's hook itself: a GET that writes fails loudly under the test configuration."""
    organisation = factories.organisation()
    with app.test_request_context("/", method="GET"):
        app.preprocess_request()  # as when the request is dispatched
        organisation.name = "Renamed on GET"
        with pytest.raises(web.WriteDuringGet):
            db.session.flush()
        db.session.rollback()
    assert db.session.get(Organisation, organisation.id).name != "Renamed on GET"


def test_in_production_a_write_in_a_get_is_logged_and_not_kept(app, db, factories, caplog):
    organisation = factories.organisation()
    app.config["GET_WRITES"] = "log"
    with app.test_request_context("/", method="GET"):
        app.preprocess_request()
        organisation.name = "Renamed on GET"
        db.session.flush()  # no exception: the page still renders
        with permitted("a token issued on first view"):
            organisation.website = "https://permitted.example"
            db.session.flush()
        # The kernel commits nothing, not even the permitted write, which would carry the
        # refused one with it.
        app.process_response(app.response_class("page"))
    assert "Write during a GET request refused" in caplog.text
    db.session.rollback()  # what removing the session at the end of the request does
    assert db.session.get(Organisation, organisation.id).name != "Renamed on GET"
    assert db.session.get(Organisation, organisation.id).website != "https://permitted.example"


def test_a_post_commits_once_and_a_refused_post_rolls_back(app, db, factories):
    organisation = factories.organisation()
    with app.test_request_context("/", method="POST"):
        organisation.name = "Renamed on POST"
        db.session.flush()
        app.process_response(app.response_class("ok", status=422))
    assert db.session.get(Organisation, organisation.id).name != "Renamed on POST"
    with app.test_request_context("/", method="POST"):
        organisation.name = "Renamed on POST"
        app.process_response(app.response_class("ok", status=302))
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).name == "Renamed on POST"
