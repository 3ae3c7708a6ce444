"""Meeting pages: booking, answering, agendas, feeds, organiser set-up; permissions on every route."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from icalendar import Calendar

from matchmaker.extensions import db
from matchmaker.models import Meeting, OutboxMessage, RoundtableSession, Unavailability
from matchmaker.services.meetings import booking
from tests.factories import (
    PASSWORD,
    login,
    make_event,
    make_exhibitor,
    make_meeting,
    make_session,
    make_user,
)
from tests.meetings.helpers import FreshUserClient, next_week


class World:
    """Everyone a meeting page can meet: its two sides, strangers and an organiser."""


@pytest.fixture
def world(app):
    app.test_client_class = FreshUserClient
    w = World()
    w.event = make_event(starts_on=next_week())
    w.session = make_session(w.event)
    w.organisation = make_exhibitor(w.event).organisation
    w.rep = make_user("rep", organisation=w.organisation)
    w.buyer = make_user("buyer")
    w.other_rep = make_user("rep")
    make_exhibitor(w.event, w.other_rep.organisation)
    w.other_buyer = make_user("buyer")
    w.organiser = make_user("organiser")
    w.meeting = make_meeting(w.session.slots[0], w.buyer, w.organisation)
    return w


def as_user(app, user):
    client = app.test_client()
    if user is not None:
        login(client, user)
    return client


def routes(w):
    """(method, url, roles allowed) for every route of the feature."""
    m, e, s = w.meeting.id, w.event.slug, w.session.id
    table = w.session.tables[0].id
    return [
        ("GET", f"/meetings/book/{w.organisation.slug}", {"buyer", "other_buyer"}),
        ("GET", "/meetings/", {"buyer", "rep", "other_buyer", "other_rep", "organiser"}),
        ("GET", f"/meetings/{m}", {"buyer", "rep", "organiser"}),
        ("GET", f"/meetings/{m}.ics", {"buyer", "rep", "organiser"}),
        # Participants reach these; whose turn it is, is the booking rules' business (a 403
        # or 409 from the service, tested on its own).
        ("POST", f"/meetings/{m}/accept", {"buyer", "rep", "organiser"}),
        ("POST", f"/meetings/{m}/decline", {"buyer", "rep", "organiser"}),
        ("POST", f"/meetings/{m}/propose", {"buyer", "rep", "organiser"}),
        ("POST", f"/meetings/{m}/cancel", {"buyer", "rep", "organiser"}),
        ("POST", f"/meetings/{m}/mark/held", {"buyer", "rep", "organiser"}),
        ("GET", "/agenda/", {"buyer", "rep", "other_buyer", "other_rep"}),
        ("GET", f"/agenda/{e}.pdf", {"buyer", "rep", "other_rep"}),
        ("GET", f"/agenda/{e}/unavailability", {"buyer", "rep", "other_rep"}),
        ("POST", "/agenda/calendar/regenerate", {"buyer", "rep", "other_buyer", "other_rep", "organiser"}),
        ("POST", "/agenda/calendar/revoke", {"buyer", "rep", "other_buyer", "other_rep", "organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/sessions/new", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/sessions/{s}/edit", {"organiser"}),
        ("POST", f"/admin/events/{e}/roundtable/sessions/{s}/delete", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/sessions/{s}/tables", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/attendance", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/unavailability", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/walkin", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/grid", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/grid.pdf", {"organiser"}),
        ("GET", f"/admin/events/{e}/roundtable/tables.pdf?table={table}", {"organiser"}),
    ]


ROLES = ["buyer", "rep", "other_buyer", "other_rep", "organiser"]


@pytest.mark.slow  # every role against every meeting URL (~10 s)
def test_permission_matrix(app, world):
    """Anonymous → log-in; a role outside the route's audience → 403 (or the organiser's
    redirect to the back office); the audience gets through (a 4xx business refusal is fine)."""
    clients = {role: as_user(app, getattr(world, role)) for role in ROLES}
    anonymous = app.test_client()
    for method, url, allowed in routes(world):
        response = anonymous.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.location, (method, url)
        for role in ROLES:
            response = clients[role].open(url, method=method)
            if role in allowed:
                refused = (401, 404, 500) if method == "POST" else (401, 403, 404, 500)
                assert response.status_code not in refused, (method, url, role,
                                                             response.status_code)
            elif method == "GET" and url == "/meetings/" and role == "organiser":
                assert response.status_code == 302
            else:
                assert response.status_code in (403, 404), (method, url, role,
                                                             response.status_code)
            db.session.rollback()


def test_unapproved_rep_is_refused(app, world):
    pending = make_user("rep", organisation=world.organisation, is_approved=False)
    client = app.test_client()
    # Unapproved reps cannot log in at all; the access rule stands on its own anyway.
    response = client.post("/login", data={"email": pending.email, "password": PASSWORD})
    assert response.status_code != 302


def test_buyer_books_from_organisation_page(app, world):
    client = as_user(app, world.other_buyer)
    page = client.get(f"/organisations/{world.organisation.slug}",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Book a meeting" in page
    page = client.get(f"/meetings/book/{world.organisation.slug}").get_data(as_text=True)
    taken = world.meeting.slot_id
    assert f'value="{taken}"' not in page  # the held slot is not offered
    free = world.session.slots[1]
    assert f'value="{free.id}"' in page
    response = client.post(f"/meetings/book/{world.organisation.slug}",
                           data={"slot_id": free.id, "message": "Hola"})
    assert response.status_code == 302
    meeting = db.session.scalar(db.select(Meeting).where(Meeting.buyer_id == world.other_buyer.id))
    assert meeting.status == "requested" and meeting.message == "Hola"
    assert response.location.endswith(f"/meetings/{meeting.id}")


def test_booking_a_taken_slot_is_a_conflict(app, world):
    client = as_user(app, world.other_buyer)
    response = client.post(f"/meetings/book/{world.organisation.slug}",
                           data={"slot_id": world.meeting.slot_id})
    # Not offered, so the form refuses the choice outright.
    assert response.status_code == 422


def test_booking_conflict_from_service_is_409(app, world, monkeypatch):
    client = as_user(app, world.other_buyer)
    # Someone else takes the slot between the page and the click: the service answers.
    monkeypatch.setattr("matchmaker.views.meetings.free_slots",
                        lambda *a, **k: list(world.session.slots))
    response = client.post(f"/meetings/book/{world.organisation.slug}",
                           data={"slot_id": world.meeting.slot_id})
    assert response.status_code == 409


def test_rep_accepts_and_both_see_the_agenda(app, world):
    rep = as_user(app, world.rep)
    assert rep.post(f"/meetings/{world.meeting.id}/accept").status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, world.meeting.id).status == "accepted"
    for user in (world.rep, world.buyer):
        html = as_user(app, user).get(f"/agenda/?event={world.event.slug}").get_data(as_text=True)
        assert f"/meetings/{world.meeting.id}" in html
        assert "Confirmed" in html or "Confirmada" in html


def test_decline_requires_reason_and_buyer_sees_it(app, world):
    rep = as_user(app, world.rep)
    response = rep.post(f"/meetings/{world.meeting.id}/decline", data={"reason": ""})
    assert response.status_code == 422
    response = rep.post(f"/meetings/{world.meeting.id}/decline", data={"reason": "Sold out"})
    assert response.status_code == 302
    html = as_user(app, world.buyer).get(f"/meetings/{world.meeting.id}").get_data(as_text=True)
    assert "Sold out" in html


def test_propose_then_buyer_accepts(app, world):
    rep = as_user(app, world.rep)
    other = world.session.slots[3]
    page = rep.get(f"/meetings/{world.meeting.id}").get_data(as_text=True)
    assert f'value="{other.id}"' in page
    response = rep.post(f"/meetings/{world.meeting.id}/propose", data={"slot_id": other.id})
    assert response.status_code == 302
    buyer = as_user(app, world.buyer)
    assert buyer.post(f"/meetings/{world.meeting.id}/accept").status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, world.meeting.id)
    assert meeting.status == "accepted" and meeting.slot_id == other.id


def test_buyer_cannot_accept_own_request_via_http(app, world):
    response = as_user(app, world.buyer).post(f"/meetings/{world.meeting.id}/accept")
    assert response.status_code == 403


def test_meeting_ics_in_event_zone(app, world):
    body = as_user(app, world.buyer).get(f"/meetings/{world.meeting.id}.ics")
    assert body.headers["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(body.data)
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Lima"
    assert start == world.meeting.slot.starts_at
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "America/Lima"
    assert world.organisation.name in str(event["SUMMARY"])


def test_calendar_feed_secret_url_regenerate_and_revoke(app, world):
    booking.accept(world.meeting, world.rep)
    db.session.commit()
    client = as_user(app, world.buyer)
    client.post("/agenda/calendar/regenerate")
    from matchmaker.services.meetings.calendar import feed_of

    token = feed_of(world.buyer).token
    anonymous = app.test_client()
    response = anonymous.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["STATUS"]) == "CONFIRMED"
    assert str(events[0].decoded("DTSTART").tzinfo) == "America/Lima"
    client.post("/agenda/calendar/regenerate")
    assert anonymous.get(f"/calendar/{token}.ics").status_code == 404
    new_token = feed_of(world.buyer).token
    assert anonymous.get(f"/calendar/{new_token}.ics").status_code == 200
    client.post("/agenda/calendar/revoke")
    assert anonymous.get(f"/calendar/{new_token}.ics").status_code == 404
    assert anonymous.get("/calendar/guess.ics").status_code == 404


@pytest.mark.slow  # a full day's agenda rendered and rasterised (12-18 s)
def test_agenda_pdf_is_one_a4_page_even_when_full(app, world):
    from io import BytesIO

    from pypdf import PdfReader

    # A full day: the buyer meets a different organisation in each of 16 slots.
    session = make_session(world.event, day=world.event.starts_on + timedelta(days=1),
                           starts_local=time(8), ends_local=time(18), breaks=[],
                           table_count=2, meeting_minutes=20)
    buyer = make_user("buyer")
    for slot in session.slots[:30]:
        organisation = make_exhibitor(world.event).organisation
        make_meeting(slot, buyer, organisation, status="accepted")
    response = as_user(app, buyer).get(f"/agenda/{world.event.slug}.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = reader.pages[0].extract_text()
    assert world.event.name in text


def test_organiser_pdfs(app, world):
    from io import BytesIO

    from pypdf import PdfReader

    booking.accept(world.meeting, world.rep)
    db.session.commit()
    client = as_user(app, world.organiser)
    grid = client.get(f"/admin/events/{world.event.slug}/roundtable/grid.pdf")
    reader = PdfReader(BytesIO(grid.data))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert world.organisation.name in reader.pages[0].extract_text()
    sheets = client.get(f"/admin/events/{world.event.slug}/roundtable/tables.pdf")
    reader = PdfReader(BytesIO(sheets.data))
    assert len(reader.pages) == 3  # one per table
    assert world.buyer.name in reader.pages[0].extract_text()


def test_organiser_creates_session_and_labels_table(app, world):
    client = as_user(app, world.organiser)
    day = world.event.starts_on + timedelta(days=1)
    response = client.post(f"/admin/events/{world.event.slug}/roundtable/sessions/new", data={
        "name": "Tarde", "day": day.isoformat(), "starts_local": "14:00", "ends_local": "17:00",
        "meeting_minutes": 20, "changeover_minutes": 0, "table_count": 8, "expiry_hours": 12,
        "breaks": "15:20-15:40", "is_bookable": "y",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    session = db.session.scalar(db.select(RoundtableSession).where(RoundtableSession.name == "Tarde"))
    assert len(session.slots) == 8 and len(session.tables) == 8
    table = session.tables[0]
    response = client.post(
        f"/admin/events/{world.event.slug}/roundtable/sessions/{session.id}/tables",
        data={"table_id": table.id, "label": "Sala virtual", "video_url": "https://meet.example/x"})
    assert response.status_code == 302
    db.session.refresh(table)
    assert table.video_url == "https://meet.example/x"
    bad = client.post(f"/admin/events/{world.event.slug}/roundtable/sessions/new", data={
        "day": day.isoformat(), "starts_local": "15:00", "ends_local": "16:00",
        "meeting_minutes": 20, "changeover_minutes": 0, "table_count": 2, "expiry_hours": 12,
    })
    assert bad.status_code == 409  # overlaps "Tarde"


def test_attendance_and_walkin(app, world):
    client = as_user(app, world.organiser)
    colleague = make_user("rep", organisation=world.organisation)
    response = client.post(f"/admin/events/{world.event.slug}/roundtable/attendance", data={
        "organisation_id": world.organisation.id, "rep_ids": [world.rep.id, colleague.id]})
    assert response.status_code == 302
    # Two reps attend, so a walk-in fits in the slot the first request already holds.
    slot = world.meeting.slot
    url = f"/admin/events/{world.event.slug}/roundtable/walkin"
    page = client.get(url, query_string={"buyer_id": world.other_buyer.id,
                                         "organisation_id": world.organisation.id,
                                         "slot_id": slot.id})
    assert "Book the walk-in" in page.get_data(as_text=True) or page.status_code == 200
    response = client.post(url, data={"buyer_id": world.other_buyer.id,
                                      "organisation_id": world.organisation.id,
                                      "slot_id": slot.id, "table_id": 0, "book": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    walkin = db.session.scalar(db.select(Meeting).where(Meeting.source == "walkin"))
    assert walkin.status == "accepted" and walkin.org_seat == 2
    kinds = {m.kind for m in db.session.scalars(db.select(OutboxMessage))}
    assert "meeting_walkin" in kinds


def test_unavailability_pages(app, world):
    client = as_user(app, world.rep)
    url = f"/agenda/{world.event.slug}/unavailability"
    response = client.post(url, data={"day": world.event.starts_on.isoformat(),
                                      "starts_local": "09:00", "ends_local": "10:00"})
    assert response.status_code == 302
    period = db.session.scalar(db.select(Unavailability))
    assert period.organisation_id == world.organisation.id
    assert client.post(url, data={"day": world.event.starts_on.isoformat(),
                                  "starts_local": "10:00", "ends_local": "09:00"}).status_code == 422
    # Another organisation's rep cannot remove it.
    other = as_user(app, world.other_rep)
    assert other.post(f"/agenda/unavailability/{period.id}/remove").status_code == 403
    assert client.post(f"/agenda/unavailability/{period.id}/remove").status_code == 302


def test_organiser_marks_when_others_cannot_meet(app, world):
    client = as_user(app, world.organiser)
    url = f"/admin/events/{world.event.slug}/roundtable/unavailability"
    page = client.get(url).get_data(as_text=True)
    assert f'value="o-{world.organisation.id}"' in page and f'value="b-{world.buyer.id}"' in page
    day = world.event.starts_on.isoformat()
    response = client.post(url, data={"who": f"b-{world.buyer.id}", "day": day,
                                      "starts_local": "09:00", "ends_local": "10:30",
                                      "note": "Flight lands at 10"})
    assert response.status_code == 302
    period = db.session.scalar(db.select(Unavailability))
    assert (period.user_id, period.organisation_id) == (world.buyer.id, None)
    # The buyer finds it on their own page, and can remove it there too.
    mine = as_user(app, world.buyer).get(f"/agenda/{world.event.slug}/unavailability")
    assert "Flight lands at 10" in mine.get_data(as_text=True)
    # Reversed times and unknown people are refused; the form keeps what was typed.
    bad = client.post(url, data={"who": f"o-{world.organisation.id}", "day": day,
                                 "starts_local": "11:00", "ends_local": "10:00",
                                 "note": "Almuerzo"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="ends_local-error"' in html and 'value="Almuerzo"' in html
    assert client.post(url, data={"who": "b-999999", "day": day, "starts_local": "09:00",
                                  "ends_local": "10:00"}).status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(Unavailability)) == 1
    # Only organisers remove periods here; a period of another event is not found.
    other_event = make_event(starts_on=next_week())
    assert as_user(app, world.rep).post(f"{url}/{period.id}/remove").status_code == 403
    elsewhere = f"/admin/events/{other_event.slug}/roundtable/unavailability/{period.id}/remove"
    assert client.post(elsewhere).status_code == 404
    assert client.post(f"{url}/{period.id}/remove").status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Unavailability)) == 0


def test_day_of_marking(app, world):
    # A session that has already started: booked (with `now` in the past) before it began.
    event = make_event(starts_on=date.today() - timedelta(days=2))
    session = make_session(event)
    organisation = make_exhibitor(event).organisation
    rep = make_user("rep", organisation=organisation)
    slot = session.slots[0]
    earlier = slot.starts_at - timedelta(days=1)
    meeting = make_meeting(slot, world.other_buyer, organisation, now=earlier)
    booking.accept(meeting, rep, now=earlier)
    db.session.commit()
    page = as_user(app, rep).get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/mark/held" in page
    assert as_user(app, rep).post(f"/meetings/{meeting.id}/mark/held").status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "held"
    buyer = as_user(app, world.other_buyer)
    assert buyer.post(f"/meetings/{meeting.id}/mark/no_show").status_code == 403
    organiser = as_user(app, world.organiser)
    back = f"/admin/events/{event.slug}/roundtable/"
    response = organiser.post(f"/meetings/{meeting.id}/mark/no_show", data={"back": back})
    assert response.status_code == 302 and response.location.endswith(back)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "no_show"


def test_expire_command(app, world, runner):
    from datetime import UTC, datetime

    world.meeting.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["meetings-expire"])
    assert "1 expired" in result.output
    db.session.expire_all()
    assert db.session.get(Meeting, world.meeting.id).status == "expired"


def test_csrf_is_enforced(app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = world.rep.get_id()
            session["_fresh"] = True
        response = client.post(f"/meetings/{world.meeting.id}/accept")
        assert response.status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
