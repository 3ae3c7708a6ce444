"""Browser: the organiser finds the badges and posters page, generates a roundtable, moves a
meeting (and is refused a clashing move with a reason), publishes, and a buyer sees the
meeting in their agenda."""

from __future__ import annotations

from matchmaker.extensions import db
from matchmaker.models import DraftMeeting, Meeting, ScheduleRun
from tests.roundtable.conftest import browser_log_in


def test_organiser_generates_adjusts_publishes_and_buyer_sees_agenda(fair, page, app):
    buyers, orgs = fair.buyers[:2], fair.orgs[:2]
    for buyer in buyers:
        for org in orgs:
            fair.wish(buyer, org, "must", "must")

    browser_log_in(page, fair.organiser)
    page.goto(f"/admin/events/{fair.event.slug}")
    # The badges and posters page is reachable from the event page (and the scheduler's).
    page.get_by_role("link", name="Badges and booth posters").click()
    page.wait_for_url(f"**/printables/events/{fair.event.slug}")
    page.go_back()
    page.get_by_role("link", name="Roundtable scheduler").click()
    assert page.get_by_role("link", name="Badges and booth posters").is_visible()
    page.fill("#time_limit_s", "2")
    page.get_by_role("button", name="Generate timetable").click()
    # The progress page polls and switches to the timetable when the run ends.
    page.get_by_role("heading", name="Quality report").wait_for(timeout=60_000)
    assert page.locator("table.rt-grid").count() == 1

    db.session.expire_all()
    run = db.session.scalar(db.select(ScheduleRun).order_by(ScheduleRun.id.desc()))
    drafts = list(db.session.scalars(db.select(DraftMeeting).where(DraftMeeting.run_id == run.id)))
    assert len(drafts) == 4
    draft = drafts[0]
    busy = next(d for d in drafts if d.buyer_id == draft.buyer_id and d.id != draft.id)

    # A clashing move is refused with the reason.
    page.select_option("#move-draft_id", str(draft.id))
    page.select_option("#move-slot_id", str(busy.slot_id))
    page.get_by_role("button", name="Move", exact=True).click()
    assert "already meets" in page.locator(".flashes").inner_text()
    db.session.expire_all()
    assert db.session.get(DraftMeeting, draft.id).slot_id == draft.slot_id

    # A move to a time where both sides are free goes through.
    used = {(d.slot_id, p) for d in drafts if d.id != draft.id
            for p in (("b", d.buyer_id), ("o", d.organisation_id))}
    target = next(s for s in fair.slots if s.id != draft.slot_id
                  and (s.id, ("b", draft.buyer_id)) not in used
                  and (s.id, ("o", draft.organisation_id)) not in used)
    page.select_option("#move-draft_id", str(draft.id))
    page.select_option("#move-slot_id", str(target.id))
    page.get_by_role("button", name="Move", exact=True).click()
    # Shown once, beside the grid (the layout's message area stays empty: it used to repeat it).
    assert "The meeting has been moved." in page.locator("#rt-live").inner_text()
    assert page.get_by_text("The meeting has been moved.").count() == 1
    assert page.locator(".flashes").count() == 0

    # Publishing e-mails people: a confirmation page says how many first.
    page.get_by_role("link", name="Publish to everyone's agenda").click()
    assert "4 people will get an e-mail" in page.locator(".publish-mails").inner_text()
    page.get_by_role("button", name="Publish and send 4 e-mails").click()
    assert "has been published" in page.locator(".flashes").inner_text()
    db.session.expire_all()
    moved = db.session.scalar(db.select(Meeting).where(
        Meeting.buyer_id == draft.buyer_id, Meeting.organisation_id == draft.organisation_id,
        Meeting.status == "accepted"))
    assert moved.slot_id == target.id and moved.source == "roundtable"

    buyer = db.session.get(type(fair.buyers[0]), draft.buyer_id)
    browser_log_in(page, buyer)
    page.goto(f"/agenda/?event={fair.event.slug}")
    agenda = page.locator("table.agenda").inner_text()
    for org in orgs:
        assert org.name in agenda
