"""Organiser and association dashboards, charts with their tables and CSV, the post-fair
report, check-ins, meeting outcomes, the follow-up list, archiving and data deletion."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.access import organiser_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms import ActionForm
from matchmaker.forms.dashboard import CheckInForm, OutcomeForm, ReportForm
from matchmaker.input_guard import db_int
from matchmaker.models import CheckIn, Event, Exhibitor, Lot, Meeting, Organisation, User
from matchmaker.printing.tabular import csv_stream
from matchmaker.services import checkins, offline_scans, print_jobs, privacy
from matchmaker.services import dashboard as figures_service
from matchmaker.services import outcomes as outcome_service

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def _is_rep_of(user, organisation_id: int) -> bool:
    return user.represents(organisation_id)


def load_scope(event_slug: str, org_slug: str | None) -> tuple[Event, Organisation | None]:
    """The event (404) and optional organisation (404); organisers see any scope, a rep only
    their own organisation's, everybody else nothing (403)."""
    event = db.first_or_404(db.select(Event).where(Event.slug == event_slug))
    organisation = None
    if org_slug:
        organisation = db.first_or_404(db.select(Organisation).where(Organisation.slug == org_slug))
    if not current_user.is_authenticated:
        abort(401)
    if current_user.is_organiser:
        return event, organisation
    if organisation is not None and _is_rep_of(current_user, organisation.id):
        return event, organisation
    abort(403)


def _scope_args(organisation: Organisation | None) -> dict:
    return {"org": organisation.slug} if organisation else {}


@bp.route("/")
@login_required
def index():
    """Events with a dashboard the user may open."""
    if current_user.is_organiser:
        events = db.session.scalars(db.select(Event).order_by(Event.starts_on.desc())).all()
    elif current_user.is_approved_rep:
        events = db.session.scalars(
            db.select(Event).join(Exhibitor, Exhibitor.event_id == Event.id)
            .where(Exhibitor.organisation_id == current_user.organisation_id)
            .order_by(Event.starts_on.desc())).all()
    else:
        abort(403)
    return render_template("dashboard/index.html", events=events)


@bp.route("/events/<event_slug>")
@login_required
def event(event_slug: str):
    event, organisation = load_scope(event_slug, request.args.get("org")
                                     or _rep_default_org(event_slug))
    figures = figures_service.event_figures(event, organisation)
    tables = figures_service.chart_tables(figures)
    charts = [(table, figures_service.render_chart(table)) for table in tables.values()]
    organisations = []
    if current_user.is_organiser:
        organisations = db.session.scalars(
            db.select(Organisation).join(Exhibitor, Exhibitor.organisation_id == Organisation.id)
            .where(Exhibitor.event_id == event.id).order_by(Organisation.name)).all()
    return render_template("dashboard/event.html", event=event, organisation=organisation,
                           headline=figures_service.headline(figures), charts=charts,
                           organisations=organisations, scope=_scope_args(organisation),
                           report_form=ReportForm(request.args))


def _rep_default_org(event_slug: str) -> str | None:
    """Reps land on their own organisation's dashboard without naming it."""
    if current_user.is_authenticated and current_user.is_rep and current_user.organisation:
        return current_user.organisation.slug
    return None


def _table(event_slug: str, key: str):
    event, organisation = load_scope(event_slug, request.args.get("org"))
    tables = figures_service.chart_tables(figures_service.event_figures(event, organisation))
    if key not in tables:
        abort(404)
    return event, organisation, tables[key]


@bp.route("/events/<event_slug>/charts/<key>.svg")
@login_required
def chart(event_slug: str, key: str):
    _event, _organisation, table = _table(event_slug, key)
    return Response(figures_service.render_chart(table), mimetype="image/svg+xml")


@bp.route("/events/<event_slug>/charts/<key>.csv")
@login_required
def chart_csv(event_slug: str, key: str):
    event, organisation, table = _table(event_slug, key)
    name = f"{event.slug}-{organisation.slug + '-' if organisation else ''}{key}.csv"
    return Response(csv_stream(table.header, table.rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/events/<event_slug>/charts/<key>")
@login_required
def chart_table(event_slug: str, key: str):
    event, organisation, table = _table(event_slug, key)
    return render_template("dashboard/table.html", event=event, organisation=organisation,
                           table=table, scope=_scope_args(organisation))


@bp.post("/events/<event_slug>/report")
@login_required
def report_job(event_slug: str):
    """Queue the post-fair report (PDF or XLSX) in the chosen language; a worker renders it
    and the job page offers the file to the person who asked for it."""
    event, organisation = load_scope(event_slug, request.form.get("org"))
    form = ReportForm(request.form)
    kind = {"pdf": "report_pdf", "xlsx": "report_xlsx"}.get(request.form.get("kind", ""))
    web.require_action()
    if kind is None or not form.validate():
        abort(400)
    job = print_jobs.queue_report(event, organisation, kind, form.lang.data or "es",
                                  current_user)
    web.after_commit(lambda: print_jobs.start(job))  # the worker reads the job row
    return redirect(url_for("printables.job", public_id=job.public_id))


# Organiser tools ---------------------------------------------------------------------------

@bp.route("/events/<event_slug>/buyers")
@organiser_required
def buyers(event_slug: str):
    event = db.first_or_404(db.select(Event).where(Event.slug == event_slug))
    return render_template("dashboard/buyers.html", event=event,
                           buyers=figures_service.registered_buyers(event))


@bp.route("/events/<event_slug>/buyers/<int:buyer_id>/check-in", methods=["POST"])
@organiser_required
def check_in(event_slug: str, buyer_id: int):
    event = db.first_or_404(db.select(Event).where(Event.slug == event_slug))
    buyer = db.get_or_404(User, buyer_id)
    web.require_action()
    try:
        figures_service.check_in(event, buyer, current_user)
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("dashboard.buyers", event_slug=event.slug))
    flash(_("%(name)s is checked in.", name=buyer.name), "success")
    return redirect(url_for("dashboard.buyers", event_slug=event.slug))


def _checked_in_count(event: Event) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(CheckIn)
                             .where(CheckIn.event_id == event.id))


def _check_in_message(result: checkins.BadgeCheckIn) -> str:
    if result.already:
        return _("%(name)s was already checked in.", name=result.buyer.name)
    return _("%(name)s is checked in.", name=result.buyer.name)


@bp.route("/events/<event_slug>/check-in", methods=["GET", "POST"])
@organiser_required
def check_in_desk(event_slug: str):
    """The entrance: scan badges with the camera, or type the code (works without JS)."""
    event = db.first_or_404(db.select(Event).where(Event.slug == event_slug))
    form = CheckInForm()
    status = 200
    if form.validate_on_submit():
        try:
            result = checkins.check_in_badge(event, form.code.data, current_user)
        except DomainError as error:
            status = web.refused(error, form, fallback="code")
        else:
            flash(_check_in_message(result), "warning" if result.already else "success")
            return redirect(url_for("dashboard.check_in_desk", event_slug=event.slug))
    elif request.method == "POST":
        status = 422
    return render_template("dashboard/check_in.html", event=event, form=form,
                           checked_in=_checked_in_count(event)), status


@bp.post("/events/<event_slug>/check-in.json")
@organiser_required
def check_in_json(event_slug: str):
    """One badge scanned at the entrance, sent by the scanner script (maybe from its queue).

    Body: {"code": "...", "scanned_at": "<ISO time>"}; a badge sent twice checks in once.
    """
    event = db.first_or_404(db.select(Event).where(Event.slug == event_slug))
    payload = request.get_json(silent=True) or {}
    code = payload.get("code")
    if not isinstance(code, str):
        return jsonify(error={"code": "invalid", "message": _("Send a badge code.")}), 400
    try:
        result = checkins.check_in_badge(event, code, current_user,
                                         at=offline_scans.scanned_at(payload.get("scanned_at")))
    except DomainError as error:
        return web.refused_json(error)
    profile = result.buyer.buyer_profile
    return jsonify(buyer=result.buyer.name, company=profile.company if profile else "",
                   already=result.already,
                   note=_("already checked in") if result.already else "",
                   checked_in=_checked_in_count(event))


@bp.route("/events/<event_slug>/archive", methods=["POST"])
@organiser_required
def archive(event_slug: str):
    event = db.first_or_404(db.select(Event).where(Event.slug == event_slug))
    web.require_action()
    archived = request.form.get("archived", "1") == "1"
    privacy.archive_event(event, archived=archived)
    flash(_("The event is archived.") if archived else _("The event is visible again."), "success")
    return redirect(url_for("dashboard.event", event_slug=event.slug))


@bp.route("/buyers/<int:buyer_id>/delete-personal-data", methods=["GET", "POST"])
@organiser_required
def delete_buyer(buyer_id: int):
    buyer = db.get_or_404(User, buyer_id)
    if not buyer.is_buyer:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        if request.form.get("confirm_email", "").strip().lower() != buyer.email:
            flash(_("Type the buyer's e-mail address to confirm."), "error")
            return render_template("dashboard/delete_buyer.html", buyer=buyer), 422
        privacy.delete_buyer_personal_data(buyer)
        flash(_("The buyer's personal data is deleted; anonymous counts are kept."), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("dashboard/delete_buyer.html", buyer=buyer)


# Outcomes and follow-up --------------------------------------------------------------------

@bp.route("/meetings/<int:meeting_id>/outcome", methods=["GET", "POST"])
@login_required
def outcome(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    if not outcome_service.can_record(current_user, meeting):
        abort(403)
    org_side = current_user.is_organiser or _is_rep_of(current_user, meeting.organisation_id)
    existing = outcome_service.outcome_of(meeting)
    form = OutcomeForm(obj=existing) if request.method == "GET" else OutcomeForm()
    lots = db.session.scalars(db.select(Lot).where(Lot.organisation_id == meeting.organisation_id)
                              .order_by(Lot.lot_code)).all()
    form.lot_ids.choices = [(lot.id, f"{lot.lot_code} {lot.name_es or lot.name_en}") for lot in lots]
    if request.method == "GET":
        form.lot_ids.data = [lot.id for lot in existing.lots] if existing else [
            lot.id for lot in meeting.lots]
        if meeting.status in ("held", "no_show"):
            form.attendance.data = meeting.status
    if not org_side:
        del form.attendance
    status = 200
    if form.validate_on_submit():
        data = outcome_service.OutcomeInput(
            attendance=form.attendance.data or "" if org_side else "",
            interest_level=form.interest_level.data, lot_ids=form.lot_ids.data or [],
            samples_requested=form.samples_requested.data, volume_range=form.volume_range.data,
            price_discussed=form.price_discussed.data or "", next_step=form.next_step.data or "",
            next_step_due=form.next_step_due.data, deal_value_range=form.deal_value_range.data,
            notes=form.notes.data or "")
        try:
            outcome_service.record_outcome(meeting, current_user, data)
        except DomainError as error:
            status = web.refused(error)
        else:
            flash(_("Outcome saved."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 422
    return render_template("dashboard/outcome.html", meeting=meeting, form=form,
                           org_side=org_side), status


@bp.route("/follow-up")
@login_required
def follow_up():
    try:
        items = outcome_service.follow_ups(current_user, event_id=request.args.get("event", type=db_int))
    except DomainError:
        abort(403)
    return render_template("dashboard/follow_up.html", items=items, today=date.today())
