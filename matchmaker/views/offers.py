"""Consolidated offers: the public pages (/offers/…) and the cooperative's composer (/my/offers/…)."""

from __future__ import annotations

from datetime import date

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
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from matchmaker import web
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.choices import select_choices
from matchmaker.forms.fields import bounded_decimal
from matchmaker.forms.offers import (
    ConsolidationRequestForm,
    LineForm,
    OfferForm,
    SampleForm,
    SuggestForm,
)
from matchmaker.labels import label, number
from matchmaker.lot_display import price_text
from matchmaker.lotsheet import units
from matchmaker.lotsheet.vocab import GENETICS
from matchmaker.models import Lot
from matchmaker.models.accounts import OrganisationKind
from matchmaker.models.offers import ConsolidatedOffer, OfferLot
from matchmaker.printing.qr import qr_svg
from matchmaker.services import qr_codes
from matchmaker.services.lots.pricing import market_references
from matchmaker.services.offers import changes, composing, exposure, requests, review
from matchmaker.services.offers.availability import free_for_offer, left_beside_offer
from matchmaker.services.offers.eudr import geojson_text
from matchmaker.services.offers.from_suggestion import offer_from_suggestion
from matchmaker.services.offers.page import (
    build_offer_page,
    load_offer,
    offers_of,
    published_offers,
)
from matchmaker.services.offers.review import offer_review
from matchmaker.services.offers.suggest import (
    REASONS,
    Constraints,
    candidates_from_catalogue,
    suggest,
)
from matchmaker.services.printing.lot_sheet import PAPER_SIZES
from matchmaker.services.printing.offer_sheet import offer_sheet_pdf
from matchmaker.urls import external_url

bp = Blueprint("offers", __name__)


@bp.context_processor
def _helpers() -> dict:
    return {"label": label, "number": number, "reasons": REASONS}


def _today() -> date:
    return date.today()


class OfferUnavailable(Exception):
    """A once-public offer a buyer may not see now: answered with the 'unavailable' page."""

    def __init__(self, offer: ConsolidatedOffer, unavailability: exposure.Unavailability):
        super().__init__(offer.offer_code)
        self.offer, self.unavailability = offer, unavailability


def get_visible_offer(offer_code: str, *, preview: bool = False) -> ConsolidatedOffer:
    """The offer or 404; unpublished offers only for those who manage them (and, with
    `preview`, for the reps of the organisations whose lots it asks for).

    Raises:
        OfferUnavailable: a suspended, withdrawn or re-drafted offer that buyers saw before.
    """
    offer = load_offer(offer_code)
    if offer is None:
        abort(404)
    if offer.is_public or composing.can_manage(current_user, offer):
        return offer
    if preview and composing.can_preview(current_user, offer):
        return offer
    unavailability = exposure.offer_unavailability(offer)
    if unavailability is not None:
        raise OfferUnavailable(offer, unavailability)
    abort(404)


@bp.errorhandler(OfferUnavailable)
def _unavailable(error: OfferUnavailable):
    """Printed sheets and QR codes keep their address: say why, and where to go instead."""
    response = render_template("offers/unavailable.html", offer=error.offer,
                               why=error.unavailability)
    return response, error.unavailability.status


def get_managed_offer(offer_code: str) -> ConsolidatedOffer:
    """The offer or 404, then 403 unless the user manages it."""
    offer = load_offer(offer_code)
    if offer is None:
        abort(404)
    if not composing.can_manage(current_user, offer):
        abort(403)
    return offer


def public_url(offer: ConsolidatedOffer) -> str:
    return external_url("offers.detail", offer_code=offer.offer_code)


def qr_url(offer: ConsolidatedOffer) -> str:
    """What the printed code holds: the offer's short /q/<token> URL once it is published
    (scans are counted, become leads and can be re-issued), the plain page address for a draft."""
    if not offer.is_public:
        return public_url(offer)
    url = qr_codes.offer_qr_url(offer)
    return url


def meeting_url(offer: ConsolidatedOffer) -> str | None:
    """Booking a meeting with the offer's cooperative, about this offer."""
    if "meetings.book" not in current_app.view_functions:
        return None
    return url_for("meetings.book", org_slug=offer.cooperative.slug, offer=offer.offer_code)


# Public pages ----------------------------------------------------------------------------

@bp.get("/offers/")
def index():
    raw = (request.args.get("min_mt") or "").strip()
    invalid = False
    try:
        min_mt = bounded_decimal(raw, "buyer_volume_mt")
    except ValueError:
        min_mt, invalid = None, True
    rows = published_offers(min_mt=min_mt)
    return render_template("offers/index.html", rows=rows, min_mt=raw, invalid=invalid,
                           container_kg=units.KG_PER_20FT_CONTAINER)


@bp.get("/offers/q/<token>")
def scan(token: str):
    """Codes printed before offers had /q/ tokens: hand over to the counted scan URL."""
    offer = db.first_or_404(db.select(ConsolidatedOffer).where(ConsolidatedOffer.qr_token == token))
    if not offer.is_public:
        return redirect(url_for("offers.detail", offer_code=offer.offer_code))
    row = qr_codes.offer_token(offer)
    response = redirect(url_for("qr.scan", token=row.token))
    response.headers["Cache-Control"] = "no-store"  # a re-issued code must not be cached here
    return response


def _render_detail(offer: ConsolidatedOffer, *, status: int = 200, sample_form=None):
    manages = composing.can_manage(current_user, offer)
    preview = not offer.is_public and not manages
        # A partner's preview of a draft: the offer as buyers would see it once published.
    # A partner's preview of a draft shows the lines still awaiting approval too.
    page = build_offer_page(offer, today=_today(), include_pending=preview)
    is_buyer = current_user.is_authenticated and current_user.is_buyer
    return render_template(
        "offers/detail.html", offer=offer, page=page, manages=manages, is_buyer=is_buyer,
        meeting_url=meeting_url(offer) if offer.is_public else None, preview=preview,
        sample_form=sample_form or SampleForm(formdata=None),
        claims=[c for c in review.claims(offer, page) if not c.is_honest],
        claim_label=review.claim_label, below_target=review.below_target(offer, page),
        quality_updated=review.quality_updated_on(offer), grade_left=review.grade_left(offer, page),
    ), status


@bp.get("/offers/<offer_code>")
def detail(offer_code: str):
    return _render_detail(get_visible_offer(offer_code, preview=True))


@bp.post("/offers/<offer_code>/sample")
def request_sample(offer_code: str):
    offer = get_visible_offer(offer_code)
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("offers.detail",
                                                           offer_code=offer.offer_code)))
    form = SampleForm()
    if not form.validate_on_submit():
        return _render_detail(offer, status=422, sample_form=form)
    try:
        requests.request_sample(offer, current_user, message=form.message.data or "")
    except DomainError as error:
        status = web.refused(error)
        return _render_detail(offer, status=status, sample_form=form)
    flash(_("Your sample request has been sent to %(org)s.", org=offer.cooperative.name), "success")
    return redirect(url_for("offers.detail", offer_code=offer.offer_code))


@bp.get("/offers/<offer_code>/sheet")
def sheet(offer_code: str):
    offer = get_visible_offer(offer_code)
    url = qr_url(offer)
    return render_template(
        "offers/sheet.html", offer=offer, page=build_offer_page(offer, today=_today()),
        qr=Markup(qr_svg(url, label=_("QR code: %(url)s", url=url))),  # noqa: S704
        public_url=public_url(offer),
    )


@bp.get("/offers/<offer_code>/sheet.pdf")
def sheet_pdf(offer_code: str):
    """The printed offer sheet in the visitor's language; ?paper=letter for US Letter."""
    offer = get_visible_offer(offer_code)
    paper = request.args.get("paper", "a4")
    if paper not in PAPER_SIZES:
        abort(404)
    document = offer_sheet_pdf(build_offer_page(offer, today=_today()), qr_url(offer),
                               public_url(offer), locale=str(get_locale() or "es"), paper=paper)
    return Response(document, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{offer.offer_code}.pdf"'})


@bp.get("/offers/<offer_code>/plots.geojson")
@login_required
def geojson(offer_code: str):
    offer = get_visible_offer(offer_code)
    eudr = build_offer_page(offer, today=_today()).eudr
    if eudr.problems:
        messages = "; ".join(_(p.template, **p.params) for p in eudr.problems)
        return Response(_("The plots of this offer fail the EUDR checks: %(problems)s",
                          problems=messages), status=409, mimetype="text/plain")
    return Response(geojson_text(eudr), mimetype="application/geo+json", headers={
        "Content-Disposition": f'attachment; filename="{offer.offer_code}-plots.geojson"'})


# Suggesting a consolidation --------------------------------------------------------------

def _constraints(form: SuggestForm) -> Constraints:
    return Constraints(
        wanted_kg=units.mt_to_kg(form.wanted_mt.data), certification=form.certification.data or "",
        min_grade=form.min_grade.data or "", genetics=form.genetics.data or "",
        max_price_usd_mt=form.max_price_usd_mt.data, region=(form.region.data or "").strip(),
        mode=form.mode.data if form.mode.data in ("price", "grade") else "price",
    )


def _run_suggestion(form: SuggestForm):
    candidates, lots = candidates_from_catalogue(today=_today())
    suggestion = suggest(candidates, _constraints(form))
    organisations = {lot.organisation_id: lot.organisation for lot in lots.values()}
    cooperative = requests.common_cooperative(suggestion, organisations) if suggestion.picks else None
    return suggestion, lots, organisations, cooperative


@bp.get("/offers/suggest")
def suggest_page():
    form = SuggestForm(request.args)
    submitted = "wanted_mt" in request.args
    result = None
    status = 200
    if submitted and form.validate():
        suggestion, lots, organisations, cooperative = _run_suggestion(form)
        result = {"suggestion": suggestion, "lots": lots, "cooperative": cooperative,
                  "organisations": organisations}
    elif submitted:
        status = 422
    request_form = ConsolidationRequestForm(formdata=None, query=request.query_string.decode())
    if result and result["cooperative"] is None:
        request_form.recipients.data = "associations"
    return render_template("offers/suggest.html", form=form, result=result,
                           request_form=request_form, genetics=GENETICS,
                           is_cooperative_rep=_is_cooperative_rep()), status


@bp.post("/offers/suggest/request")
def suggest_request():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=url_for("offers.suggest_page")))
    request_form = ConsolidationRequestForm()
    query = request_form.query.data or ""
    form = SuggestForm(MultiDict(_parse_query(query)))
    if not (request_form.validate_on_submit() and form.validate()):
        flash(_("The request could not be sent; please search again."), "error")
        return redirect(url_for("offers.suggest_page"))
    suggestion, _lots, organisations, _coop = _run_suggestion(form)
    try:
        _request, targets = requests.request_consolidation(
            suggestion, current_user, recipients=request_form.recipients.data,
            organisations=organisations, message=request_form.message.data or "")
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("offers.suggest_page") + "?" + query)
    flash(_("Your request has been sent to %(orgs)s.",
            orgs=", ".join(org.name for org in targets)), "success")
    return redirect(url_for("offers.suggest_page") + "?" + query)


def _is_cooperative_rep() -> bool:
    organisation = current_user.organisation if current_user.is_authenticated else None
    return (current_user.is_authenticated and current_user.is_rep and current_user.is_approved
            and organisation is not None and organisation.kind == OrganisationKind.COOPERATIVE)


@bp.post("/my/offers/from-suggestion")
@login_required
def from_suggestion():
    """A cooperative rep turns the suggested lots into a draft offer (lines and target)."""
    if not _is_cooperative_rep():
        abort(403)
    request_form = ConsolidationRequestForm()
    query = request_form.query.data or ""
    form = SuggestForm(MultiDict(_parse_query(query)))
    if not (request_form.validate_on_submit() and form.validate()):
        flash(_("The offer could not be created; please search again."), "error")
        return redirect(url_for("offers.suggest_page"))
    suggestion, lots, _organisations, _coop = _run_suggestion(form)
    try:
        offer = offer_from_suggestion(current_user.organisation, suggestion, lots,
                                      actor=current_user)
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("offers.suggest_page") + "?" + query)
    asked = {line.lot.organisation.name for line in offer.lines if line.approval == "pending"}
    message = ngettext("Draft offer created with %(num)d lot.",
                       "Draft offer created with %(num)d lots.", len(offer.lines))
    if asked:
        message += " " + _("Asked for approval: %(orgs)s.", orgs=", ".join(sorted(asked)))
    return web.done(message + " " + _("Check the terms and the price before publishing."),
                    "offers.edit", offer_code=offer.offer_code)


def _parse_query(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)[:20]


# The cooperative's composer -------------------------------------------------------------

def _rep_required():
    if not current_user.is_authenticated:
        abort(401)
    if not (current_user.is_organiser or current_user.is_approved_rep):
        abort(403)


@bp.get("/my/offers/")
@login_required
def mine():
    _rep_required()
    organisation = current_user.organisation
    is_coop = organisation is not None and organisation.kind == OrganisationKind.COOPERATIVE
    offers = offers_of(None if current_user.is_organiser else (organisation.id if is_coop else -1))
    pending = composing.pending_requests(organisation.id) if organisation else []
    answered = composing.answered_requests(organisation.id) if organisation else []
    # Each request's offer as the association must judge it: terms, partners and shares.
    pages = {line.offer_id: build_offer_page(line.offer, today=_today(), include_pending=True)
             for line in pending}
    references = market_references()
    lot_prices = {line.id: price_text(line.lot.price, references) for line in pending}
    live = {offer.id: (offer, build_offer_page(offer, today=_today()))
            for offer in offers if offer.status != "withdrawn"}
    to_review = {offer_id: len(offer_review(offer, page, today=_today()))
                 for offer_id, (offer, page) in live.items()}
    # As the offer page flags it: the blend's grade now, where it is below the declared one.
    grade_left = {offer_id: review.grade_left(offer, page)
                  for offer_id, (offer, page) in live.items()}
    return render_template("offers/mine.html", offers=offers, pending=pending, answered=answered,
                           is_coop=is_coop, pages=pages, lot_prices=lot_prices, today=_today(),
                           to_review=to_review, grade_left=grade_left)


@bp.route("/my/offers/new", methods=["GET", "POST"])
@login_required
def new():
    _rep_required()
    organisation = current_user.organisation
    if organisation is None or organisation.kind != OrganisationKind.COOPERATIVE:
        abort(403)
    form = OfferForm()
    if request.method == "GET":
        form.exporter_of_record.data = organisation.name
        form.certificate_holder.data = organisation.name
    if form.validate_on_submit():
        try:
            offer = composing.create_offer(organisation, offer_code=form.offer_code.data or "",
                                           **form.term_fields())
        except DomainError as error:
            status = web.refused(error, form)
            return render_template("offers/form.html", form=form, offer=None), status
        flash(_("The offer has been created. Now add lots."), "success")
        return redirect(url_for("offers.edit", offer_code=offer.offer_code))
    return render_template("offers/form.html", form=form, offer=None), (
        422 if form.is_submitted() else 200)


def _line_choices(offer: ConsolidatedOffer) -> list[tuple[int, str]]:
    lots = list(db.session.scalars(
        db.select(Lot).where(Lot.is_published.is_(True)).order_by(Lot.lot_code)))
    free = free_for_offer(offer, lots)
    left = left_beside_offer(offer, lots)
    lines = {line.lot_id: line for line in offer.lines}
    choices = []
    for lot in lots:  # (id, label) pairs become SelectChoice below
        if free[lot.id] <= 0:
            continue
        text = _("%(code)s · %(org)s · %(kg)s kg free", code=lot.lot_code,
                 org=lot.organisation.name, kg=number(left[lot.id], 0))
        line = lines.get(lot.id)
        if line is not None:
            text += " · " + {
                "approved": _("%(kg)s kg in this offer", kg=number(line.kg, 0)),
                "pending": _("%(kg)s kg asked for, awaiting approval", kg=number(line.kg, 0)),
                "declined": _("declined for this offer"),
            }[line.approval]
        choices.append((lot.id, text))
    return select_choices(choices)


def _render_edit(offer: ConsolidatedOffer, *, form=None, line_form=None, status: int = 200,
                 confirm_publish: bool = False):
    form = form or OfferForm(obj=offer)
    line_form = line_form or LineForm(formdata=None)
    line_form.lot_id.choices = _line_choices(offer)
    page = build_offer_page(offer, today=_today(), include_pending=True)
    public_page = build_offer_page(offer, today=_today())  # what buyers see: approved lines
    return render_template("offers/edit.html", offer=offer, form=form, line_form=line_form,
                           page=page, left=left_beside_offer(offer, [line.lot for line in offer.lines]),
                           review=offer_review(offer, public_page, today=_today()),
                           unreviewed=changes.unreviewed(offer),
                           public_page=public_page,
                           confirm_publish=confirm_publish), status


@bp.route("/my/offers/<offer_code>", methods=["GET", "POST"])
@login_required
def edit(offer_code: str):
    offer = get_managed_offer(offer_code)
    if request.method == "GET":
        return _render_edit(offer)
    form = OfferForm()
    if form.validate_on_submit():
        try:
            composing.update_offer(offer, **form.term_fields())
        except DomainError as error:
            status = web.refused(error, form)
            return _render_edit(offer, form=form, status=status)
        flash(_("The offer has been saved."), "success")
        return redirect(url_for("offers.edit", offer_code=offer.offer_code))
    return _render_edit(offer, form=form, status=422)


@bp.post("/my/offers/<offer_code>/lines")
@login_required
def add_line(offer_code: str):
    offer = get_managed_offer(offer_code)
    line_form = LineForm()
    line_form.lot_id.choices = _line_choices(offer)
    if not line_form.validate_on_submit():
        return _render_edit(offer, line_form=line_form, status=422)
    lot = db.session.get(Lot, line_form.lot_id.data)
    if lot is None:
        abort(404)
    try:
        line = composing.set_line(offer, lot, line_form.kg.data, actor=current_user)
    except DomainError as error:
        status = web.refused(error, line_form)
        offer = get_managed_offer(offer_code)
        return _render_edit(offer, line_form=line_form, status=status)
    if line.approval == "pending":
        flash(_("Lot %(lot)s added; %(org)s has been asked to approve.", lot=lot.lot_code,
                org=lot.organisation.name), "success")
    else:
        flash(_("Lot %(lot)s added.", lot=lot.lot_code), "success")
    return redirect(url_for("offers.edit", offer_code=offer.offer_code))


def _managed_line(offer_code: str, line_id: int) -> OfferLot:
    offer = get_managed_offer(offer_code)
    line = db.get_or_404(OfferLot, line_id)
    if line.offer_id != offer.id:
        abort(404)
    return line


@bp.post("/my/offers/<offer_code>/lines/<int:line_id>/remove")
@login_required
def remove_line(offer_code: str, line_id: int):
    line = _managed_line(offer_code, line_id)
    return _act(line.offer, lambda: composing.remove_line(line), _("The lot has been removed."))


def _act(offer: ConsolidatedOffer, action, success: str):
    try:
        action()
    except DomainError as error:
        status = web.refused(error)
        return _render_edit(get_managed_offer(offer.offer_code), status=status)
    flash(success, "success")
    return redirect(url_for("offers.edit", offer_code=offer.offer_code))


@bp.post("/my/offers/<offer_code>/publish")
@login_required
def publish(offer_code: str):
    offer = get_managed_offer(offer_code)
    page = build_offer_page(offer, today=_today())
    if (offer.approved_lines and review.below_target(offer, page)
            and request.form.get("confirmed") != "1"):
        # Far below the target: the cooperative confirms, knowing buyers see the figure.
        return _render_edit(offer, status=409, confirm_publish=True)
    return _act(offer, lambda: composing.publish_offer(offer), _("The offer is published."))


@bp.post("/my/offers/<offer_code>/changes/reviewed")
@login_required
def changes_reviewed(offer_code: str):
    """The cooperative has read the lots' material changes listed under "To review"."""
    offer = get_managed_offer(offer_code)
    web.require_action()
    changes.mark_reviewed(offer)
    return web.done(_("The changes are marked as reviewed."), "offers.edit",
                    offer_code=offer.offer_code)


@bp.post("/my/offers/<offer_code>/unpublish")
@login_required
def unpublish(offer_code: str):
    offer = get_managed_offer(offer_code)
    return _act(offer, lambda: composing.unpublish_offer(offer),
                _("The offer is back to draft; its kilograms stay reserved."))


@bp.post("/my/offers/<offer_code>/withdraw")
@login_required
def withdraw(offer_code: str):
    offer = get_managed_offer(offer_code)
    return _act(offer, lambda: composing.withdraw_offer(offer),
                _("The offer has been withdrawn; its kilograms are free again."))


@bp.get("/my/offers/requests")
@login_required
def approvals():
    return redirect(url_for("offers.mine") + "#requests")


@bp.post("/my/offers/lines/<int:line_id>/<answer>")
@login_required
def answer(line_id: int, answer: str):
    if answer not in ("approve", "decline"):
        abort(404)
    line = db.get_or_404(OfferLot, line_id)
    if not composing.can_answer(current_user, line):
        abort(403)
    try:
        composing.answer_line(line, current_user, approve=answer == "approve")
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("offers.mine"))
    flash(_("Thank you: the cooperative has been told."), "success")
    return redirect(url_for("offers.mine"))
