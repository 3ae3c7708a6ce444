"""The timetable board: moves and swaps answered as JSON for drag and drop (same checks as the
forms), the publish confirmation with its counts, short names in compact cells, and in the
browser a keyboard move, a refused keyboard move and a mouse drag."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.labels import short_name
from matchmaker.models import DraftMeeting, Meeting
from matchmaker.models.mail import OutboxMessage
from matchmaker.services.roundtable import publish
from tests.factories import make_event, make_exhibitor, make_session, make_user
from tests.roundtable.conftest import Fair, browser_log_in, hand_run

JSON = {"Accept": "application/json"}


def _place(draft_id):
    db.session.expire_all()
    draft = db.session.get(DraftMeeting, draft_id)
    return draft.slot_id, draft.table_id


def test_short_names_drop_legal_forms_and_keep_what_tells_them_apart():
    assert short_name("Maison du Chocolat S.A.C.") == "Maison du Chocolat"
    assert short_name("Ghirardelli Ltd") == "Ghirardelli"
    assert short_name("Cooperativa Agraria Cacaotera ACOPAGRO") == "Coop. … ACOPAGRO"
    assert short_name("Asociación de Productores de Cacao de Tocache") == "Asoc. … Tocache"
    # Names that start alike stay apart by their ends.
    assert short_name("Asociación Agroforestal de la Comunidad Nativa Infierno") == \
        "Asoc. … Infierno"
    assert short_name("Asociación Agroforestal de Productores del Tahuamanu") == \
        "Asoc. … Tahuamanu"
    assert short_name("Chocolatier 1") == "Chocolatier 1"
    assert len(short_name("X" * 60)) == 22


def test_json_move_and_swap_answer_with_the_same_checks(fair, login_as):
    run = hand_run(fair, [(0, 0, 0, 0), (1, 1, 1, 0), (0, 2, 1, 1)])
    a, b, c = run.drafts
    client = login_as(fair.organiser)
    table = fair.session.tables

    refused = client.post(f"/roundtable/runs/{run.id}/move", headers=JSON, data={
        "move-draft_id": a.id, "move-slot_id": fair.slots[1].id, "move-table_id": "3"})
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "buyer_busy"
    assert "already meets" in refused.json["error"]["message"]
    assert _place(a.id) == (fair.slots[0].id, table[0].id)

    moved = client.post(f"/roundtable/runs/{run.id}/move", headers=JSON, data={
        "move-draft_id": a.id, "move-slot_id": fair.slots[2].id, "move-table_id": "2"})
    assert moved.status_code == 200
    assert moved.json["message"] == "The meeting has been moved."
    assert moved.json["redirect"].endswith(f"/roundtable/runs/{run.id}?moved={a.id}#timetable")
    assert _place(a.id) == (fair.slots[2].id, table[1].id)

    busy = client.post(f"/roundtable/runs/{run.id}/swap", headers=JSON, data={
        "swap-first_id": b.id, "swap-second_id": a.id})
    assert busy.status_code == 409 and busy.json["error"]["code"] == "buyer_busy"
    swapped = client.post(f"/roundtable/runs/{run.id}/swap", headers=JSON, data={
        "swap-first_id": b.id, "swap-second_id": c.id})
    assert swapped.status_code == 200, swapped.json
    assert _place(b.id) == (fair.slots[1].id, table[1].id)
    assert _place(c.id) == (fair.slots[1].id, table[0].id)
    page = client.get(swapped.json["redirect"]).get_data(as_text=True)
    assert page.count("rt-moved") >= 2
    # The message once, beside the grid; not a second time in the layout's message area.
    assert page.count("The two meetings have been swapped.") == 1
    assert 'id="rt-live" role="status" aria-live="polite"><p class="flash' in page

    invalid = client.post(f"/roundtable/runs/{run.id}/move", headers=JSON,
                          data={"move-draft_id": c.id})
    assert invalid.status_code == 422 and invalid.json["error"]["code"] == "invalid"


def test_forms_without_javascript_still_redirect(fair, login_as):
    run = hand_run(fair, [(0, 0, 0, 0)])
    client = login_as(fair.organiser)
    response = client.post(f"/roundtable/runs/{run.id}/move", data={
        "move-draft_id": run.drafts[0].id, "move-slot_id": fair.slots[3].id,
        "move-table_id": ""})
    assert response.status_code == 302
    assert f"moved={run.drafts[0].id}" in response.location


def test_publish_asks_first_with_the_number_of_mails(fair, login_as, request_ctx):
    run = hand_run(fair, [(0, 0, 0, 0), (1, 0, 1, 0), (2, 1, 0, 1)])
    preview = publish.preview(run)
    # Three new meetings; buyers 0, 1, 2 and the one rep of each of the two organisations.
    assert (preview.created, preview.kept, preview.cancelled) == (3, 0, 0)
    assert (preview.buyers, preview.reps, preview.mails) == (3, 2, 5)

    client = login_as(fair.organiser)
    page = client.get(f"/roundtable/runs/{run.id}/publish")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "5 people will get an e-mail" in html and "Publish and send 5 e-mails" in html
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 0
    mails_before = db.session.scalar(db.select(db.func.count(OutboxMessage.id)))

    response = client.post(f"/roundtable/runs/{run.id}/publish")
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count(Meeting.id))) == 3
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) - mails_before == 5
    # Once published there is nothing to confirm.
    assert client.get(f"/roundtable/runs/{run.id}/publish").status_code == 302


def _cell(page, slot, table_number):
    return page.locator(f'td.rt-cell[data-slot="{slot.id}"][data-table="{table_number}"]')


def test_keyboard_move_refusal_and_mouse_drag(fair, page, app):
    app.config["WTF_CSRF_ENABLED"] = True  # the script posts the forms' own CSRF token
    run = hand_run(fair, [(0, 0, 0, 0), (1, 1, 1, 0), (0, 2, 1, 1)])
    a, b, _c = run.drafts
    slots = fair.slots
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_log_in(page, fair.organiser)
    page.goto(f"/roundtable/runs/{run.id}")
    assert page.locator("#rt-dnd-help").is_visible()

    # Keyboard: the move button picks the meeting up, arrows choose a cell, Enter drops it.
    grab = _cell(page, slots[0], 1).get_by_role("button", name=re.compile("Move meeting"))
    grab.focus()
    page.keyboard.press("Enter")
    assert grab.get_attribute("aria-pressed") == "true"
    assert "picked up" in page.locator("#rt-live").inner_text()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.table") == "2"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"moved={a.id}"))
    assert _place(a.id) == (slots[0].id, fair.session.tables[1].id)
    moved = _cell(page, slots[0], 2)
    assert "rt-moved" in moved.get_attribute("class")
    assert "The meeting has been moved." in page.locator("#rt-live").inner_text()
    assert page.get_by_text("The meeting has been moved.").count() == 1
    assert page.locator("#rt-live").is_visible()
    # Focus comes back to the moved meeting's move button.
    assert page.evaluate("document.activeElement.closest('td').dataset.draft") == str(a.id)

    # A refused drop: the buyer already meets someone else then; the reason is shown, nothing moves.
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    alert = page.locator("#rt-live[role=alert]")
    alert.wait_for()
    assert "already meets" in alert.inner_text()
    assert _place(a.id) == (slots[0].id, fair.session.tables[1].id)

    # Escape puts a picked-up meeting back.
    grab = _cell(page, slots[0], 2).get_by_role("button", name=re.compile("Move meeting"))
    grab.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert grab.get_attribute("aria-pressed") == "false"
    assert "cancelled" in page.locator("#rt-live").inner_text()

    # The mouse: drag a meeting into a free cell.
    page.goto(f"/roundtable/runs/{run.id}")
    page.drag_and_drop(f'td.rt-cell[data-draft="{b.id}"] .rt-meeting',
                       f'td.rt-cell[data-slot="{slots[2].id}"][data-table="3"]')
    page.wait_for_url(re.compile(rf"moved={b.id}"))
    assert _place(b.id) == (slots[2].id, fair.session.tables[2].id)
    # CSRF is on here: the same move without the form's token is refused.
    forged = page.request.post(f"/roundtable/runs/{run.id}/move", headers=JSON, form={
        "move-draft_id": str(b.id), "move-slot_id": str(slots[3].id), "move-table_id": "1"})
    assert forged.status == 400
    assert _place(b.id) == (slots[2].id, fair.session.tables[2].id)


def test_keyboard_moves_a_meeting_to_another_day_and_back(fair, page, app):
    """Past a day's last time the arrows go on to the next day's grid (with fewer tables, the
    nearest column); Page Up jumps back a day; a time already begun is refused with its
    reason. Same endpoint and checks as the forms."""
    from datetime import UTC, datetime, timedelta

    app.config["WTF_CSRF_ENABLED"] = True
    second_day = make_session(fair.event, day=fair.event.starts_on + timedelta(days=1),
                              table_count=2)
    run = hand_run(fair, [(0, 0, 7, 2)])  # the first day's last slot, table 3
    draft = run.drafts[0]
    # The time just before it has begun (today, five minutes ago).
    begun = fair.slots[6]
    length = begun.ends_at - begun.starts_at
    begun.starts_at = datetime.now(UTC) - timedelta(minutes=5)
    begun.ends_at = begun.starts_at + length
    db.session.commit()
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_log_in(page, fair.organiser)
    page.goto(f"/roundtable/runs/{run.id}")
    assert "Page Down" in page.locator("#rt-dnd-help").inner_text()

    # A begun time is greyed and refused with the service's reason; nothing moves.
    assert page.locator("tr.rt-begun td.rt-cell").count() == 3
    _cell(page, fair.slots[7], 3).get_by_role("button", name=re.compile("Move meeting")).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.dataset.slot") == str(begun.id)
    page.keyboard.press("Enter")
    alert = page.locator("#rt-live[role=alert]")
    alert.wait_for()
    assert "has already begun or is over: choose a later time" in alert.inner_text()
    assert _place(draft.id) == (fair.slots[7].id, fair.session.tables[2].id)

    page.keyboard.press("Enter")  # focus is back on the move button
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("[document.activeElement.dataset.slot, document.activeElement.dataset.table,"
                            " document.activeElement.getAttribute('aria-label')]")
    assert focused[:2] == [str(second_day.slots[0].id), "2"]
    second_title = page.locator("h3").nth(1).inner_text()
    assert focused[2].startswith(second_title)  # heard with its day
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"moved={draft.id}"))
    assert _place(draft.id) == (second_day.slots[0].id, second_day.tables[1].id)
    assert "The meeting has been moved." in page.locator("#rt-live").inner_text()

    # Back to the first day with Page Up: same time row, same table column.
    page.keyboard.press("Space")
    page.keyboard.press("PageUp")
    assert page.evaluate("document.activeElement.dataset.slot") == str(fair.slots[0].id)
    page.keyboard.press("Enter")
    # The address is the same ?moved= as before: wait for the reloaded grid instead.
    expect(_cell(page, fair.slots[0], 2)).to_have_class(re.compile("rt-moved"))
    assert _place(draft.id) == (fair.slots[0].id, fair.session.tables[1].id)


def test_wide_grid_scrolls_in_a_focusable_region_with_a_sticky_time_column(fair, page):
    event = make_event()
    session = make_session(event, table_count=30)
    orgs = [make_exhibitor(event).organisation for _ in range(2)]
    wide = Fair(event, session, orgs, fair.buyers, [make_user("rep", organisation=o) for o in orgs],
                fair.organiser)
    run = hand_run(wide, [(0, 0, 0, 29), (1, 1, 0, 0)])
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_log_in(page, fair.organiser)
    page.goto(f"/roundtable/runs/{run.id}")
    region = page.locator(".rt-grid-wrap")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    region.focus()
    page.keyboard.press("End")  # the focused region scrolls with the keyboard
    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    time_cell = page.locator(".rt-grid tbody th").first
    assert abs(time_cell.bounding_box()["x"] - region.bounding_box()["x"]) < 3
    # The last table's meeting is in view next to the time column, its full names in the title.
    last = page.locator(f'td.rt-cell[data-draft="{run.drafts[0].id}"] .rt-meeting')
    assert last.is_visible() and orgs[0].name in last.get_attribute("title")


def test_timetable_mail_tells_each_rep_which_meeting_is_theirs(fair, request_ctx):
    from matchmaker.models import User
    from matchmaker.services.meetings.sessions import set_attendance

    org = fair.orgs[0]
    first_rep = fair.reps[0]
    second_rep = make_user("rep", organisation=org, name="Zoe Second", locale="en")
    db.session.get(User, first_rep.id).locale = "en"
    set_attendance(fair.event, org, [first_rep, second_rep])
    db.session.commit()
    run = hand_run(fair, [(0, 0, 0, 0), (1, 0, 0, 1)])  # two buyers meet org 0 at once
    publish.publish(run, fair.organiser)
    db.session.commit()
    mails = {m.recipient: m.body_text for m in db.session.scalars(db.select(OutboxMessage))}
    first, second = mails[first_rep.email], mails[second_rep.email]
    assert first.count(" · you") == 1 and "rep: Zoe Second" in first
    assert second.count(" · you") == 1 and f"rep: {first_rep.name}" in second
