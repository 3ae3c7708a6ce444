"""In the browser: a buyer books from a lot page, the rep accepts on a phone, both see the
meeting in their agendas and the buyer downloads the .ics."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from matchmaker.extensions import db
from matchmaker.models import Meeting
from tests.factories import (
    PASSWORD,
    make_event,
    make_exhibitor,
    make_lot,
    make_organisation,
    make_session,
    make_user,
)

pytestmark = pytest.mark.browser


def log_in(page, user, submit_label: str) -> None:
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name=submit_label).click()
    page.wait_for_load_state()


@pytest.fixture
def fair(app):
    event = make_event(name="ExpoAmazónica E2E", starts_on=date.today() + timedelta(days=5))
    session = make_session(event)
    # A real association's length of name: the phone layout has to wrap it.
    organisation = make_exhibitor(event, make_organisation(
        name="Asociación Agroforestal de la Comunidad Nativa Infierno")).organisation
    rep = make_user("rep", organisation=organisation, name="Rosa Mishaja", locale="es")
    buyer = make_user("buyer", name="Anna Becker", company="Edelkakao", locale="en")
    lot = make_lot(organisation, lot_code="INF-2026-07", name_es="Cacao fino Infierno",
                   name_en="Infierno fine cacao")
    return event, session, organisation, rep, buyer, lot


def test_book_from_lot_accept_on_phone_agendas_and_ics(app, page, phone_page, fair, tmp_path):
    event, session, organisation, rep, buyer, lot = fair
    slot = session.slots[3]

    # The buyer books from the lot page.
    log_in(page, buyer, "Log in")
    page.goto(f"/lots/{lot.lot_code}")
    page.get_by_role("link", name="Request a meeting").click()
    page.wait_for_url("**/meetings/book/**")
    assert page.get_by_label(lot.lot_code, exact=False).is_checked()
    page.get_by_text("10:00–10:20").click()  # slots: 09:00, 09:20, 09:40, 10:00 …
    page.get_by_label("Message to the association (optional)").fill("We look for 2 MT.")
    page.get_by_role("button", name="Send meeting request").click()
    page.wait_for_url("**/meetings/*")
    meeting_id = int(page.url.rsplit("/", 1)[1])
    assert page.locator(".status").first.inner_text() == "Requested"
    assert page.get_by_text("Your request has been sent to").count() == 1  # said once
    # Back on the booking page of the same association: the meeting, not a new slot picker.
    page.goto(f"/meetings/book/{organisation.slug}")
    assert page.locator('input[name="slot_id"]').count() == 0
    see = page.locator(".existing-meeting").get_by_role("link", name="See the meeting")
    assert see.get_attribute("href") == f"/meetings/{meeting_id}"

    meeting = db.session.scalar(db.select(Meeting).where(Meeting.buyer_id == buyer.id))
    assert meeting.slot_id == slot.id
    assert [lot_.lot_code for lot_ in meeting.lots] == [lot.lot_code]

    # The rep accepts on a phone, in Spanish.
    log_in(phone_page, rep, "Iniciar sesión")
    phone_page.goto("/meetings/")
    phone_page.locator(f'a[href="/meetings/{meeting.id}"]').first.click()
    phone_page.get_by_role("button", name="Aceptar", exact=True).click()
    phone_page.wait_for_load_state()
    assert "Confirmada" in phone_page.locator(".status").first.inner_text()
    assert phone_page.locator(".flash").count() == 1
    # The meeting's facts fit the phone (long names and labels wrap; they used to run off it).
    assert phone_page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    facts = phone_page.locator("dl.facts dd").all()
    assert all(dd.evaluate("el => el.scrollWidth <= el.clientWidth + 1") for dd in facts)
    phone_page.goto("/agenda/")
    assert "Anna Becker" in phone_page.locator("table.agenda").inner_text()
    # The phone layout does not scroll sideways.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1

    # The buyer sees it confirmed in the agenda and downloads the .ics.
    page.goto("/agenda/")
    agenda = page.locator("table.agenda").inner_text()
    assert organisation.name in agenda and "Confirmed" in agenda
    with page.expect_download() as info:
        page.locator("table.agenda").get_by_role("link", name=".ics").first.click()
    path = Path(tmp_path) / "meeting.ics"
    info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    vevent = calendar.walk("VEVENT")[0]
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    start = vevent.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Lima"
    assert start == meeting.slot.starts_at
    assert start.hour == 10 and start.minute == 0
    assert organisation.name in str(vevent["SUMMARY"])
    assert str(vevent["STATUS"]) == "CONFIRMED"
