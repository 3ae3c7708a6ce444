"""Organiser back office: events, exhibitors, users and the mail outbox."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker import web
from matchmaker.access import get_event, organiser_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms import ActionForm
from matchmaker.forms.events import EventForm, ExhibitorForm
from matchmaker.models import Event, Exhibitor, Organisation, OutboxMessage, User
from matchmaker.services import accounts
from matchmaker.services import events as event_service
from matchmaker.templating import is_safe_next

bp = Blueprint("admin", __name__, url_prefix="/admin")

EVENT_FIELDS = ("name", "city", "venue", "starts_on", "ends_on", "timezone", "description_es",
                "description_en", "is_published", "ice_ny_usd_mt", "ice_ny_on", "ice_london_gbp_t",
                "ice_london_on", "usd_per_gbp", "usd_per_gbp_on", "pen_per_usd", "pen_per_usd_on")


@bp.get("/")
@organiser_required
def index():
    pending_reps = db.session.scalar(
        db.select(db.func.count()).select_from(User).where(User.role == "rep", User.is_approved.is_(False))
    )
    events = db.session.scalars(db.select(Event).order_by(Event.starts_on.desc())).all()
    return render_template("admin/index.html", events=events, pending_reps=pending_reps)


def _save_event(event: Event | None):
    form = EventForm(obj=event)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in EVENT_FIELDS}
        try:
            event = event_service.save_event(event, **fields)
        except DomainError as error:
            status = web.refused(error, form, fallback="ends_on")
            return render_template("admin/event_form.html", form=form, event=event), status
        flash(_("The event has been saved."), "success")
        return redirect(url_for("admin.event", slug=event.slug))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/event_form.html", form=form, event=event), status


@bp.route("/events/new", methods=["GET", "POST"])
@organiser_required
def create_event():
    return _save_event(None)


@bp.route("/events/<slug>/edit", methods=["GET", "POST"])
@organiser_required
def edit_event(slug: str):
    return _save_event(get_event(slug, manage=True))


@bp.route("/events/<slug>", methods=["GET", "POST"])
@organiser_required
def event(slug: str):
    """An event's exhibitors, with the form to register another."""
    event = get_event(slug, manage=True)
    form = ExhibitorForm()
    taken = {e.organisation_id for e in event.exhibitors}
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    form.organisation_id.choices = [(0, "—")] + [
        (o.id, o.name) for o in organisations if o.id not in taken
    ]
    status = 200
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data)
        if organisation is None:
            form.organisation_id.errors.append(_("Choose an organisation."))
            status = 422
        else:
            try:
                event_service.register_exhibitor(event, organisation, form.booth.data)
            except DomainError as error:
                status = web.refused(error, form, fallback="booth")
            else:
                flash(_("%(org)s exhibits at booth %(booth)s.", org=organisation.name,
                        booth=form.booth.data.strip().upper()), "success")
                return redirect(url_for("admin.event", slug=event.slug))
    elif form.is_submitted():
        status = 422
    return render_template(
        "admin/event.html", event=event, form=form,
        exhibitors=event_service.exhibitors_of(event),
    ), status


@bp.post("/events/<slug>/exhibitors/<int:exhibitor_id>/remove")
@organiser_required
def remove_exhibitor(slug: str, exhibitor_id: int):
    event = get_event(slug, manage=True)
    exhibitor = db.get_or_404(Exhibitor, exhibitor_id)
    if exhibitor.event_id != event.id:
        abort(404)
    if ActionForm().validate_on_submit():
        event_service.remove_exhibitor(exhibitor)
        flash(_("The exhibitor has been removed."), "info")
    return redirect(url_for("admin.event", slug=event.slug))


@bp.get("/users")
@organiser_required
def users():
    role = request.args.get("role", "")
    query = db.select(User).order_by(User.is_approved, User.role, User.name)
    if role in ("organiser", "rep", "buyer"):
        query = query.where(User.role == role)
    if request.args.get("pending"):
        query = query.where(User.role == "rep", User.is_approved.is_(False))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, role=role)


@bp.post("/users/<int:user_id>/<any(approve, suspend, activate, deactivate):action>")
@organiser_required
def user_action(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    web.require_action()
    if user.id == current_user.id and action == "deactivate":
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("admin.users"))
    try:
        if action in ("approve", "suspend"):
            accounts.set_approval(user, action == "approve")
        else:
            accounts.set_active(user, action == "activate")
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("admin.users"))
    flash(_("%(name)s has been updated.", name=user.name), "success")
    back = request.form.get("back")
    return redirect(back if is_safe_next(back) else url_for("admin.users"))


@bp.get("/outbox")
@organiser_required
def outbox():
    page = db.paginate(
        db.select(OutboxMessage).order_by(OutboxMessage.id.desc()), per_page=50, error_out=False
    )
    return render_template("admin/outbox.html", page=page)


@bp.get("/outbox/<int:message_id>")
@organiser_required
def outbox_message(message_id: int):
    return render_template("admin/outbox_message.html", message=db.get_or_404(OutboxMessage, message_id))
