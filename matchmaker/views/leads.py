"""Leads: lists and annotation for reps and organisers, exports, the badge scanner, and the
buyer's page of who holds their contact details."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.choices import select_choices
from matchmaker.forms.leads import BadgeCodeForm, LeadFilterForm, LeadForm
from matchmaker.labels import country_choices
from matchmaker.models import Event, Exhibitor, Lot, Organisation
from matchmaker.models.base import utcnow
from matchmaker.models.leads import Lead
from matchmaker.services import offline_scans, print_jobs
from matchmaker.services.leads import annotate, consent, exports
from matchmaker.services.leads.badges import scan_badge
from matchmaker.services.leads.labels import RATING_LABELS, SOURCE_LABELS
from matchmaker.services.leads.queries import (
    LeadFilter,
    can_see_lead,
    can_see_leads,
    lead_list_query,
)
from matchmaker.services.matching import contact

bp = Blueprint("leads", __name__)

PER_PAGE = 50
# Above this many leads the XLSX is built in the background (CSV always streams).
XLSX_DIRECT_LIMIT = 5000
# Offline scans may be sent days later; their own time is kept within these bounds.


def _require_lead_viewer() -> None:
    if not can_see_leads(current_user):
        abort(403)


def _filter_form() -> LeadFilterForm:
    form = LeadFilterForm(request.args)
    if current_user.is_organiser:
        events = db.session.scalars(db.select(Event).order_by(Event.starts_on.desc())).all()
        organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name))
        form.organisation.choices = select_choices(
            [(None, _("Any")), *((o.id, o.name) for o in organisations)])
    else:
        events = db.session.scalars(
            db.select(Event).join(Exhibitor, Exhibitor.event_id == Event.id)
            .where(Exhibitor.organisation_id == current_user.organisation_id)
            .order_by(Event.starts_on.desc())
        ).all()
        form.organisation.choices = select_choices([(None, _("Any"))])
    form.event.choices = select_choices([(None, _("Any")), *((e.id, e.name) for e in events)])
    form.country.choices = select_choices([("", _("Any")), *country_choices()])
    return form


def _lead_filter(form: LeadFilterForm) -> LeadFilter:
    valid = form.validate()
    return LeadFilter(
        event_id=form.event.data if valid else None,
        organisation_id=form.organisation.data if valid and current_user.is_organiser else None,
        source=form.source.data or None if valid else None,
        rating=form.rating.data or None if valid else None,
        country=form.country.data or None if valid else None,
        date_from=form.date_from.data if valid else None,
        date_to=form.date_to.data if valid else None,
    )


@bp.get("/leads")
@login_required
def index():
    _require_lead_viewer()
    form = _filter_form()
    lead_filter = _lead_filter(form)
    page = db.paginate(lead_list_query(current_user, lead_filter), per_page=PER_PAGE,
                       error_out=False)
    shares = consent.shares_map(page.items)
    export_args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("leads/index.html", form=form, page=page, shares=shares,
                           export_args=export_args, rating_labels=RATING_LABELS,
                           source_labels=SOURCE_LABELS)


def _load_lead(lead_id: int) -> Lead:
    lead = db.get_or_404(Lead, lead_id)
    if not can_see_lead(current_user, lead):
        abort(403)
    return lead


@bp.route("/leads/<int:lead_id>", methods=["GET", "POST"])
@login_required
def detail(lead_id: int):
    lead = _load_lead(lead_id)
    form = LeadForm(obj=None if request.method == "POST" else lead)
    own_lots = db.session.scalars(
        db.select(Lot).where(Lot.organisation_id == lead.organisation_id).order_by(Lot.lot_code)
    ).all()
    form.lots.choices = select_choices(
        (lot.id, f"{lot.lot_code} · {lot.name_es or lot.name_en}") for lot in own_lots)
    if request.method == "GET":
        form.lots.data = [lot.id for lot in lead.lots]
        form.rating.data = lead.rating or ""
    status = 200
    if form.validate_on_submit():
        try:
            annotate.update_lead(
                lead, rating=form.rating.data or None, tags=form.tags.data or "",
                notes=form.notes.data or "", follow_up_action=form.follow_up_action.data or "",
                follow_up_due=form.follow_up_due.data, lot_ids=form.lots.data or [],
            )
        except DomainError as error:
            error.params.setdefault("field", {"too_many_tags": "tags", "foreign_lot": "lots",
                                              "bad_rating": "rating"}.get(error.code))
            status = web.refused(error, form)
        else:
            flash(_("Lead saved."), "success")
            return redirect(url_for("leads.detail", lead_id=lead.id))
    elif request.method == "POST":
        status = 422
    if request.method == "GET":
        form.tags.data = ", ".join(lead.tag_list)
    return render_template(
        "leads/detail.html", lead=lead, form=form,
        shares=consent.shares_contact(lead.buyer, lead.organisation_id),
        source_labels=SOURCE_LABELS, rating_labels=RATING_LABELS,
    ), status


@bp.get("/leads/export.csv")
@login_required
def export_csv():
    _require_lead_viewer()
    lead_filter = _lead_filter(_filter_form())
    chunks = exports.csv_chunks(current_user, lead_filter)
    filename = f"leads-{utcnow():%Y%m%d-%H%M}.csv"
    return Response(
        stream_with_context(chunks), content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "private, no-store"},
    )


@bp.route("/leads/export.xlsx", methods=["GET", "POST"])
@login_required
def export_xlsx():
    """The leads as a spreadsheet; a large one is prepared in the background after a POST."""
    _require_lead_viewer()
    lead_filter = _lead_filter(_filter_form())
    total = db.session.scalar(
        db.select(db.func.count()).select_from(lead_list_query(current_user, lead_filter)
                                               .order_by(None).subquery())
    )
    limit = current_app.config.get("LEADS_XLSX_DIRECT_LIMIT", XLSX_DIRECT_LIMIT)
    if total > limit:
        # Writing that many cells takes longer than a request may wait (bench/lead_export.py),
        # and queuing the job is a write: the GET asks, the POST (same filters) queues it.
        if request.method == "GET":
            return render_template("leads/export_prepare.html", total=total,
                                   action=url_for("leads.export_xlsx", **request.args))
        web.require_action()
        job = print_jobs.queue_lead_export(current_user, lead_filter, total,
                                           str(get_locale() or "es"))
        web.after_commit(lambda: print_jobs.start(job))  # the worker reads the job row
        return redirect(url_for("printables.job", public_id=job.public_id))
    output = exports.xlsx_to_tempfile(current_user, lead_filter)
    size = output.seek(0, 2)
    output.seek(0)
    filename = f"leads-{utcnow():%Y%m%d-%H%M}.xlsx"
    return Response(
        _file_chunks(output),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Content-Length": str(size), "Cache-Control": "private, no-store"},
    )


def _file_chunks(output, chunk_size: int = 64 * 1024):
    # Closing the anonymous temporary file deletes it, also when the download is aborted.
    try:
        while chunk := output.read(chunk_size):
            yield chunk
    finally:
        output.close()


def _require_scanner() -> None:
    if not current_user.is_approved_rep:
        abort(403)


@bp.route("/leads/scan", methods=["GET", "POST"])
@login_required
def scan():
    """The badge scanner page; its manual form also works without JavaScript."""
    _require_scanner()
    form = BadgeCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            lead = scan_badge(current_user, form.code.data)
        except DomainError as error:
            status = web.refused(error, form, fallback="code")
        else:
            flash(_("Lead saved: %(name)s.", name=lead.buyer.name), "success")
            return redirect(url_for("leads.detail", lead_id=lead.id))
    elif request.method == "POST":
        status = 422
    return render_template("leads/scan.html", form=form), status


@bp.post("/leads/scan.json")
@login_required
def scan_json():
    """Record one badge scan sent by the scanner page (maybe from its offline queue).

    Body: {"code": "...", "client_key": "<uuid>", "scanned_at": "<ISO time>"}. Re-sending the
    same client_key returns the same lead without recording the scan again.
    """
    _require_scanner()
    payload = request.get_json(silent=True) or {}
    code = payload.get("code")
    client_key = payload.get("client_key") or None
    if not isinstance(code, str) or (client_key is not None and not isinstance(client_key, str)):
        return jsonify(error={"code": "invalid", "message": _("Send a badge code.")}), 400
    try:
        lead = scan_badge(current_user, code, client_key=client_key,
                          at=offline_scans.scanned_at(payload.get("scanned_at")))
    except DomainError as error:
        return web.refused_json(error)
    profile = lead.buyer.buyer_profile
    return jsonify(
        lead_id=lead.id, url=url_for("leads.detail", lead_id=lead.id), buyer=lead.buyer.name,
        company=profile.company if profile else "", country=profile.country if profile else "",
        scans=sum(1 for s in lead.sources if s.kind == "badge_scan"),
    )


def _require_buyer() -> None:
    if not current_user.is_buyer:
        abort(403)


@bp.get("/my-contacts")
@login_required
def contacts():
    """A buyer's page: which organisations hold their details, with a withdraw button."""
    _require_buyer()
    profile = current_user.buyer_profile
    holders = consent.contact_holders(current_user)
    reps = {h.organisation.id: contact.rep_contacts(current_user, h.organisation,
                                                    contact.lead_lot(current_user, h.organisation))
            for h in holders if h.shares}
    return render_template("leads/contacts.html", holders=holders, rep_contacts=reps,
                           default=bool(profile and profile.share_contact_default))


@bp.post("/my-contacts/<int:organisation_id>")
@login_required
def set_consent(organisation_id: int):
    _require_buyer()
    organisation = db.get_or_404(Organisation, organisation_id)
    web.require_action()
    shares = request.form.get("shares") == "1"
    consent.set_consent(current_user, organisation, shares)
    flash(_("%(name)s now sees your e-mail and phone.", name=organisation.name) if shares else
          _("%(name)s no longer sees your e-mail and phone.", name=organisation.name), "success")
    return redirect(url_for("leads.contacts"))


@bp.post("/my-contacts/default")
@login_required
def set_default():
    _require_buyer()
    web.require_action()
    consent.set_default(current_user, request.form.get("shares") == "1")
    flash(_("Your default was saved."), "success")
    return redirect(url_for("leads.contacts"))
