"""Public organisation pages and their editing by reps and organisers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.access import can_edit_organisation, get_organisation, organiser_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.organisations import OrganisationForm
from matchmaker.labels import ORGANISATION_KINDS
from matchmaker.models import Exhibitor, Organisation
from matchmaker.services import organisations as service
from matchmaker.uploads import resolve

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def _cooperative_choices(exclude: Organisation | None) -> list[tuple[int, str]]:
    cooperatives = db.session.scalars(
        db.select(Organisation).where(Organisation.kind == "cooperative").order_by(Organisation.name)
    ).all()
    return [(0, _("None"))] + [(c.id, c.name) for c in cooperatives if c is not exclude]


@bp.get("/")
def index():
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all()
    return render_template("organisations/index.html", organisations=organisations)


@bp.get("/<slug>")
def detail(slug: str):
    organisation = get_organisation(slug)
    exhibits = db.session.scalars(
        db.select(Exhibitor).where(Exhibitor.organisation_id == organisation.id)
    ).all()
    return render_template(
        "organisations/detail.html", organisation=organisation, exhibits=exhibits,
        can_edit=can_edit_organisation(current_user, organisation),
    )


@bp.get("/<slug>/logo")
def logo(slug: str):
    organisation = get_organisation(slug)
    path = resolve(organisation.logo_path) if organisation.logo_path else None
    if path is None:
        abort(404)
    return send_file(path, max_age=86400)


def _save(form: OrganisationForm, organisation: Organisation | None, template: str):
    # Whether an organisation is a cooperative (it may then compose offers from others' lots)
    # and which cooperative it exports through are organisers' decisions: for reps the
    # fields are not in the form at all, so a crafted POST cannot set them either.
    decides_membership = current_user.is_organiser
    if decides_membership:
        form.cooperative_id.choices = _cooperative_choices(organisation)
        if request.method == "GET" and organisation is not None:
            form.cooperative_id.data = organisation.cooperative_id or 0
    else:
        del form.kind
        del form.cooperative_id
    if form.validate_on_submit():
        fields = {
            name: getattr(form, name).data or ""
            for name in ("name", "region", "province", "community", "description_es",
                         "description_en", "contact_email", "contact_phone", "website")
        }
        fields["ruc"] = form.ruc.data or None
        if decides_membership:
            fields["kind"] = form.kind.data
            fields["cooperative_id"] = form.cooperative_id.data or None
        try:
            organisation = service.save_organisation(organisation, logo=form.logo.data, **fields)
        except DomainError as error:
            status = web.refused(error)
            return _render(template, form, organisation), status
        flash(_("The organisation has been saved."), "success")
        return redirect(url_for("organisations.detail", slug=organisation.slug))
    status = 422 if form.is_submitted() else 200
    return _render(template, form, organisation), status


def _render(template: str, form: OrganisationForm, organisation: Organisation | None) -> str:
    kind_label = dict(ORGANISATION_KINDS).get(organisation.kind) if organisation else None
    return render_template(template, form=form, organisation=organisation, kind_label=kind_label)


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create():
    return _save(OrganisationForm(), None, "organisations/edit.html")


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    organisation = get_organisation(slug, edit=True)
    return _save(OrganisationForm(obj=organisation), organisation, "organisations/edit.html")
