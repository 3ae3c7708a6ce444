"""The main screens of each role in the demo fair, for the screenshot script and the
accessibility tests: one list, so that both look at the same pages.

Call inside an application and request context (paths come from `url_for`), after
`seed_demo()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from matchmaker.demo.people import DEMO_PASSWORD
from matchmaker.extensions import db
from matchmaker.models import ConsolidatedOffer, Event, Lot, Meeting, Organisation, User
from matchmaker.models.roundtable import ScheduleRun
from matchmaker.services.roundtable import runs

# The demo account each role logs in with (anonymous: nobody).
ACCOUNTS = {
    "anonymous": None,
    "buyer": "anna.becker@schokolade.demo",
    "rep": "rosa.mishaja@infierno.demo",
    "organiser": "organiser@expoamazonica.demo",
}
PASSWORD = DEMO_PASSWORD


@dataclass(frozen=True)
class Screen:
    role: str
    key: str  # file-name friendly: "rep-lot-editor"
    title: str
    path: str


def prepare_roundtable(time_limit_s: int = 5) -> ScheduleRun:
    """The demo fair's latest roundtable run, generated once (synchronously) if there is none."""
    event = db.session.scalar(db.select(Event).order_by(Event.id))
    run = runs.latest_run(event)
    if run is None:
        organiser = db.session.scalar(db.select(User).where(User.email == ACCOUNTS["organiser"]))
        run = runs.start_run(event, organiser, time_limit_s=time_limit_s)
        db.session.commit()
        runs.execute(run.id)
        db.session.commit()
    return run


def main_screens() -> list[Screen]:
    """Every role's main screens in the demo, in reading order."""
    event = db.session.scalar(db.select(Event).order_by(Event.id))
    rep = db.session.scalar(db.select(User).where(User.email == ACCOUNTS["rep"]))
    rep_lot = db.session.scalar(db.select(Lot).where(
        Lot.organisation_id == rep.organisation_id, Lot.is_published.is_(True))
        .order_by(Lot.lot_code))
    offer = db.session.scalar(db.select(ConsolidatedOffer).where(
        ConsolidatedOffer.status == "published").order_by(ConsolidatedOffer.id))
    run = runs.latest_run(event)
    organisation = db.session.get(Organisation, rep.organisation_id)
    buyer = db.session.scalar(db.select(User).where(User.email == ACCOUNTS["buyer"]))
    # A meeting the buyer and the rep's organisation both see (the meeting page of each side).
    meeting = db.session.scalar(db.select(Meeting).where(
        Meeting.buyer_id == buyer.id, Meeting.organisation_id == rep.organisation_id)
        .order_by(Meeting.id))
    screens = [
        Screen("anonymous", "home", "Home", url_for("main.home")),
        Screen("anonymous", "catalogue", "Catalogue", url_for("lots.catalogue")),
        Screen("anonymous", "lot", "Lot page", url_for("lots.detail", lot_code=rep_lot.lot_code)),
        Screen("anonymous", "producer", "Producer page",
               url_for("organisations.detail", slug=organisation.slug)),
        Screen("anonymous", "signup", "Sign up", url_for("auth.signup")),
        Screen("anonymous", "login", "Log in", url_for("auth.login")),
        Screen("buyer", "recommendations", "Recommendations", url_for("matching.home")),
        Screen("buyer", "agenda", "Agenda", url_for("agenda.mine", event=event.slug)),
        Screen("buyer", "badge", "Badge", url_for("qr.my_badge")),
        Screen("buyer", "lot", "Lot page", url_for("lots.detail", lot_code=rep_lot.lot_code)),
        Screen("buyer", "requests", "My requests", url_for("lots.my_requests")),
        Screen("buyer", "meetings", "My meetings", url_for("meetings.index")),
        Screen("rep", "desk", "Today (landing)", url_for("desk.today")),
        Screen("rep", "lots", "My lots", url_for("lot_editor.index")),
        Screen("rep", "lot-editor", "Lot editor",
               url_for("lot_editor.overview", lot_code=rep_lot.lot_code)),
        Screen("rep", "meetings", "Meeting requests", url_for("meetings.index")),
        Screen("rep", "leads", "Leads", url_for("leads.index")),
        Screen("rep", "scanner", "Badge scanner", url_for("leads.scan")),
        Screen("rep", "wishes", "Roundtable wishes",
               url_for("roundtable.wishes_edit", event_slug=event.slug)),
        Screen("organiser", "event", "Event page", url_for("admin.event", slug=event.slug)),
        Screen("organiser", "dashboard", "Dashboard",
               url_for("dashboard.event", event_slug=event.slug)),
        Screen("organiser", "leads", "Leads", url_for("leads.index")),
        Screen("organiser", "printables", "Printables",
               url_for("printables.index", event_slug=event.slug)),
        Screen("organiser", "check-in", "Entrance check-in",
               url_for("dashboard.check_in_desk", event_slug=event.slug)),
    ]
    if meeting is not None:
        screens.insert(next(i for i, s in enumerate(screens) if s.key == "meetings") + 1,
                       Screen("buyer", "meeting", "Meeting page",
                              url_for("meetings.detail", meeting_id=meeting.id)))
        screens.insert(next(i for i, s in enumerate(screens)
                            if s.role == "rep" and s.key == "meetings") + 1,
                       Screen("rep", "meeting", "Meeting page (who sits at it)",
                              url_for("meetings.detail", meeting_id=meeting.id)))
    if offer is not None:
        screens.insert(3, Screen("anonymous", "offer", "Offer page",
                                 url_for("offers.detail", offer_code=offer.offer_code)))
    if run is not None:
        at = next(i for i, s in enumerate(screens) if s.key == "dashboard")
        screens[at:at] = [
            Screen("organiser", "timetable", "Roundtable timetable",
                   url_for("roundtable.run", run_id=run.id) + "#timetable"),
            # The confirmation before "publish" e-mails everyone (shown while unpublished).
            Screen("organiser", "publish-confirm", "Publish confirmation",
                   url_for("roundtable.confirm_publish", run_id=run.id)),
        ]
    return screens
