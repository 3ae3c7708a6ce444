"""Booking pages: a buyer books an organisation's free slot; both sides answer, cancel, mark."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.access import get_organisation
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.meetings import BookingForm, CancelForm, DeclineForm, ProposeForm
from matchmaker.input_guard import db_int
from matchmaker.models import Event, Lot, Meeting, Slot, User
from matchmaker.models.base import utcnow
from matchmaker.services.events import booking_event
from matchmaker.services.matching import contact
from matchmaker.services.meetings import agenda, booking, dayof, rules, seats
from matchmaker.services.meetings.availability import free_slots
from matchmaker.services.meetings.calendar import meeting_ics
from matchmaker.services.meetings.localtime import day_label, slot_label
from matchmaker.templating import is_safe_next

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _locale() -> str:
    return str(get_locale() or "es")


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting, or 404; 403 unless the user is its buyer, a rep of its organisation or an
    organiser."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if not rules.can_view(current_user, meeting):
        abort(403)
    return meeting


def _slot_groups(slots: list[Slot], event: Event) -> list[tuple[str, list[Slot]]]:
    locale = _locale()
    return [(day, list(group)) for day, group in
            groupby(slots, key=lambda s: day_label(s.starts_at, event, locale))]


@bp.route("/book/<org_slug>", methods=["GET", "POST"])
@login_required
def book(org_slug: str):
    """An organisation's free slots; a buyer picks one, optionally lots and a message.

    ?offer=<offer_code> makes the meeting about one of the cooperative's published offers.
    """
    organisation = get_organisation(org_slug)
    offer = _booking_offer(organisation, request.args.get("offer"))
    if not current_user.is_buyer:
        abort(403)
    event = booking_event(organisation, request.args.get("event"))
    lots = list(db.session.scalars(
        db.select(Lot).where(Lot.organisation_id == organisation.id, Lot.is_published.is_(True))
        .order_by(Lot.lot_code)
    ))
    form = BookingForm()
    form.lot_ids.choices = [(lot.id, f"{lot.lot_code} · {lot.name_en or lot.name_es}"
                             if _locale() == "en" else
                             f"{lot.lot_code} · {lot.name_es or lot.name_en}") for lot in lots]
    if request.method == "GET":
        wanted = request.args.get("lot", type=db_int)
        form.lot_ids.data = [wanted] if wanted in {lot.id for lot in lots} else []
    now = utcnow()
    slots: list[Slot] = []
    if event is not None:
        slots = free_slots(event, organisation, current_user, now=now)
    form.slot_id.choices = [(s.id, "") for s in slots]
    status = 200
    if event is not None and form.validate_on_submit():
        slot = db.session.get(Slot, form.slot_id.data)
        chosen = [lot for lot in lots if lot.id in (form.lot_ids.data or [])]
        try:
            if slot is None or slot.session.event_id != event.id:
                abort(404)
            meeting = booking.request_meeting(current_user, organisation, slot, lots=chosen,
                                              message=form.message.data or "", now=now,
                                              offer=offer)
        except DomainError as error:
            status = web.refused(error, form)
            slots = free_slots(event, organisation, current_user, now=now)
        else:
            return web.done(_("Your request has been sent to %(org)s. We will e-mail you their "
                              "answer.", org=organisation.name),
                            "meetings.detail", meeting_id=meeting.id)
    elif form.is_submitted():
        status = 422
    existing = None
    if event is not None:
        existing = db.session.scalar(
            db.select(Meeting).where(
                Meeting.event_id == event.id, Meeting.buyer_id == current_user.id,
                Meeting.organisation_id == organisation.id,
                Meeting.status.in_(("requested", "proposed", "accepted")),
            ).limit(1)
        )
    return render_template(
        "meetings/book.html", organisation=organisation, event=event, form=form,
        slot_groups=_slot_groups(slots, event) if event else [], lots=lots, existing=existing,
        offer=offer,
    ), status


def _booking_offer(organisation, offer_code: str | None):
    """The published offer of `organisation` named in ?offer=, None without one; else 404."""
    if not offer_code:
        return None
    from matchmaker.services.offers.page import load_offer

    offer = load_offer(offer_code)
    if offer is None or not offer.is_public or offer.cooperative_id != organisation.id:
        abort(404)
    return offer


@bp.get("/")
@login_required
def index():
    """My meetings: what waits for my answer, what waits for the other side, what is confirmed."""
    if current_user.is_organiser:
        return redirect(url_for("admin.index"))
    meetings = agenda.meetings_of(current_user, statuses=(
        "requested", "proposed", "accepted", "held", "no_show", "declined", "cancelled",
        "expired"))
    my_turn = "proposed" if current_user.is_buyer else "requested"
    their_turn = "requested" if current_user.is_buyer else "proposed"
    return render_template(
        "meetings/index.html",
        to_answer=[m for m in meetings if m.status == my_turn],
        waiting=[m for m in meetings if m.status == their_turn],
        confirmed=[m for m in meetings if m.status in ("accepted", "held", "no_show")],
        closed=[m for m in meetings if m.status in ("declined", "cancelled", "expired")][-20:],
    )


@bp.get("/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    return _render_detail(load_meeting(meeting_id), utcnow())


def _render_detail(meeting: Meeting, now, status: int = 200, *, decline_form=None,
                   propose_form=None, cancel_form=None):
    actions = rules.allowed_actions(current_user, meeting, now)
    propose_form = propose_form or ProposeForm()
    if "propose" in actions:
        options = [s for s in free_slots(meeting.event, meeting.organisation, meeting.buyer,
                                         now=now, exclude_meeting_id=meeting.id)
                   if s.id != meeting.slot_id]
        propose_form.slot_id.choices = [
            (s.id, slot_label(s.starts_at, s.ends_at, meeting.event, _locale())) for s in options
        ]
    org_side = rules.is_org_side(current_user, meeting) and meeting.is_active
    is_buyer = rules.is_buyer_side(current_user, meeting)
    return render_template(
        "meetings/detail.html", meeting=meeting, actions=actions, is_buyer=is_buyer,
        covering_rep=seats.covering_reps([meeting])[meeting.id],
        seat_reps=seats.organisation_reps(meeting.event_id, meeting.organisation_id)
        if org_side else [],
        rep_contacts=contact.rep_contacts(meeting.buyer, meeting.organisation,
                                          meeting.lots[0] if meeting.lots else None)
        if is_buyer and current_user.id == meeting.buyer_id else [],
        decline_form=decline_form or DeclineForm(), propose_form=propose_form,
        cancel_form=cancel_form or CancelForm(),
    ), status


def _finish(meeting: Meeting, call, success: str, *, forms: dict | None = None):
    """Run a service call for a POST: redirect to the meeting, or re-render it refused."""
    try:
        call()
    except DomainError as error:
        status = web.refused(error, next(iter((forms or {}).values()), None))
        return _render_detail(db.session.get(Meeting, meeting.id), utcnow(), status,
                              **(forms or {}))
    return web.done(success, "meetings.detail", meeting_id=meeting.id)


@bp.post("/<int:meeting_id>/rep")
@login_required
def assign_rep(meeting_id: int):
    """The organisation's reps say which of them sits at this meeting."""
    meeting = load_meeting(meeting_id)
    if not rules.is_org_side(current_user, meeting):
        abort(403)
    web.require_action()
    rep = db.session.get(User, request.form.get("rep_id", type=db_int) or 0)
    if rep is None:
        abort(400)
    return _finish(meeting, lambda: seats.assign_rep(meeting, rep),
                   _("%(name)s will be at this meeting.", name=rep.name))


@bp.post("/<int:meeting_id>/accept")
@login_required
def accept(meeting_id: int):
    meeting = load_meeting(meeting_id)
    web.require_action()
    return _finish(meeting, lambda: booking.accept(meeting, current_user),
                   _("The meeting is confirmed."))


@bp.post("/<int:meeting_id>/decline")
@login_required
def decline(meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return _render_detail(meeting, utcnow(), 422, decline_form=form)
    return _finish(meeting, lambda: booking.decline(meeting, current_user, form.reason.data or ""),
                   _("The meeting has been declined."), forms={"decline_form": form})


@bp.post("/<int:meeting_id>/propose")
@login_required
def propose(meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = ProposeForm()
    slot_id = request.form.get("slot_id", type=db_int)
    slot = db.session.get(Slot, slot_id) if slot_id else None
    # Which times are free is the service's question; the form checks CSRF and lengths.
    form.slot_id.choices = [(slot.id, "")] if slot is not None else []
    if slot is None or not form.validate_on_submit():
        if slot is None:
            form.slot_id.errors = [_("Choose a time.")]
        return _render_detail(meeting, utcnow(), 422, propose_form=form)
    return _finish(meeting, lambda: booking.propose(meeting, current_user, slot,
                                                    form.note.data or ""),
                   _("We have proposed the new time to the buyer."),
                   forms={"propose_form": form})


@bp.post("/<int:meeting_id>/cancel")
@login_required
def cancel(meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _render_detail(meeting, utcnow(), 422, cancel_form=form)
    return _finish(meeting, lambda: booking.cancel(meeting, current_user, form.reason.data or ""),
                   _("The meeting has been cancelled."), forms={"cancel_form": form})


@bp.post("/<int:meeting_id>/mark/<any(held, no_show):outcome>")
@login_required
def mark(meeting_id: int, outcome: str):
    meeting = load_meeting(meeting_id)
    web.require_action()
    back = request.form.get("back", "")
    try:
        dayof.mark_outcome(meeting, current_user, outcome)
    except DomainError as error:
        status = web.refused(error)
        if is_safe_next(back):
            return redirect(back)
        return _render_detail(db.session.get(Meeting, meeting.id), utcnow(), status)
    flash(_("Marked as held.") if outcome == "held" else _("Marked as no-show."), "success")
    if is_safe_next(back):
        return redirect(back)
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.get("/<int:meeting_id>.ics")
@login_required
def ics(meeting_id: int):
    """The meeting as a calendar file, worded for the person downloading it, in the language
    they are reading the site in."""
    meeting = load_meeting(meeting_id)
    return (
        meeting_ics(meeting, current_user, _locale()), 200,
        {"Content-Type": "text/calendar; charset=utf-8",
         "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )
