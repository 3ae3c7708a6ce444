"""Printable PDFs: a booth poster and lot label sheets (direct), whole-event bundles (jobs)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import file_store, web
from matchmaker.access import get_event
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms import ActionForm
from matchmaker.input_guard import db_int
from matchmaker.models import Exhibitor, Lot
from matchmaker.models.qr import PrintJob
from matchmaker.services import print_jobs, printables

bp = Blueprint("printables", __name__, url_prefix="/printables")


def _pdf(data: bytes, filename: str):
    response = make_response(data)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _is_rep_of(organisation_id: int) -> bool:
    return current_user.represents(organisation_id)


@bp.get("/events/<event_slug>")
@login_required
def index(event_slug: str):
    """What the user may print for an event: organisers everything, reps their booth."""
    event = get_event(event_slug)
    if current_user.is_organiser:
        exhibitors = printables.event_exhibitors(event)
    elif current_user.is_approved_rep:
        exhibitors = [e for e in printables.event_exhibitors(event)
                      if current_user.represents(e.organisation_id)]
    else:
        abort(403)
    jobs = []
    if current_user.is_organiser:
        jobs = db.session.scalars(
            db.select(PrintJob).where(PrintJob.event_id == event.id)
            .order_by(PrintJob.created_at.desc()).limit(10)
        ).all()
    return render_template("printables/index.html", event=event, exhibitors=exhibitors, jobs=jobs)


@bp.get("/events/<event_slug>/booths/<int:exhibitor_id>/poster.pdf")
@login_required
def poster(event_slug: str, exhibitor_id: int):
    event = get_event(event_slug)
    exhibitor = db.get_or_404(Exhibitor, exhibitor_id)
    if exhibitor.event_id != event.id:
        abort(404)
    if not (current_user.is_organiser or _is_rep_of(exhibitor.organisation_id)):
        abort(403)
    data = printables.booth_posters([exhibitor])
    return _pdf(data, f"poster-{exhibitor.booth}.pdf")


@bp.get("/lots/<lot_code>/labels.pdf")
@login_required
def labels(lot_code: str):
    lot = db.first_or_404(db.select(Lot).where(Lot.lot_code == lot_code))
    if not (current_user.is_organiser or _is_rep_of(lot.organisation_id)):
        abort(403)
    count = request.args.get("count", 21, type=db_int)
    try:
        data = printables.label_sheet(lot, count)
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("qr.codes"))
    return _pdf(data, f"labels-{lot.lot_code}.pdf")


@bp.post("/events/<event_slug>/jobs")
@login_required
def start_job(event_slug: str):
    """Queue all booth posters or all badges of an event (organisers)."""
    event = get_event(event_slug)
    if not current_user.is_organiser:
        abort(403)
    kind = request.form.get("kind", "")
    if not ActionForm().validate_on_submit() or kind not in print_jobs.KINDS:
        abort(400)
    job = print_jobs.queue_job(event, kind, current_user, str(get_locale() or "es"))
    web.after_commit(lambda: print_jobs.start(job))  # the worker reads the job row
    return redirect(url_for("printables.job", public_id=job.public_id))


def _job_or_404(public_id: str) -> PrintJob:
    job = db.first_or_404(db.select(PrintJob).where(PrintJob.public_id == public_id))
    # A lead export or a report holds what its requester may see, so only they fetch it.
    allowed = (current_user.id == job.requested_by_id if job.kind in print_jobs.PERSONAL_KINDS
               else current_user.is_organiser)
    if not allowed:
        abort(403)
    return job


@bp.get("/jobs/<public_id>")
@login_required
def job(public_id: str):
    return render_template("printables/job.html", job=_job_or_404(public_id))


@bp.get("/jobs/<public_id>.json")
@login_required
def job_status(public_id: str):
    job = _job_or_404(public_id)
    return jsonify(
        status=job.status, done=job.done, total=job.total, percent=job.percent,
        attempts=job.attempts, error=job.error if job.status == "failed" else "",
        download_url=url_for("printables.download", public_id=job.public_id)
        if job.status == "done" else None,
    )


@bp.post("/jobs/<public_id>/retry")
@login_required
def retry(public_id: str):
    """Queue a failed job again (a worker died too often, or BASE_URL was missing)."""
    job = _job_or_404(public_id)
    web.require_action()
    if job.status != "failed":
        flash(_("Only a failed job can be tried again."), "error")
        return redirect(url_for("printables.job", public_id=job.public_id))
    print_jobs.requeue(job)
    web.after_commit(lambda: print_jobs.start(job))
    return redirect(url_for("printables.job", public_id=job.public_id))


@bp.get("/jobs/<public_id>/file")
@login_required
def download(public_id: str):
    job = _job_or_404(public_id)
    if job.status != "done":
        abort(404)
    path = file_store.resolve(job.file_path)
    if not path.is_file():
        abort(410)  # removed after JOB_FILE_RETENTION_DAYS, or the store is not shared
    name = f"{job.kind}-{job.event.slug if job.event else job.created_at.strftime('%Y%m%d-%H%M')}"
    response = send_file(path, mimetype=print_jobs.MIMETYPES[job.kind],
                         as_attachment=job.kind not in ("posters", "badges"),
                         download_name=f"{name}.{print_jobs.EXTENSIONS[job.kind]}",
                         etag=job.file_sha256, conditional=True)
    response.headers["Cache-Control"] = "private, no-store"
    return response
