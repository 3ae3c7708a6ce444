"""Organisers import an event's participants from a registration sheet: upload, map the
columns (remembered per event), dry run, import. Invited people set their password at
/welcome/<token>. Also `flask import-participants`."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user

from matchmaker import web
from matchmaker.access import get_event, organiser_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.accounts import ResetPasswordForm
from matchmaker.forms.imports import UploadForm
from matchmaker.importing.fields import FIELDS, guess_mapping, missing_required
from matchmaker.importing.reading import Table, TableProblem, read_table
from matchmaker.models import Event
from matchmaker.services.imports import invitations, participants

bp = Blueprint("imports", __name__, cli_group=None)

KINDS = tuple(FIELDS)


def _store() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str) -> Path:
    # Tokens are ours (token_hex); anything else is a forged or stale link.
    if not (len(token) == 32 and all(c in "0123456789abcdef" for c in token)):
        abort(404)
    path = _store() / f"{token}.json"
    if not path.exists():
        abort(404)
    return path


def _load(event: Event, token: str) -> tuple[dict, Table]:
    saved = json.loads(_stored(token).read_text(encoding="utf-8"))
    if saved["event_id"] != event.id:
        abort(404)
    return saved, Table(saved["headers"], saved["rows"], saved["encoding"])


def _problem_text(problem: TableProblem) -> str:
    return _(problem.message) % problem.params if problem.params else _(problem.message)


@bp.route("/admin/events/<slug>/import", methods=["GET", "POST"])
@organiser_required
def upload(slug: str):
    event = get_event(slug, manage=True)
    form = UploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        try:
            table = read_table(storage.filename or "", storage.read())
        except TableProblem as problem:
            form.file.errors.append(_problem_text(problem))
            return render_template("imports/upload.html", event=event, form=form), 422
        token = secrets.token_hex(16)
        (_store() / f"{token}.json").write_text(json.dumps({
            "event_id": event.id, "kind": form.kind.data, "filename": storage.filename,
            "headers": table.headers, "rows": table.rows, "encoding": table.encoding,
        }, ensure_ascii=False), encoding="utf-8")
        return redirect(url_for("imports.mapping", slug=event.slug, token=token))
    status = 422 if form.is_submitted() else 200
    return render_template("imports/upload.html", event=event, form=form), status


@bp.route("/admin/events/<slug>/import/<token>/columns", methods=["GET", "POST"])
@organiser_required
def mapping(slug: str, token: str):
    event = get_event(slug, manage=True)
    saved, table = _load(event, token)
    kind = saved["kind"]
    chosen = guess_mapping(kind, table.headers, participants.remembered_mapping(event, kind))
    status = 200
    if request.method == "POST":
        web.require_action()
        chosen = {f.code: request.form.get(f"field-{f.code}", "") for f in FIELDS[kind]}
        chosen = {code: header for code, header in chosen.items() if header in table.headers}
        missing = missing_required(kind, chosen)
        if not missing:
            participants.remember_mapping(event, kind, chosen)
            return redirect(url_for("imports.review", slug=event.slug, token=token))
        flash(_("Choose a column for every required field: %(fields)s.",
                fields=", ".join(_(f.label) for f in missing)), "error")
        status = 422
    samples = {h: [row[i] for row in table.rows[:3]] for i, h in enumerate(table.headers)}
    return render_template("imports/mapping.html", event=event, token=token, saved=saved,
                           fields=FIELDS[kind], headers=table.headers, chosen=chosen,
                           samples=samples, rows=len(table.rows)), status


def _plan(event: Event, saved: dict, table: Table) -> participants.ImportPlan | None:
    kind = saved["kind"]
    mapping_now = participants.remembered_mapping(event, kind)
    if missing_required(kind, mapping_now):
        return None
    return participants.plan(event, kind, table, mapping_now)


@bp.route("/admin/events/<slug>/import/<token>/review", methods=["GET", "POST"])
@organiser_required
def review(slug: str, token: str):
    """The dry run (GET writes nothing, sends nothing); POST imports it all or nothing."""
    event = get_event(slug, manage=True)
    saved, table = _load(event, token)
    import_plan = _plan(event, saved, table)
    if import_plan is None:
        return redirect(url_for("imports.mapping", slug=event.slug, token=token))
    if request.method == "POST":
        web.require_action()
        try:
            counts = participants.apply(event, import_plan)
        except DomainError as error:
            web.refused(error, message=_("Nothing was imported: %(reason)s",
                                         reason=error.message))
            return redirect(url_for("imports.review", slug=event.slug, token=token))
        web.after_commit(lambda: _stored(token).unlink(missing_ok=True))
        flash(ngettext("Imported: %(num)d created", "Imported: %(num)d created",
                       counts["create"]) + " · " +
              _("%(updated)d updated, %(unchanged)d unchanged, %(refused)d refused.",
                updated=counts["update"], unchanged=counts["unchanged"],
                refused=counts["refuse"]), "success")
        return redirect(url_for("admin.event", slug=event.slug))
    return render_template("imports/review.html", event=event, token=token, saved=saved,
                           plan=import_plan)


@bp.app_template_filter("problem")
def _problem_filter(problem: participants.Problem) -> str:
    params = {k: _(v) if k == "field" else v for k, v in problem.params.items()}
    return _(problem.message) % params


# Invited people choose their password -----------------------------------------------------

@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(token, form.password.data)
        except DomainError as error:
            status = web.refused(error)
            return render_template("imports/welcome.html", form=form), status
        login_user(user)
        flash(_("Your password is set. Welcome to matchmaker."), "success")
        if user.is_buyer:
            return redirect(url_for("matching.demand", welcome=1))
        return redirect(url_for("main.home"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("main.home"))
    return render_template("imports/welcome.html", form=form)


# CLI -------------------------------------------------------------------------------------

@bp.cli.command("import-participants")
@click.argument("event_slug")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", type=click.Choice(KINDS), default="buyers", show_default=True)
@click.option("--dry-run", is_flag=True, help="Show what would happen; write and send nothing.")
@with_appcontext
def import_command(event_slug: str, path: str, kind: str, dry_run: bool) -> None:
    """Import an event's exhibitors or buyers from a CSV or XLSX registration sheet."""
    event = db.session.scalar(db.select(Event).where(Event.slug == event_slug))
    if event is None:
        raise click.ClickException(f"No event with the slug {event_slug}.")
    file = Path(path)
    # Translated messages and e-mails need a request's locale machinery.
    with current_app.test_request_context(headers={"Accept-Language": "en"}):
        try:
            table = read_table(file.name, file.read_bytes())
        except TableProblem as problem:
            raise click.ClickException(str(problem)) from problem
        mapping_now = guess_mapping(kind, table.headers,
                                    participants.remembered_mapping(event, kind))
        missing = missing_required(kind, mapping_now)
        if missing:
            raise click.ClickException(
                "No column found for: " + ", ".join(f.label for f in missing)
                + ". Map the columns once in the import page; the mapping is remembered.")
        import_plan = participants.plan(event, kind, table, mapping_now)
        for row in import_plan.rows:
            detail = "; ".join(p.message % p.params for p in row.problems) or \
                ", ".join(row.changes)
            click.echo(f"row {row.number:>4}  {row.action:<9}  {row.label}"
                       + (f"  ({detail})" if detail else ""))
        counts = import_plan.counts
        summary = (f"{counts['create']} to create, {counts['update']} to update, "
                   f"{counts['unchanged']} unchanged, {counts['refuse']} refused")
        if dry_run:
            db.session.rollback()
            click.echo(f"Dry run: {summary}. Nothing written, nothing sent.")
            return
        try:
            participants.apply(event, import_plan)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(f"Nothing was imported: {error.message}") from error
        db.session.commit()  # a command, not a request: the kernel does not commit it
        click.echo(f"Imported: {summary}.")
