"""Lot editing by association reps (own organisation) and organisers (any lot), /my/lots."""

from __future__ import annotations

from datetime import date

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
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from matchmaker import web
from matchmaker.access import can_edit_lots_of
from matchmaker.errors import DomainError, ValidationFailed
from matchmaker.extensions import db
from matchmaker.forms import ActionForm
from matchmaker.forms import lots as forms
from matchmaker.input_guard import db_int
from matchmaker.lot_display import price_text
from matchmaker.lotsheet import units
from matchmaker.lotsheet.vocab import ISO_GRADE, SENSORY_PROTOCOL
from matchmaker.models import (
    Certificate,
    Lot,
    LotPhoto,
    Organisation,
    ProductionPlot,
    QualityAnalysis,
    SensoryEvaluation,
)
from matchmaker.services.lots import (
    analyses,
    certificates,
    editing,
    editing_eudr,
    photos,
    sensory,
)
from matchmaker.services.lots import plots as plot_service
from matchmaker.services.lots.pricing import market_references
from matchmaker.services.offers.exposure import offers_holding
from matchmaker.uploads import resolve

bp = Blueprint("lot_editor", __name__, url_prefix="/my/lots")

SECTIONS = {
    # url slug: (service section, form class, heading)
    "identity": ("identity", forms.IdentityForm),
    "origin": ("origin", forms.OriginForm),
    "post-harvest": ("post_harvest", forms.PostHarvestForm),
    "terms": ("terms", forms.TermsForm),
    "eudr": ("eudr", forms.EudrForm),
}
# Where each completeness requirement is filled in (see editing.missing_for_publish).
REQUIREMENT_PAGES = {
    "identity": ("lot_editor.section", {"section": "identity"}),
    "origin": ("lot_editor.section", {"section": "origin"}),
    "post_harvest": ("lot_editor.section", {"section": "post-harvest"}),
    "terms": ("lot_editor.section", {"section": "terms"}),
    "eudr": ("lot_editor.section", {"section": "eudr"}),
    "analyses": ("lot_editor.analyses_page", {}),
    "certificates": ("lot_editor.certificates_page", {}),
    "plots": ("lot_editor.plots", {}),
}


@bp.context_processor
def _vocabulary_labels():
    """`label(V.ISO_GRADE, code)`: a stored code's translated label in editor templates."""
    from matchmaker.lotsheet import vocab

    def label(vocabulary, code):
        return _(vocabulary.label(code)) if code in vocabulary else (code or "")

    return {"label": label, "V": vocab}


# Access ------------------------------------------------------------------------------------

def get_lot_for_edit(lot_code: str) -> Lot:
    """The lot with this code (404), if the current user may edit it (403)."""
    lot = db.first_or_404(db.select(Lot).where(Lot.lot_code == lot_code))
    if not can_edit_lots_of(current_user, lot.organisation_id):
        abort(403)
    return lot


def _child(model, child_id: int, lot: Lot):
    """A row that belongs to `lot`, else 404 (ids of other lots are not guessable proof)."""
    row = db.session.get(model, child_id)
    if row is None or row.lot_id != lot.id:
        abort(404)
    return row


def _editor_required() -> None:
    if not (current_user.is_organiser or current_user.is_approved_rep):
        abort(403)


# Helpers -----------------------------------------------------------------------------------

def _public_url(lot: Lot) -> str | None:
    if lot.is_published and "lots.detail" in current_app.view_functions:
        return url_for("lots.detail", lot_code=lot.lot_code)
    return None


def _overview(lot: Lot):
    return redirect(url_for("lot_editor.overview", lot_code=lot.lot_code))


def _organisation_choices() -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in db.session.scalars(
        db.select(Organisation).order_by(Organisation.name))]


# Lists, creation, overview -----------------------------------------------------------------

@bp.get("/")
@login_required
def index():
    _editor_required()
    organisation_id = request.args.get("organisation", type=db_int) if current_user.is_organiser else None
    lots = editing.lots_for_editor(current_user, organisation_id)
    organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name)).all() \
        if current_user.is_organiser else []
    return render_template("lot_editor/index.html", lots=lots, organisations=organisations,
                           organisation_id=organisation_id)


def _own_code_hint(form, organisation: Organisation) -> None:
    """The code hint in the organisation's own pattern, not another association's."""
    form.lot_code.description = _(
        "Suggested form: %(code)s (region, organisation, year, number).",
        code=editing.suggest_lot_code(organisation))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    _editor_required()
    if current_user.is_organiser:
        form = forms.NewLotForm()
        form.organisation_id.choices = _organisation_choices()
    else:
        form = forms.IdentityForm()
    organisation = current_user.organisation
    if request.method == "GET":
        chosen = request.args.get("organisation", type=db_int)
        if current_user.is_organiser:
            organisation = db.session.get(Organisation, chosen) if chosen else None
            form.organisation_id.data = chosen
        if organisation is not None:
            form.lot_code.data = editing.suggest_lot_code(organisation)
    if organisation is not None:
        _own_code_hint(form, organisation)
    template = "lot_editor/new.html"
    if form.validate_on_submit():
        if current_user.is_organiser:
            organisation = db.get_or_404(Organisation, form.organisation_id.data)
        fields = {name: form[name].data for name in editing.SECTION_FIELDS["identity"]}
        try:
            lot = editing.create_lot(organisation, **fields)
        except DomainError as error:
            status = web.refused(error, form)
            return render_template(template, form=form), status
        flash(_("The lot %(code)s has been created. Fill in the other pages, then publish it.",
                code=lot.lot_code), "success")
        return _overview(lot)
    return render_template(template, form=form), web.invalid_status(form)


@bp.get("/<lot_code>")
@login_required
def overview(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    missing = editing.missing_for_publish(lot)
    latest = analyses.latest_analysis(lot)
    return render_template(
        "lot_editor/overview.html", lot=lot, missing=missing, pages=REQUIREMENT_PAGES,
        volume=units.volume_display(lot.volume_kg) if lot.volume_kg is not None else None,
        usd_per_kg=editing.usd_per_kg(lot), latest=latest,
        price=price_text(lot.price, market_references(), show_soles=True),
        latest_derived=analyses.derived(latest) if latest else None,
        today=date.today(), public_url=_public_url(lot), in_offers=offers_holding(lot),
    )


@bp.post("/<lot_code>/publish")
@login_required
def publish(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    try:
        editing.publish_lot(lot)
    except DomainError as error:
        web.refused(error)
        return _overview(lot)
    flash(_("The lot is published: buyers can see it in the catalogue."), "success")
    return _overview(lot)


def _withdraw_warning(lot: Lot, *, status: int = 200):
    """Before a lot leaves the catalogue: the offers that count on it, and what happens."""
    return render_template("lot_editor/withdraw.html", lot=lot, active="overview",
                           offers=offers_holding(lot)), status


@bp.get("/<lot_code>/withdraw")
@login_required
def withdraw_confirm(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    return _withdraw_warning(lot)


@bp.post("/<lot_code>/withdraw")
@login_required
def withdraw(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    if lot.is_published and offers_holding(lot) and request.form.get("confirmed") != "1":
        # Never suspend other organisations' offers without the owner having seen the list.
        return _withdraw_warning(lot, status=409)
    try:
        editing.withdraw_lot(lot)
    except DomainError as error:
        web.refused(error)
        return _overview(lot)
    flash(_("The lot has been withdrawn from the catalogue."), "success")
    return _overview(lot)


@bp.route("/<lot_code>/duplicate", methods=["GET", "POST"])
@login_required
def duplicate(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    form = forms.DuplicateForm()
    if request.method == "GET":
        year = lot.harvest_start.year + 1 if lot.harvest_start else None
        form.lot_code.data = editing.suggest_lot_code(lot.organisation, year=year)
    if form.validate_on_submit():
        try:
            copy = editing.duplicate_lot(lot, lot_code=form.lot_code.data)
        except DomainError as error:
            status = web.refused(error, form)
            return render_template("lot_editor/duplicate.html", form=form, lot=lot), status
        flash(_("The new lot %(code)s has been created from %(old)s. Check the harvest dates "
                "and volume, and add this harvest's analysis.", code=copy.lot_code,
                old=lot.lot_code), "success")
        return _overview(copy)
    return render_template("lot_editor/duplicate.html", form=form, lot=lot), web.invalid_status(form)


# Section pages -----------------------------------------------------------------------------

@bp.route("/<lot_code>/<any(identity, origin, 'post-harvest', terms, eudr):section>",
          methods=["GET", "POST"])
@login_required
def section(lot_code: str, section: str):
    lot = get_lot_for_edit(lot_code)
    service_section, form_class = SECTIONS[section]
    form = form_class(obj=lot)
    if section == "identity":
        _own_code_hint(form, lot.organisation)
    if request.method == "GET":
        if section == "post-harvest":
            form.pre_drying.data = {True: "yes", False: "no"}.get(lot.pre_drying, "")
        if section == "terms":
            form.export_docs.data = lot.export_doc_codes
    context = {"lot": lot, "section": section,
               "saved_price": price_text(lot.price, market_references(), show_soles=True)
               if section == "terms" and lot.price.is_stated else None}
    template = "lot_editor/section.html"
    if form.validate_on_submit():
        try:
            _save_section(lot, service_section, form)
        except DomainError as error:
            if section == "origin" and "field" not in error.params:
                error.params["field"] = "genetics"
            status = web.refused(error, form)
            return render_template(template, form=form, **context), status
        flash(_("Saved."), "success")
        return redirect(url_for("lot_editor.section", lot_code=lot.lot_code, section=section))
    return render_template(template, form=form, **context), web.invalid_status(form)


def _save_section(lot: Lot, section: str, form) -> None:
    if section == "eudr":
        editing_eudr.save_eudr_evidence(
            lot, no_deforestation_file=form.no_deforestation_file.data,
            legality_file=form.legality_file.data,
            no_deforestation_evidence_url=form.no_deforestation_evidence_url.data or "",
            dds_reference=form.dds_reference.data or "",
            dds_verification=form.dds_verification.data or "")
        return
    fields = {name: form[name].data for name in editing.SECTION_FIELDS[section] if name in form}
    if section == "post_harvest":
        fields["pre_drying"] = {"yes": True, "no": False}.get(form.pre_drying.data)
    editing.update_lot(lot, section, **fields)
    if section == "origin":
        rows = []
        for entry in form.genetics:
            chosen, share = entry.form.genetics.data, entry.form.share_pct.data
            if not chosen and share is None:
                continue
            if not chosen or share is None:
                raise ValidationFailed(
                    _("Each genetics row needs both a material and its share."),
                    code="genetics_row_incomplete", field="genetics")
            rows.append(editing.GeneticsRow(chosen, share, entry.form.variety_name.data or ""))
        editing.set_genetics(lot, rows)


# Photos ------------------------------------------------------------------------------------

@bp.route("/<lot_code>/photos", methods=["GET", "POST"])
@login_required
def photos_page(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    form = forms.PhotoForm()
    if form.validate_on_submit():
        try:
            photos.add_photo(lot, form.photo.data, caption_es=form.caption_es.data or "",
                             caption_en=form.caption_en.data or "")
        except DomainError as error:
            status = web.refused(error, form)
            return render_template("lot_editor/photos.html", form=form, lot=lot, caption_forms={}), status
        flash(_("The photo has been added."), "success")
        return redirect(url_for("lot_editor.photos_page", lot_code=lot.lot_code))
    caption_forms = {p.id: forms.CaptionForm(obj=p, prefix=f"p{p.id}") for p in lot.photos}
    return render_template("lot_editor/photos.html", lot=lot, form=form,
                           caption_forms=caption_forms), web.invalid_status(form)


@bp.post("/<lot_code>/photos/<int:photo_id>/captions")
@login_required
def photo_captions(lot_code: str, photo_id: int):
    lot = get_lot_for_edit(lot_code)
    photo = _child(LotPhoto, photo_id, lot)
    form = forms.CaptionForm(prefix=f"p{photo.id}")
    if form.validate_on_submit():
        photos.update_captions(photo, caption_es=form.caption_es.data or "",
                               caption_en=form.caption_en.data or "")
        flash(_("Captions saved."), "success")
    else:
        flash(_("Captions are at most 255 characters."), "error")
    return redirect(url_for("lot_editor.photos_page", lot_code=lot.lot_code))


@bp.post("/<lot_code>/photos/<int:photo_id>/move")
@login_required
def photo_move(lot_code: str, photo_id: int):
    lot = get_lot_for_edit(lot_code)
    photo = _child(LotPhoto, photo_id, lot)
    if ActionForm().validate_on_submit():
        photos.move_photo(photo, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("lot_editor.photos_page", lot_code=lot.lot_code))


@bp.post("/<lot_code>/photos/<int:photo_id>/delete")
@login_required
def photo_delete(lot_code: str, photo_id: int):
    lot = get_lot_for_edit(lot_code)
    photo = _child(LotPhoto, photo_id, lot)
    if ActionForm().validate_on_submit():
        paths = photos.delete_photo(photo)
        web.after_commit(lambda: _unlink(paths))  # only once the row is gone for good
        flash(_("The photo has been deleted."), "success")
    return redirect(url_for("lot_editor.photos_page", lot_code=lot.lot_code))


def _unlink(paths) -> None:
    for path in paths:
        stored = resolve(path)
        if stored is not None:
            stored.unlink(missing_ok=True)


# Quality analyses --------------------------------------------------------------------------

@bp.get("/<lot_code>/analyses")
@login_required
def analyses_page(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    return render_template("lot_editor/analyses.html", lot=lot,
                           derived={a.id: analyses.derived(a) for a in lot.analyses})


@bp.route("/<lot_code>/analyses/new", methods=["GET", "POST"], endpoint="analysis_new")
@bp.route("/<lot_code>/analyses/<int:analysis_id>/edit", methods=["GET", "POST"],
          endpoint="analysis_edit")
@login_required
def analysis_form(lot_code: str, analysis_id: int | None = None):
    lot = get_lot_for_edit(lot_code)
    analysis = _child(QualityAnalysis, analysis_id, lot) if analysis_id else None
    form = forms.AnalysisForm(obj=analysis)
    template = "lot_editor/record_form.html"
    context = {"lot": lot, "section": "analyses", "record": analysis,
               "title": _("Edit analysis") if analysis else _("Add a quality analysis")}
    if form.validate_on_submit():
        fields = {name: form[name].data for name in analyses.ANALYSIS_FIELDS}
        try:
            saved = analyses.save_analysis(
                lot, analysis, cut_test_photo=form.cut_test_photo.data,
                files={key: form[key].data for key in analyses.REPORT_FILES}, **fields)
        except DomainError as error:
            for field_name, message in error.params.get("problems", [])[1:]:
                if field_name in form:
                    form[field_name].errors = [*form[field_name].errors, message]
            status = web.refused(error, form)
            return render_template(template, form=form, **context), status
        flash(_("The analysis has been saved. Grade: %(grade)s.",
                grade=_(ISO_GRADE.label(saved.iso_grade))), "success")
        return redirect(url_for("lot_editor.analyses_page", lot_code=lot.lot_code))
    return render_template(template, form=form, **context), web.invalid_status(form)


def _delete_record(lot_code: str, model, record_id: int, delete, done_message: str,
                   back_endpoint: str):
    """One shape for deleting a record of a lot: load (404) → own lot (403) → CSRF → delete."""
    lot = get_lot_for_edit(lot_code)
    record = _child(model, record_id, lot)
    if ActionForm().validate_on_submit():
        delete(record)
        flash(done_message, "success")
    return redirect(url_for(back_endpoint, lot_code=lot.lot_code))


@bp.post("/<lot_code>/analyses/<int:analysis_id>/delete")
@login_required
def analysis_delete(lot_code: str, analysis_id: int):
    return _delete_record(lot_code, QualityAnalysis, analysis_id, analyses.delete_analysis,
                          _("The analysis has been deleted."), "lot_editor.analyses_page")


# Sensory evaluations -----------------------------------------------------------------------

@bp.get("/<lot_code>/sensory")
@login_required
def sensory_page(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    return render_template("lot_editor/sensory.html", lot=lot,
                           protocol_form=forms.ProtocolForm(request.args))


def _attribute_groups(form, protocol: str):
    return [(attribute, form[f"score_{attribute.code}"],
             [form[f"score_{child.code}"] for child in attribute.children])
            for attribute in sensory.applicable_attributes(protocol)]


@bp.route("/<lot_code>/sensory/new", methods=["GET", "POST"], endpoint="sensory_new")
@bp.route("/<lot_code>/sensory/<int:evaluation_id>/edit", methods=["GET", "POST"],
          endpoint="sensory_edit")
@login_required
def sensory_form(lot_code: str, evaluation_id: int | None = None):
    lot = get_lot_for_edit(lot_code)
    evaluation = _child(SensoryEvaluation, evaluation_id, lot) if evaluation_id else None
    protocol = evaluation.protocol if evaluation else (
        request.values.get("protocol") or "")
    if protocol not in SENSORY_PROTOCOL:
        return redirect(url_for("lot_editor.sensory_page", lot_code=lot.lot_code))
    form = forms.sensory_form_class(protocol)(obj=evaluation)
    if request.method == "GET" and evaluation is not None:
        for score in evaluation.scores:
            if f"score_{score.attribute}" in form:
                form[f"score_{score.attribute}"].data = score.intensity
    template = "lot_editor/sensory_form.html"
    context = {"lot": lot, "evaluation": evaluation, "protocol": protocol,
               "groups": _attribute_groups(form, protocol)}
    if form.validate_on_submit():
        scores = {name.removeprefix("score_"): form[name].data
                  for name in form._fields if name.startswith("score_")}
        fields = {name: form[name].data for name in sensory.EVALUATION_FIELDS if name in form}
        fields["protocol"] = protocol
        try:
            sensory.save_evaluation(lot, evaluation, scores=scores, **fields)
        except DomainError as error:
            status = web.refused(error, form)
            return render_template(template, form=form, **context), status
        flash(_("The sensory evaluation has been saved."), "success")
        return redirect(url_for("lot_editor.sensory_page", lot_code=lot.lot_code))
    return render_template(template, form=form, **context), web.invalid_status(form)


@bp.post("/<lot_code>/sensory/<int:evaluation_id>/delete")
@login_required
def sensory_delete(lot_code: str, evaluation_id: int):
    return _delete_record(lot_code, SensoryEvaluation, evaluation_id, sensory.delete_evaluation,
                          _("The sensory evaluation has been deleted."), "lot_editor.sensory_page")


# Certificates ------------------------------------------------------------------------------

@bp.get("/<lot_code>/certificates")
@login_required
def certificates_page(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    return render_template("lot_editor/certificates.html", lot=lot, today=date.today())


@bp.route("/<lot_code>/certificates/new", methods=["GET", "POST"], endpoint="certificate_new")
@bp.route("/<lot_code>/certificates/<int:certificate_id>/edit", methods=["GET", "POST"],
          endpoint="certificate_edit")
@login_required
def certificate_form(lot_code: str, certificate_id: int | None = None):
    lot = get_lot_for_edit(lot_code)
    certificate = _child(Certificate, certificate_id, lot) if certificate_id else None
    form = forms.CertificateForm(obj=certificate)
    template = "lot_editor/record_form.html"
    context = {"lot": lot, "section": "certificates", "record": certificate,
               "title": _("Edit certificate") if certificate else _("Add a certificate")}
    if form.validate_on_submit():
        fields = {name: form[name].data for name in certificates.CERTIFICATE_FIELDS}
        fields["verify_url"] = fields["verify_url"] or ""
        try:
            certificates.save_certificate(lot, certificate, file=form.file.data, **fields)
        except DomainError as error:
            status = web.refused(error, form)
            return render_template(template, form=form, **context), status
        flash(_("The certificate has been saved."), "success")
        return redirect(url_for("lot_editor.certificates_page", lot_code=lot.lot_code))
    return render_template(template, form=form, **context), web.invalid_status(form)


@bp.post("/<lot_code>/certificates/<int:certificate_id>/delete")
@login_required
def certificate_delete(lot_code: str, certificate_id: int):
    return _delete_record(lot_code, Certificate, certificate_id, certificates.delete_certificate,
                          _("The certificate has been deleted."), "lot_editor.certificates_page")


# Production plots --------------------------------------------------------------------------

def _plots_page(lot, coordinates_form=None, geojson_form=None):
    return render_template(
        "lot_editor/plots.html", lot=lot,
        coordinates_form=coordinates_form or forms.PlotCoordinatesForm(prefix="typed"),
        geojson_form=geojson_form or forms.PlotGeoJsonForm(prefix="file"),
    )


@bp.get("/<lot_code>/plots")
@login_required
def plots(lot_code: str):
    return _plots_page(get_lot_for_edit(lot_code))


@bp.post("/<lot_code>/plots/coordinates")
@login_required
def plot_coordinates(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    form = forms.PlotCoordinatesForm(prefix="typed")
    if form.validate_on_submit():
        try:
            plot = plot_service.add_plot_from_coordinates(
                lot, plot_ref=form.plot_ref.data, producer_name=form.producer_name.data,
                production_place=form.production_place.data or "", area_ha=form.area_ha.data,
                coordinates=form.coordinates.data)
        except DomainError as error:
            status = web.refused(error, form)
            return _plots_page(lot, coordinates_form=form), status
        flash(_("The plot has been added."), "success")
        for warning in plot_service.problem_messages(plot.warnings):
            flash(warning, "warning")
        return redirect(url_for("lot_editor.plots", lot_code=lot.lot_code))
    return _plots_page(lot, coordinates_form=form), 422


@bp.post("/<lot_code>/plots/geojson")
@login_required
def plot_geojson(lot_code: str):
    lot = get_lot_for_edit(lot_code)
    form = forms.PlotGeoJsonForm(prefix="file")
    if form.validate_on_submit():
        try:
            if form.file.data and getattr(form.file.data, "filename", ""):
                source = plot_service.read_geojson_upload(form.file.data)
            elif (form.geojson.data or "").strip():
                source = form.geojson.data
            else:
                raise ValidationFailed(_("Choose a GeoJSON file or paste its text."),
                                       code="geojson_required", field="file")
            created = plot_service.import_geojson(
                lot, source, producer_name=form.producer_name.data or "",
                production_place=form.production_place.data or "")
        except DomainError as error:
            status = web.refused(error, form, fallback="geojson")
            return _plots_page(lot, geojson_form=form), status
        flash(_("%(n)d plots have been added.", n=len(created)), "success")
        for warning in plot_service.problem_messages(created[0].warnings if created else []):
            flash(warning, "warning")
        return redirect(url_for("lot_editor.plots", lot_code=lot.lot_code))
    return _plots_page(lot, geojson_form=form), 422


@bp.post("/<lot_code>/plots/<int:plot_id>/delete")
@login_required
def plot_delete(lot_code: str, plot_id: int):
    return _delete_record(lot_code, ProductionPlot, plot_id, plot_service.delete_plot,
                          _("The plot has been deleted."), "lot_editor.plots")
