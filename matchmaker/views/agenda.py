"""Personal agendas (page, one-page PDF), unavailable periods and the secret calendar feed."""

from __future__ import annotations

import functools
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.access import role_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.meetings import UnavailabilityForm
from matchmaker.fragments import render_blocks, serve_blocks, stamp_connection
from matchmaker.models import CalendarFeed, Event, Exhibitor, Meeting, Unavailability
from matchmaker.page_cache import PageCache
from matchmaker.services.meetings import agenda, calendar, printouts, seats, sessions
from matchmaker.urls import external_url

bp = Blueprint("agenda", __name__)

participant_required = role_required("buyer", "rep")


def _event_for(user, slug: str | None, events: list[Event] | None = None) -> Event | None:
    events = agenda.agenda_events(user) if events is None else events
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
    if current_app.config.get("PAGE_CACHE_DISABLED"):
        return render_template("agenda/mine.html", **_agenda_context())
    # Opened again and again at a fair: the page's blocks are kept per person, filters and
    # language, and checked against one row of counts and change times of what they show;
    # names of tables and events edited elsewhere show up within the cache's TTL.
    user = current_user
    with stamp_connection() as connection:
        version = tuple(connection.execute(_agenda_stamp(), {
            "user": user.id, "org": user.organisation_id if user.is_rep else None,
            "buyer": user.id if user.is_buyer else None,
        }).one())
    profile = user.buyer_profile if user.is_buyer else None
    key = (user.id, user.name, profile.company if profile else None, str(get_locale()),
           tuple(sorted(request.args.items(multi=True))), date.today())
    pages = agenda_pages()
    page = pages.get(key, version)
    if page is None:
        page = pages.put(key, version, render_blocks("agenda/mine.html", ("title", "content"),
                                                     **_agenda_context()))
    response = Response(serve_blocks(page.body), mimetype="text/html")
    response.vary.add("Cookie")
    return response


def _agenda_context() -> dict:
    events = agenda.agenda_events(current_user)
    event = _event_for(current_user, request.args.get("event"), events)
    meetings = []
    if event is not None:
        meetings = agenda.meetings_of(current_user, event)
    feed = calendar.feed_of(current_user)
    feed_url = external_url("agenda.feed", token=feed.token) if feed else None
    return dict(event=event, meetings=meetings, events=events, feed_url=feed_url,
                covering=seats.seats_of_rep_view(current_user, event.id, meetings)
                if event else {})


@functools.cache
def _agenda_stamp():
    """What an agenda shows, as one row: the person's (or their organisation's) meetings,
    the organisation's exhibitor rows, open events, the calendar feed's token."""
    meeting, exhibitor = Meeting.__table__, Exhibitor.__table__
    event, feed = Event.__table__, CalendarFeed.__table__
    mine = sa.or_(meeting.c.buyer_id == sa.bindparam("buyer"),
                  meeting.c.organisation_id == sa.bindparam("org"))
    return sa.select(
        sa.select(sa.func.count()).select_from(meeting).where(mine).scalar_subquery(),
        sa.select(sa.func.max(meeting.c.updated_at)).where(mine).scalar_subquery(),
        sa.select(sa.func.count()).select_from(exhibitor)
        .where(exhibitor.c.organisation_id == sa.bindparam("org")).scalar_subquery(),
        sa.select(sa.func.count()).select_from(event)
        .where(event.c.is_archived.is_(False)).scalar_subquery(),
        sa.select(feed.c.token).where(feed.c.user_id == sa.bindparam("user")).scalar_subquery(),
    )


def agenda_pages() -> PageCache:
    """This app's stored agenda blocks (a short TTL: tables and events are renamed elsewhere)."""
    return current_app.extensions.setdefault("agenda_page_cache",
                                             PageCache(max_entries=1000, ttl=30.0))


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
