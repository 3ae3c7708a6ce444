"""Personal agendas (page, one-page PDF), unavailable periods and the secret calendar feed."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.access import role_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.meetings import UnavailabilityForm
from matchmaker.models import Event, Unavailability
from matchmaker.services.meetings import agenda, calendar, printouts, seats, sessions
from matchmaker.urls import external_url

bp = Blueprint("agenda", __name__)

participant_required = role_required("buyer", "rep")


def _event_for(user, slug: str | None) -> Event | None:
    events = agenda.agenda_events(user)
    if slug:
        event = next((e for e in events if e.slug == slug), None)
        if event is None:
            abort(404)
        return event
    today = date.today()
    return next((e for e in events if e.ends_on >= today), events[-1] if events else None)


def _check_rep_approved() -> None:
    if current_user.is_rep and not current_user.is_approved:
        abort(403)


@bp.get("/agenda/")
@participant_required
def mine():
    """The person's meetings at one event, by day, printable (print CSS) and as a PDF."""
    _check_rep_approved()
    event = _event_for(current_user, request.args.get("event"))
    meetings = []
    if event is not None:
        meetings = agenda.meetings_of(current_user, event)
    feed = calendar.feed_of(current_user)
    feed_url = external_url("agenda.feed", token=feed.token) if feed else None
    return render_template(
        "agenda/mine.html", event=event, meetings=meetings, events=agenda.agenda_events(current_user),
        feed_url=feed_url,
        covering=seats.seats_of_rep_view(current_user, event.id, meetings) if event else {},
    )


@bp.get("/agenda/<event_slug>.pdf")
@participant_required
def pdf(event_slug: str):
    _check_rep_approved()
    event = _event_for(current_user, event_slug)
    document = printouts.agenda_pdf(current_user, event, agenda.meetings_of(current_user, event))
    return document, 200, {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="agenda-{event.slug}.pdf"',
    }


# Unavailable periods ---------------------------------------------------------------------

def _owner_kwargs() -> dict:
    if current_user.is_buyer:
        return {"user": current_user}
    return {"organisation": current_user.organisation}


@bp.route("/agenda/<event_slug>/unavailability", methods=["GET", "POST"])
@participant_required
def unavailability(event_slug: str):
    """A buyer marks when they cannot meet; a rep does so for the whole organisation."""
    _check_rep_approved()
    event = _event_for(current_user, event_slug)
    form = UnavailabilityForm()
    form.offer_days(event)
    status = 200
    if form.validate_on_submit():
        try:
            sessions.add_unavailability(event, **form.period(event), **_owner_kwargs())
        except DomainError as error:
            status = web.refused(error, form, fallback="ends_local")
        else:
            flash(_("Saved: nobody can book you in that period."), "success")
            return redirect(url_for("agenda.unavailability", event_slug=event.slug))
    elif form.is_submitted():
        status = 422
    periods = sessions.unavailability_of(event, **_owner_kwargs())
    return render_template("agenda/unavailability.html", event=event, form=form,
                           periods=periods), status


@bp.post("/agenda/unavailability/<int:period_id>/remove")
@participant_required
def remove_unavailability(period_id: int):
    _check_rep_approved()
    period = db.get_or_404(Unavailability, period_id)
    mine = (period.user_id == current_user.id) if current_user.is_buyer else (
        current_user.represents(period.organisation_id))
    if not mine:
        abort(403)
    web.require_action()
    event = db.session.get(Event, period.event_id)
    sessions.remove_unavailability(period)
    flash(_("The period has been removed."), "info")
    return redirect(url_for("agenda.unavailability", event_slug=event.slug))


# Calendar feed -------------------------------------------------------------------------------

@bp.post("/agenda/calendar/regenerate")
@login_required
def regenerate_feed():
    """Create the secret feed URL, or replace it (the old one stops working)."""
    web.require_action()
    calendar.regenerate_feed(current_user)
    flash(_("Your calendar link is ready. Add it to your calendar app as a subscription."),
          "success")
    return redirect(url_for("agenda.mine", event=request.form.get("event") or None))


@bp.post("/agenda/calendar/revoke")
@login_required
def revoke_feed():
    web.require_action()
    calendar.revoke_feed(current_user)
    flash(_("Your calendar link has been switched off."), "info")
    return redirect(url_for("agenda.mine", event=request.form.get("event") or None))


@bp.get("/calendar/<token>.ics")
@web.writes_on_get("calendar apps poll by GET; last_used_at shows the user the link is in use")
def feed(token: str):
    """The subscribable feed; the token in the URL is the only key, so it is long and random."""
    user = calendar.user_for_token(token)
    if user is None:
        abort(404)
    body = calendar.feed_bytes(user)
    return body, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="matchmaker.ics"',
        "Cache-Control": "private, max-age=300",
        "X-Robots-Tag": "noindex",
    }
