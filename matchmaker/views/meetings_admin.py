"""Organisers' roundtable pages: sessions and tables, attending reps, walk-ins, sheets and grid."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from matchmaker import web
from matchmaker.access import get_event, organiser_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.meetings import (
    AttendanceForm,
    OrganiserUnavailabilityForm,
    SessionForm,
    TableForm,
    WalkinForm,
)
from matchmaker.input_guard import db_int
from matchmaker.labels import table_title
from matchmaker.models import (
    Event,
    Meeting,
    MeetingTable,
    Organisation,
    RoundtableSession,
    Slot,
    Unavailability,
    User,
)
from matchmaker.models.base import utcnow
from matchmaker.models.meetings import ACTIVE_STATUSES
from matchmaker.services import events as event_service
from matchmaker.services.meetings import agenda, dayof, printouts, sessions
from matchmaker.services.meetings.availability import free_slots, free_tables
from matchmaker.services.meetings.localtime import slot_label

bp = Blueprint("meetings_admin", __name__, url_prefix="/admin/events/<event_slug>/roundtable")

STATUS_FILTERS = ("requested", "proposed", "accepted", "held", "no_show", "declined",
                  "cancelled", "expired")


def _event(event_slug: str) -> Event:
    return get_event(event_slug, manage=True)


def _session(event: Event, session_id: int) -> RoundtableSession:
    session = db.get_or_404(RoundtableSession, session_id)
    if session.event_id != event.id:
        abort(404)
    return session


@bp.get("/")
@organiser_required
def overview(event_slug: str):
    """Sessions, counts and every meeting of the event (filterable by status)."""
    event = _event(event_slug)
    status = request.args.get("status", "")
    statuses = (status,) if status in STATUS_FILTERS else ACTIVE_STATUSES
    meetings = agenda.event_meetings(event, statuses=statuses)
    counts = dict(db.session.execute(
        db.select(Meeting.status, db.func.count()).where(Meeting.event_id == event.id)
        .group_by(Meeting.status)
    ).all())
    return render_template(
        "meetings/admin/overview.html", event=event, sessions=sessions.sessions_of(event),
        meetings=meetings, counts=counts, status=status, statuses=STATUS_FILTERS,
        now=utcnow(),
    )


def _setup_from(form: SessionForm) -> sessions.SessionSetup:
    return sessions.SessionSetup(
        day=form.day.data, starts_local=form.starts_local.data, ends_local=form.ends_local.data,
        meeting_minutes=form.meeting_minutes.data, changeover_minutes=form.changeover_minutes.data,
        table_count=form.table_count.data, expiry_hours=form.expiry_hours.data,
        breaks=form.parsed_breaks(), name=form.name.data or "", is_bookable=form.is_bookable.data,
    )


def _save_session(event: Event, session: RoundtableSession | None):
    form = SessionForm(obj=session)
    if request.method == "GET":
        if session is None:
            form.day.data = event.starts_on
        else:
            form.breaks.data = "\n".join(
                f"{b.starts_local:%H:%M}-{b.ends_local:%H:%M}" for b in session.breaks)
    status = 200
    if form.validate_on_submit():
        try:
            session = sessions.save_session(event, session, _setup_from(form))
        except DomainError as error:
            status = web.refused(error, form, fallback="day")
        else:
            flash(_("The session has been saved with %(n)d meeting times.", n=len(session.slots)),
                  "success")
            return redirect(url_for("meetings_admin.overview", event_slug=event.slug))
    elif form.is_submitted():
        status = 422
    return render_template("meetings/admin/session_form.html", event=event, form=form,
                           session=session), status


@bp.route("/sessions/new", methods=["GET", "POST"])
@organiser_required
def create_session(event_slug: str):
    return _save_session(_event(event_slug), None)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_session(event_slug: str, session_id: int):
    event = _event(event_slug)
    return _save_session(event, _session(event, session_id))


@bp.post("/sessions/<int:session_id>/delete")
@organiser_required
def delete_session(event_slug: str, session_id: int):
    event = _event(event_slug)
    session = _session(event, session_id)
    web.require_action()
    try:
        sessions.delete_session(session)
    except DomainError as error:
        web.refused(error)
    else:
        flash(_("The session has been deleted."), "info")
    return redirect(url_for("meetings_admin.overview", event_slug=event.slug))


@bp.route("/sessions/<int:session_id>/tables", methods=["GET", "POST"])
@organiser_required
def tables(event_slug: str, session_id: int):
    """Label tables or give them a video link; one small form per table."""
    event = _event(event_slug)
    session = _session(event, session_id)
    status = 200
    errors: dict[int, str] = {}
    if request.method == "POST":
        table = db.get_or_404(MeetingTable, request.form.get("table_id", type=db_int) or 0)
        if table.session_id != session.id:
            abort(404)
        form = TableForm()
        if form.validate_on_submit():
            try:
                sessions.update_table(table, label=form.label.data or "",
                                      video_url=form.video_url.data or "")
            except DomainError as error:
                status = web.undo(error)
                errors[table.id] = error.message
            else:
                flash(_("Table %(n)d has been saved.", n=table.number), "success")
                return redirect(url_for("meetings_admin.tables", event_slug=event.slug,
                                        session_id=session.id))
        else:
            errors[table.id] = " ".join(e for field in form.errors.values() for e in field)
            status = 422
    return render_template("meetings/admin/tables.html", event=event, session=session,
                           errors=errors), status


@bp.route("/attendance", methods=["GET", "POST"])
@organiser_required
def attendance(event_slug: str):
    """Which reps of each exhibiting organisation attend: each one is a seat per slot."""
    event = _event(event_slug)
    exhibitors = event_service.exhibitors_of(event)
    status = 200
    if request.method == "POST":
        organisation = db.get_or_404(Organisation, request.form.get("organisation_id", type=db_int) or 0)
        form = AttendanceForm()
        reps = [u for u in organisation.members if u.is_rep]
        form.rep_ids.choices = [(u.id, u.name) for u in reps]
        if form.validate_on_submit():
            chosen = [u for u in reps if u.id in (form.rep_ids.data or [])]
            try:
                sessions.set_attendance(event, organisation, chosen)
            except DomainError as error:
                status = web.refused(error)
            else:
                flash(_("%(org)s: %(n)d reps attending.", org=organisation.name, n=len(chosen)),
                      "success")
                return redirect(url_for("meetings_admin.attendance", event_slug=event.slug))
        else:
            status = 400
    rows = [
        (e.organisation, [u for u in e.organisation.members if u.is_rep],
         {u.id for u in sessions.attending_reps(event, e.organisation)})
        for e in exhibitors
    ]
    return render_template("meetings/admin/attendance.html", event=event, rows=rows), status


@bp.route("/unavailability", methods=["GET", "POST"])
@organiser_required
def unavailability(event_slug: str):
    """Organisers mark when a buyer or an exhibiting organisation cannot meet (often told by
    phone or on paper); the booking pages and the roundtable scheduler respect it."""
    event = _event(event_slug)
    form = OrganiserUnavailabilityForm()
    form.offer_days(event)
    owners = _unavailability_owners(event)
    form.who.choices = {
        str(_("Organisations")): [(key, label) for key, (label, kw) in owners.items()
                                  if "organisation" in kw],
        str(_("Buyers")): [(key, label) for key, (label, kw) in owners.items() if "user" in kw],
    }
    status = 200
    if form.validate_on_submit():
        label, owner = owners[form.who.data]
        try:
            sessions.add_unavailability(event, **form.period(event), **owner)
        except DomainError as error:
            status = web.refused(error, form, fallback="ends_local")
        else:
            flash(_("Saved: nobody can book %(who)s in that period.", who=label), "success")
            return redirect(url_for("meetings_admin.unavailability", event_slug=event.slug))
    elif form.is_submitted():
        status = 422
    return render_template("meetings/admin/unavailability.html", event=event, form=form,
                           periods=sessions.event_unavailability(event)), status


def _unavailability_owners(event: Event) -> dict[str, tuple[str, dict]]:
    """Choice key -> (label, add_unavailability keyword) for exhibitors and active buyers."""
    owners: dict[str, tuple[str, dict]] = {}
    for exhibitor in event_service.exhibitors_of(event):
        org = exhibitor.organisation
        owners[f"o-{org.id}"] = (f"{org.name} · {exhibitor.booth}", {"organisation": org})
    for buyer, label in _active_buyers():
        owners[f"b-{buyer.id}"] = (label, {"user": buyer})
    return owners


def _active_buyers() -> list[tuple[User, str]]:
    """Active buyers by name, each with a 'Name (Company)' label, profiles loaded at once."""
    buyers = db.session.scalars(
        db.select(User).where(User.role == "buyer", User.is_active.is_(True))
        .options(selectinload(User.buyer_profile)).order_by(User.name)
    ).all()
    return [(b, f"{b.name} ({b.buyer_profile.company})" if b.buyer_profile else b.name)
            for b in buyers]


@bp.post("/unavailability/<int:period_id>/remove")
@organiser_required
def remove_unavailability(event_slug: str, period_id: int):
    event = _event(event_slug)
    period = db.get_or_404(Unavailability, period_id)
    if period.event_id != event.id:
        abort(404)
    web.require_action()
    sessions.remove_unavailability(period)
    flash(_("The period has been removed."), "info")
    return redirect(url_for("meetings_admin.unavailability", event_slug=event.slug))


@bp.route("/walkin", methods=["GET", "POST"])
@organiser_required
def walkin(event_slug: str):
    """Book a buyer and an organisation into a free slot at once (confirmed, source walk-in)."""
    event = _event(event_slug)
    locale = str(get_locale() or "es")
    now = utcnow()
    # The GET form only narrows the choices (buyer, organisation → free times); the POST books.
    if request.method == "POST":
        form = WalkinForm()
    else:
        form = WalkinForm(request.args, meta={"csrf": False})
    exhibitors = event_service.exhibitors_of(event)
    form.buyer_id.choices = [(0, "—")] + [(b.id, label) for b, label in _active_buyers()]
    form.organisation_id.choices = [(0, "—")] + [
        (e.organisation.id, f"{e.organisation.name} · {e.booth}") for e in exhibitors]
    organisation = db.session.get(Organisation, form.organisation_id.data or 0)
    buyer = db.session.get(User, form.buyer_id.data or 0)
    slots: list[Slot] = []
    if organisation is not None:
        # Walk-ins happen on the day: slots still running count, and any session will do.
        slots = free_slots(event, organisation, buyer, now=now - _slot_grace(event),
                           bookable_only=False)
        slots = [s for s in slots if s.ends_at > now]
    form.slot_id.choices = [(0, "—")] + [
        (s.id, slot_label(s.starts_at, s.ends_at, event, locale)) for s in slots]
    slot = db.session.get(Slot, form.slot_id.data or 0)
    tables_free = free_tables(slot) if slot is not None else []
    form.table_id.choices = [(0, _("Automatic"))] + [
        (t.id, table_title(t)) for t in tables_free]
    status = 200
    if request.method == "POST" and request.form.get("book") and form.validate():
        if buyer is None or organisation is None or slot is None:
            flash(_("Choose a buyer, an organisation and a time."), "error")
            status = 422
        else:
            table = db.session.get(MeetingTable, form.table_id.data) if form.table_id.data else None
            try:
                meeting = dayof.book_walkin(current_user, buyer, organisation, slot, table=table,
                                            now=now)
            except DomainError as error:
                status = web.refused(error)
            else:
                flash(_("Walk-in booked: %(org)s meets %(buyer)s at table %(table)s.",
                        org=organisation.name, buyer=buyer.name,
                        table=meeting.table.display_name), "success")
                return redirect(url_for("meetings_admin.overview", event_slug=event.slug))
    elif request.method == "POST" and request.form.get("book"):
        status = 422
    return render_template("meetings/admin/walkin.html", event=event, form=form,
                           ready=bool(buyer and organisation and slot)), status


def _slot_grace(event: Event):

    # free_slots looks at slots starting after `now`; on the day a slot that started a few
    # minutes ago can still take a walk-in, so look back one meeting length.
    longest = max((s.meeting_minutes for s in sessions.sessions_of(event)), default=0)
    return timedelta(minutes=longest)


@bp.get("/grid")
@organiser_required
def grid(event_slug: str):
    event = _event(event_slug)
    return render_template("meetings/admin/grid.html", event=event,
                           grid=agenda.master_grid(event), now=utcnow())


@bp.get("/grid.pdf")
@organiser_required
def grid_pdf(event_slug: str):
    event = _event(event_slug)
    return _pdf(printouts.master_grid_pdf(event, agenda.master_grid(event)),
                f"grid-{event.slug}.pdf")


@bp.get("/tables.pdf")
@organiser_required
def table_sheets_pdf(event_slug: str):
    """A sheet per table (or one table with ?table=<id>) for the hosts to tick on the day."""
    event = _event(event_slug)
    table_id = request.args.get("table", type=db_int)
    sheets = agenda.table_sheets(event, table_id)
    if table_id and not sheets:
        abort(404)
    return _pdf(printouts.table_sheets_pdf(event, sheets), f"tables-{event.slug}.pdf")


def _pdf(document: bytes, filename: str):
    return document, 200, {"Content-Type": "application/pdf",
                           "Content-Disposition": f'inline; filename="{filename}"'}
