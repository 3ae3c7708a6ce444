"""The public side of lots: catalogue, product sheet, compare, print/PDF, GeoJSON, buyer actions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
    session,
    url_for,
)
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from matchmaker.access import can_edit_organisation
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.labels import VOCABULARIES, label, number
from matchmaker.lotsheet import geo, vocab
from matchmaker.lotsheet.radar import radar_svg
from matchmaker.models import Lot
from matchmaker.page_cache import PageCache
from matchmaker.printing import pdf as printing_pdf
from matchmaker.printing.qr import qr_svg
from matchmaker.services import interest as interest_service
from matchmaker.services.lots import catalogue
from matchmaker.services.lots.sheet import LotSheet, build_sheet, load_lot, load_lots
from matchmaker.services.offers.page import published_offers
from matchmaker.services.qr_codes import lot_qr_url
from matchmaker.urls import external_url

bp = Blueprint("lots", __name__, url_prefix="/lots")

COMPARE_MIN, COMPARE_MAX = 2, 4
ACTIONS = ("interest", "sample")

CERT_STATE_LABELS = {
    "valid": _l("Valid"), "expired": _l("Expired"), "suspended": _l("Suspended"),
    "in_conversion": _l("In conversion"), "not_yet_valid": _l("Not yet valid"),
}

SORT_LABELS = {
    "newest": _l("Newest"), "price": _l("Lowest price"), "volume": _l("Largest volume"),
    "grade": _l("Best grade"), "quality": _l("Best sensory quality"),
}


class InterestForm(FlaskForm):
    """ "I'm interested", with an optional note for the producer."""

    message = TextAreaField(_l("Message to the producer (optional)"),
                            validators=[Optional(), Length(max=2000)])


class SampleRequestForm(FlaskForm):
    """A sample request: how many grams and a note."""

    grams = IntegerField(_l("Sample size in grams"),
                         validators=[Optional(), NumberRange(min=1, max=5000)])
    message = TextAreaField(_l("Message to the producer (optional)"),
                            validators=[Optional(), Length(max=2000)])


@bp.context_processor
def _helpers() -> dict:
    return {"label": label, "number": number, "cert_state_labels": CERT_STATE_LABELS,
            "label_codes": lambda name: VOCABULARIES[name].codes,
            "has_endpoint": lambda name: name in current_app.view_functions}


def _today() -> date:
    return date.today()


def get_visible_lot(lot_code: str) -> Lot:
    """The lot with all its sheet data, or 404; drafts only for those who may edit them."""
    lot = load_lot(lot_code)
    if lot is None:
        abort(404)
    if not lot.is_published and not can_edit_organisation(current_user, lot.organisation):
        abort(404)
    return lot


def public_url(lot: Lot) -> str:
    """The absolute address of the lot's public page, for QR codes and printed sheets."""
    return external_url("lots.detail", lot_code=lot.lot_code)


def flavour_radar(sheet: LotSheet) -> Markup | None:
    """The latest evaluation as an inline SVG radar, or None with fewer than 3 scores."""
    if sheet.sensory is None or len(sheet.sensory.radar) < 3:
        return None
    scores = [(label("sensory", code), score) for code, score in sheet.sensory.radar]
    svg = radar_svg(scores, title=_("Flavour profile of lot %(code)s", code=sheet.lot.lot_code),
                    format_value=lambda value: format_decimal(value))
    return Markup(svg)  # noqa: S704 - built by radar_svg, which escapes every label


# Catalogue and compare -------------------------------------------------------------------

def _page_number(name: str = "page") -> int:
    return request.args.get(name, 1, type=int) or 1


@bp.get("/", endpoint="catalogue")
def catalogue_page():
    parsed = catalogue.parse_filters(request.args)
    if parsed.invalid:
        flash(_("Some filters were not understood and have been ignored."), "info")
    page = catalogue.search_lots(parsed.filters, today=_today(), page=_page_number())
    return render_template(
        "lots/catalogue.html", page=page, filters=parsed.filters, invalid=parsed.invalid,
        choices=catalogue.filter_choices(), sort_labels=SORT_LABELS,
        flavour_axes=vocab.RADAR_AXES, today=_today(), offers=published_offers(),
    )


def _requested_codes() -> list[str]:
    codes: list[str] = []
    for raw in request.args.getlist("codes"):
        for code in raw.split(","):
            code = code.strip()
            if code and code not in codes:
                codes.append(code)
    return codes


@bp.get("/compare")
def compare():
    codes = _requested_codes()
    sheets: list[LotSheet] = []
    status = 200
    if not COMPARE_MIN <= len(codes) <= COMPARE_MAX:
        flash(_("Choose between %(min)d and %(max)d lots to compare.",
                min=COMPARE_MIN, max=COMPARE_MAX), "error")
        status = 422
    else:
        found = [lot for lot in load_lots(codes) if lot.is_published]
        if len(found) != len(codes):
            flash(_("Some of these lots are not in the catalogue."), "error")
            status = 404 if not found else 200
        sheets = [build_sheet(lot, today=_today()) for lot in found]
    return render_template("lots/compare.html", sheets=sheets, codes=codes), status


# One lot ---------------------------------------------------------------------------------

def _render_detail(lot: Lot, *, status: int = 200, interest_form=None, sample_form=None):
    sheet = build_sheet(lot, today=_today())
    action = request.args.get("action") if request.method == "GET" else None
    interest_form = interest_form or InterestForm(formdata=None)
    sample_form = sample_form or SampleRequestForm(formdata=None)
    if action == "sample" and request.method == "GET":
        # Coming back from log-in: keep what the visitor typed before being asked to log in.
        sample_form.grams.data = request.args.get("grams", type=int) or lot.sample_size_g
        sample_form.message.data = request.args.get("message", "")
    if action == "interest" and request.method == "GET":
        interest_form.message.data = request.args.get("message", "")
    is_buyer = current_user.is_authenticated and current_user.is_buyer
    already = is_buyer and interest_service.has_interest(lot, current_user)
    meeting_url = None
    if "meetings.book" in current_app.view_functions and lot.is_published:
        meeting_url = url_for("meetings.book", org_slug=lot.organisation.slug, lot=lot.id)
    return render_template(
        "lots/detail.html", sheet=sheet, lot=lot, radar=flavour_radar(sheet),
        is_draft=not lot.is_published, action=action if action in ACTIONS else None,
        interest_form=interest_form, sample_form=sample_form, is_buyer=is_buyer,
        already_interested=already, meeting_url=meeting_url,
    ), status


_LOT_STAMP = (
    sa.select(Lot.__table__.c.updated_at, Lot.__table__.c.is_published)
    .where(Lot.__table__.c.lot_code == sa.bindparam("code"))
)


def anonymous_pages() -> PageCache:
    """This app's cache of rendered pages for anonymous visitors (see matchmaker/page_cache.py)."""
    return current_app.extensions.setdefault("lot_page_cache", PageCache())


def _cacheable_request() -> bool:
    """Anonymous, no query string (actions, log-in returns), no pending flash messages."""
    return (not current_user.is_authenticated and not request.args
            and "_flashes" not in session and not current_app.config.get("PAGE_CACHE_DISABLED"))


@bp.get("/<lot_code>")
def detail(lot_code: str):
    if not _cacheable_request():
        return _render_detail(get_visible_lot(lot_code))
    # One indexed lookup decides whether the stored page is still this lot's page.
    # (Core on a pooled connection: the ORM session adds more work than the query itself.)
    with db.engine.connect() as connection:
        stamp = connection.execute(_LOT_STAMP, {"code": lot_code}).first()
    if stamp is None or not stamp.is_published:
        abort(404)
    key = (lot_code, str(get_locale()))
    page = anonymous_pages().get(key, stamp.updated_at)
    if page is None:
        html, status = _render_detail(get_visible_lot(lot_code))
        if status != 200:
            return html, status
        page = anonymous_pages().put(key, stamp.updated_at, html.encode())
    response = Response(page.body, mimetype="text/html")
    response.set_etag(page.etag)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response.make_conditional(request)


@bp.get("/<lot_code>/start/<any(interest, sample):action>")
def begin(lot_code: str, action: str):
    """A logged-out visitor's first step: log in or sign up, then finish the action here."""
    lot = get_visible_lot(lot_code)
    grams = request.args.get("grams", "").strip()
    return _login_to_finish(lot, action, grams=grams if grams.isdigit() else None,
                            message=(request.args.get("message") or "")[:500])


def _login_to_finish(lot: Lot, action: str, **carried) -> Response:
    """Send a visitor to log in (or sign up), then back to the lot to confirm the action."""
    flash(_("Log in or create a buyer account to finish your request."), "info")
    back = url_for("lots.detail", lot_code=lot.lot_code, action=action,
                   **{k: v for k, v in carried.items() if v})
    return redirect(url_for("auth.login", next=back))


@bp.post("/<lot_code>/interest")
def interest(lot_code: str):
    lot = get_visible_lot(lot_code)
    form = InterestForm()
    if not current_user.is_authenticated:
        return _login_to_finish(lot, "interest", message=(form.message.data or "")[:500])
    if not form.validate_on_submit():
        return _render_detail(lot, status=422, interest_form=form)
    try:
        interest_service.express_interest(lot, current_user, message=form.message.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error" if error.status != 409 else "info")
        return _render_detail(get_visible_lot(lot_code), status=error.status, interest_form=form)
    db.session.commit()
    flash(_("Thank you. %(org)s has been told you are interested.", org=lot.organisation.name),
          "success")
    return redirect(url_for("lots.detail", lot_code=lot.lot_code))


@bp.post("/<lot_code>/sample")
def request_sample(lot_code: str):
    lot = get_visible_lot(lot_code)
    form = SampleRequestForm()
    if not current_user.is_authenticated:
        grams = request.form.get("grams", "").strip()
        return _login_to_finish(lot, "sample", grams=grams if grams.isdigit() else None,
                                message=(form.message.data or "")[:500])
    if not form.validate_on_submit():
        return _render_detail(lot, status=422, sample_form=form)
    try:
        interest_service.request_sample(lot, current_user, grams=form.grams.data,
                                        message=form.message.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_detail(get_visible_lot(lot_code), status=error.status, sample_form=form)
    db.session.commit()
    flash(_("Your sample request has been sent to %(org)s.", org=lot.organisation.name),
          "success")
    return redirect(url_for("lots.detail", lot_code=lot.lot_code))


def printed_url(lot: Lot) -> str:
    """The address a printed sheet's QR code carries: the lot's opaque scan token once it is
    published (scans are counted and can be re-issued), the plain page address for a draft."""
    if not lot.is_published:
        return public_url(lot)
    url = lot_qr_url(lot)
    db.session.commit()  # the token is issued on first print and must outlive this request
    return url


@bp.get("/<lot_code>/sheet")
def sheet(lot_code: str):
    lot = get_visible_lot(lot_code)
    sheet = build_sheet(lot, today=_today())
    url = printed_url(lot)
    return render_template(
        "lots/sheet.html", sheet=sheet, lot=lot, radar=flavour_radar(sheet),
        qr=Markup(qr_svg(url, label=_("QR code: %(url)s", url=url))),  # noqa: S704
        public_url=url, is_draft=not lot.is_published,
    )


@bp.get("/<lot_code>/sheet.pdf")
def sheet_pdf(lot_code: str):
    lot = get_visible_lot(lot_code)
    document = render_sheet_pdf(build_sheet(lot, today=_today()), printed_url(lot))
    return Response(
        bytes(document.output()), mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{lot.lot_code}.pdf"'},
    )


@bp.get("/<lot_code>/plots.geojson")
@login_required
def geojson(lot_code: str):
    lot = get_visible_lot(lot_code)
    if current_user.role not in ("buyer", "rep", "organiser"):
        abort(403)
    plots = [
        geo.Plot(plot_id=p.plot_ref, producer_name=p.producer_name,
                 production_place=p.production_place or lot.community, area_ha=p.area_ha,
                 geometry=p.geometry_json)
        for p in lot.plots
    ]
    try:
        collection = geo.eudr_feature_collection(plots)
    except geo.GeoValidationError as error:
        messages = "; ".join(_(p.template, **p.params) for p in error.problems)
        return Response(_("The plots of this lot fail the EUDR checks: %(problems)s",
                          problems=messages), status=409, mimetype="text/plain")
    return Response(
        geo.dumps_geojson(collection), mimetype="application/geo+json",
        headers={"Content-Disposition": f'attachment; filename="{lot.lot_code}-plots.geojson"'},
    )


# PDF -------------------------------------------------------------------------------------

def _money(value: Decimal | None, places: int = 2) -> str:
    return f"USD {number(value, places)}" if value is not None else "—"


def sheet_pairs(sheet: LotSheet) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sheet's sections as (heading, [(label, value)]) for the PDF."""
    lot, terms, eudr = sheet.lot, sheet.terms, sheet.eudr
    identity = [
        (_("Lot code"), lot.lot_code),
        (_("Producer"), lot.organisation.name),
        (_("Product"), label("product_form", lot.product_form)),
        (_("Origin"), ", ".join(x for x in (lot.community, lot.province, lot.region, _("Peru")) if x)),
        (_("Harvest"), f"{format_date(lot.harvest_start)} – {format_date(lot.harvest_end)}"),
        (_("Volume available"), f"{number(sheet.volume.kg, 0)} kg · {number(sheet.volume.mt, 3)} MT"
                                f" · {number(sheet.volume.lb, 0)} lb · {number(sheet.volume.quintales, 2)} qq"),
        (_("Genetics"), ", ".join(f"{label('genetics', g.genetics)} {number(g.share_pct)} %"
                                  for g in sheet.genetics) or "—"),
        (_("Exporter of record"), lot.exporter_of_record or "—"),
    ]
    sections = [(_("Lot"), identity)]
    if sheet.analysis:
        a = sheet.analysis
        sections.append((_("Physical quality"), [
            (_("Analysis date"), f"{format_date(a.analysis_date)} · {a.lab}"),
            (_("Fermented"), f"{number(a.fermented_pct, 1)} %"),
            (_("ISO grade"), label("iso_grade", a.iso_grade)),
            (_("Moisture"), f"{number(a.moisture_pct, 1)} %"),
            (_("Bean count"), _("%(count)d beans / 100 g (%(size)s)", count=a.bean_count_per_100g,
                                size=label("bean_size", a.bean_size))),
        ]))
    if sheet.sensory:
        s = sheet.sensory
        sections.append((_("Sensory"), [
            (_("Evaluation"), f"{format_date(s.evaluated_on)} · {label('sensory_protocol', s.protocol)}"),
            (_("Global quality"), f"{number(s.global_quality)} / 10"),
            (_("Flavour notes"), s.evaluation.flavour_notes_en if str(get_locale()) == "en"
             and s.evaluation.flavour_notes_en else s.evaluation.flavour_notes_es
             or s.evaluation.flavour_notes_en or "—"),
            *((label("sensory", code), number(score)) for code, score in s.radar),
        ]))
    if sheet.certificates:
        sections.append((_("Certificates"), [
            (label("cert_scheme", c.certificate.scheme),
             f"{CERT_STATE_LABELS[c.state]} · {c.certificate.holder} · {c.certificate.certificate_no}"
             f" · {format_date(c.certificate.valid_to)}")
            for c in sheet.certificates
        ]))
    sections.append((_("EU Deforestation Regulation"), [
        (_("Plots"), str(len(eudr.plots))),
        (_("Total area"), f"{number(eudr.total_area_ha)} ha"),
        (_("Production period"),
         f"{format_date(eudr.production_start)} – {format_date(eudr.production_end)}"),
        (_("Missing evidence"), ", ".join(str(EVIDENCE_LABELS[m]) for m in eudr.missing) or _("None")),
    ]))
    sections.append((_("Commercial terms"), [
        (_("Incoterm"), f"{terms.incoterm} {terms.incoterm_place}".strip()),
        (_("Price"), f"{_money(terms.price_usd_per_mt)} / MT · {_money(terms.price_usd_per_kg)} / kg"),
        (_("Price valid until"), format_date(terms.price_valid_until) if terms.price_valid_until else "—"),
        (_("Minimum order"), f"{number(terms.moq_kg, 0)} kg" + (
            " · " + _("%(bags)d bags", bags=terms.moq_bags) if terms.moq_bags else "")),
        (_("Samples"), _("Available") if terms.sample_available else _("Not available")),
    ]))
    return sections


EVIDENCE_LABELS = {
    "geolocation": _l("Plot geolocation"),
    "no_deforestation": _l("No-deforestation evidence"),
    "legality": _l("Legality evidence"),
}


def render_sheet_pdf(sheet: LotSheet, url: str):
    """An A4 PDF of the sheet with a QR code to the public page; fits on two pages."""
    lot = sheet.lot
    document = printing_pdf.new_document(
        _("Product sheet %(code)s", code=lot.lot_code), str(get_locale() or "es"))
    document.add_page()
    qr_size = 32
    printing_pdf.add_qr(document, url, document.w - printing_pdf.MARGIN_MM - qr_size,
                        printing_pdf.MARGIN_MM, qr_size)
    document.set_font(printing_pdf.FONT_FAMILY, "B", 16)
    document.multi_cell(document.epw - qr_size - 4, 8, lot.name(str(get_locale() or "es")))
    document.set_font(printing_pdf.FONT_FAMILY, "", 10)
    document.multi_cell(document.epw - qr_size - 4, 6, f"{lot.lot_code} · {lot.organisation.name}")
    document.multi_cell(document.epw - qr_size - 4, 5, url)
    document.set_y(max(document.get_y(), printing_pdf.MARGIN_MM + qr_size) + 2)
    document.set_font(printing_pdf.FONT_FAMILY, "", 9)
    for heading, pairs in sheet_pairs(sheet):
        document.set_font(printing_pdf.FONT_FAMILY, "B", 11)
        document.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        document.set_font(printing_pdf.FONT_FAMILY, "", 9)
        printing_pdf.key_value_table(document, pairs)
        document.ln(1)
    return document
