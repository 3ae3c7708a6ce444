"""The public side of lots: catalogue, product sheet, compare, print/PDF, GeoJSON, buyer actions."""

from __future__ import annotations

import functools
from datetime import date

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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from matchmaker import web
from matchmaker.access import can_edit_organisation
from matchmaker.errors import DomainError
from matchmaker.forms.fields import IntegerField
from matchmaker.fragments import render_blocks, serve_blocks, stamp_connection
from matchmaker.input_guard import db_int
from matchmaker.labels import VOCABULARIES, label, number
from matchmaker.lot_display import CERT_STATE_LABELS, is_web_link, localized_text, price_text
from matchmaker.lotsheet import geo, vocab
from matchmaker.lotsheet.pricing import MarketReferences
from matchmaker.lotsheet.radar import radar_svg
from matchmaker.models import (
    ConsolidatedOffer,
    Event,
    InterestKind,
    Lot,
    LotInterest,
    OfferLot,
)
from matchmaker.models.offers import LineApproval
from matchmaker.number_format import format_decimal
from matchmaker.page_cache import PageCache
from matchmaker.printing.qr import qr_svg
from matchmaker.services import interest as interest_service
from matchmaker.services.lots import catalogue
from matchmaker.services.lots.pricing import (
    current_references_subquery,
    market_references,
    references_from_row,
)
from matchmaker.services.lots.sheet import LotSheet, build_sheet, load_lot, load_lots
from matchmaker.services.offers.exposure import lot_unavailability
from matchmaker.services.offers.page import published_offers
from matchmaker.services.printing import lot_sheet as lot_sheet_pdf
from matchmaker.services.qr_codes import lot_qr_url
from matchmaker.urls import external_url
from matchmaker.user_loading import lot_actions_version

bp = Blueprint("lots", __name__, url_prefix="/lots")

COMPARE_MIN, COMPARE_MAX = 2, 4
ACTIONS = ("interest", "sample")

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
            "has_endpoint": lambda name: name in current_app.view_functions,
            "price_text": price_text, "show_soles": show_soles(),
            "localized_text": localized_text, "is_web_link": is_web_link}


def _today() -> date:
    return date.today()


def show_soles() -> bool:
    """Prices in soles beside USD: always on the Spanish page, and for buyers from Peru."""
    if str(get_locale() or "es") == "es":
        return True
    profile = getattr(current_user, "buyer_profile", None) if current_user.is_authenticated \
        else None
    return profile is not None and profile.country == "PE"


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
    return request.args.get(name, 1, type=db_int) or 1


def _catalogue_context(parsed: catalogue.ParsedFilters, references: MarketReferences) -> dict:
    page = catalogue.search_lots(parsed.filters, today=_today(), page=_page_number(),
                                 references=references)
    return dict(
        page=page, filters=parsed.filters, invalid=parsed.invalid, references=references,
        choices=catalogue.filter_choices(), sort_labels=SORT_LABELS,
        flavour_axes=vocab.RADAR_AXES, today=_today(), offers=published_offers(),
    )


@functools.lru_cache(maxsize=4)
def _catalogue_stamp(today: date):
    """What a catalogue page is built from, as one row of counts and last changes (lots,
    offers and their approved lines, open events) plus the fair's reference prices."""
    lot, offer = Lot.__table__, ConsolidatedOffer.__table__
    line, event = OfferLot.__table__, Event.__table__

    def scalar(*columns, table, where=None):
        query = sa.select(*columns).select_from(table)
        return (query if where is None else query.where(where)).scalar_subquery()

    references = current_references_subquery(today)
    one = sa.select(sa.literal(1).label("one")).subquery()
    return sa.select(
        scalar(sa.func.count(), table=lot).label("lots"),
        scalar(sa.func.max(lot.c.updated_at), table=lot).label("lots_at"),
        scalar(sa.func.count(), table=offer).label("offers"),
        scalar(sa.func.max(offer.c.updated_at), table=offer).label("offers_at"),
        scalar(sa.func.count(), table=line, where=line.c.approval == LineApproval.APPROVED)
        .label("approved_lines"),
        scalar(sa.func.count(), table=event,
               where=event.c.is_published.is_(True) & event.c.is_archived.is_(False))
        .label("events"),
        *references.c,
    ).select_from(one.outerjoin(references, sa.true()))


def catalogue_pages() -> PageCache:
    """This app's cache of catalogue pages (any filters: kept fewer than lot pages)."""
    return current_app.extensions.setdefault("catalogue_page_cache", PageCache(max_entries=200))


@bp.get("/", endpoint="catalogue")
def catalogue_page():
    parsed = catalogue.parse_filters(request.args)
    if parsed.invalid or not _cacheable_catalogue():
        if parsed.invalid:
            flash(_("Some filters were not understood and have been ignored."), "info")
        context = _catalogue_context(parsed, market_references(today=_today()))
        return render_template("lots/catalogue.html", **context)
    # Everyone sees the same results for the same filters, so pages are stored per filters,
    # language and prices shown, and checked against one row of counts and change times.
    pages = catalogue_pages()
    args = tuple(sorted(request.args.items(multi=True)))
    locale = str(get_locale())
    anonymous = not current_user.is_authenticated
    recheck = current_app.config.get("PAGE_CACHE_RECHECK_SECONDS", 0)
    # The same results for everyone: a page found current is served for `recheck` seconds
    # without asking again (whole pages to visitors, blocks inside their layout to others).
    recent_key = (args, locale, anonymous or show_soles(), anonymous)
    page = pages.recently_checked(recent_key, recheck)
    if page is not None:
        return _public_response(page) if anonymous else _blocks_response(page)
    with stamp_connection() as connection:
        stamp = connection.execute(_catalogue_stamp(_today())).one()
    references = references_from_row(stamp)
    version = tuple(stamp)[:6]
    key = (args, locale, show_soles(), references.version, _today(), anonymous)
    page = pages.get(key, version)
    if anonymous:
        if page is None:
            html = render_template("lots/catalogue.html", **_catalogue_context(parsed, references))
            page = pages.put(key, version, html.encode())
        if recheck:
            pages.checked(recent_key, page)
        return _public_response(page)
    if page is None:
        blocks = render_blocks("lots/catalogue.html", ("title", "content"),
                               **_catalogue_context(parsed, references))
        page = pages.put(key, version, blocks)
    if recheck:
        pages.checked(recent_key, page)
    return _blocks_response(page)


def _blocks_response(page) -> Response:
    """A logged-in person's page: stored blocks inside the layout rendered now."""
    response = Response(serve_blocks(page.body), mimetype="text/html")
    response.vary.add("Cookie")
    return response


def _cacheable_catalogue() -> bool:
    """As `_cacheable_request`, filters allowed."""
    return not current_app.config.get("PAGE_CACHE_DISABLED") and (
        current_user.is_authenticated or "_flashes" not in session)


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
        references = market_references(today=_today())
        sheets = [build_sheet(lot, today=_today(), references=references) for lot in found]
    return render_template("lots/compare.html", sheets=sheets, codes=codes), status


# One lot ---------------------------------------------------------------------------------

def _detail_context(lot: Lot, *, interest_form=None, sample_form=None,
                    references: MarketReferences | None = None) -> dict:
    if references is None:
        references = market_references(today=_today())
    sheet = build_sheet(lot, today=_today(), references=references)
    action = request.args.get("action") if request.method == "GET" else None
    interest_form = interest_form or InterestForm(formdata=None)
    sample_form = sample_form or SampleRequestForm(formdata=None)
    if action == "sample" and request.method == "GET":
        # Coming back from log-in: keep what the visitor typed before being asked to log in.
        sample_form.grams.data = request.args.get("grams", type=db_int) or lot.sample_size_g
        sample_form.message.data = request.args.get("message", "")
    if action == "interest" and request.method == "GET":
        interest_form.message.data = request.args.get("message", "")
    is_buyer = current_user.is_authenticated and current_user.is_buyer
    own_actions = interest_service.buyer_actions(current_user, lot=lot) if is_buyer else []
    already = any(a.kind == InterestKind.INTERESTED for a in own_actions)
    meeting_url = None
    if "meetings.book" in current_app.view_functions and lot.is_published:
        meeting_url = url_for("meetings.book", org_slug=lot.organisation.slug, lot=lot.id)
    return dict(
        sheet=sheet, lot=lot, radar=flavour_radar(sheet),
        is_draft=not lot.is_published, action=action if action in ACTIONS else None,
        interest_form=interest_form, sample_form=sample_form, is_buyer=is_buyer,
        already_interested=already, meeting_url=meeting_url,
        own_samples=[a for a in own_actions if a.kind == InterestKind.SAMPLE_REQUEST],
    )


def _render_detail(lot: Lot, *, status: int = 200, interest_form=None, sample_form=None,
                   references: MarketReferences | None = None):
    context = _detail_context(lot, interest_form=interest_form, sample_form=sample_form,
                              references=references)
    return render_template("lots/detail.html", **context), status


@functools.lru_cache(maxsize=4)
def _lot_stamp(today: date):
    """The lot's id, version stamp, whether the viewer (`buyer`, None for nobody) has already
    marked interest or asked for a sample, and the fair's reference prices: one round trip,
    built once a day."""
    lot = Lot.__table__
    interest = LotInterest.__table__
    references = current_references_subquery(today)
    acted = sa.exists().where(
        interest.c.lot_id == lot.c.id, interest.c.buyer_id == sa.bindparam("buyer"))
    return (
        sa.select(lot.c.id, lot.c.updated_at, lot.c.is_published, acted.label("acted"),
                  *references.c)
        .select_from(lot.outerjoin(references, sa.true()))
        .where(lot.c.lot_code == sa.bindparam("code"))
    )


def anonymous_pages() -> PageCache:
    """This app's cache of rendered lot pages: whole pages for anonymous visitors, the
    sheet's blocks for logged-in ones (see matchmaker/page_cache.py)."""
    return current_app.extensions.setdefault("lot_page_cache", PageCache())


def _cacheable_request() -> bool:
    """No query string (actions, log-in returns); for visitors, whose whole page is stored,
    no pending flash messages (logged-in people get them from the layout, rendered anew)."""
    return (not request.args and not current_app.config.get("PAGE_CACHE_DISABLED")
            and (current_user.is_authenticated or "_flashes" not in session))


def _render_visible(lot_code: str):
    """The lot's page; a lot withdrawn after publication (an old link or printed QR code)
    answers with a "temporarily unavailable" page and alternatives instead of 404."""
    lot = load_lot(lot_code)
    if lot is None:
        abort(404)
    if not lot.is_published and not can_edit_organisation(current_user, lot.organisation):
        why = lot_unavailability(lot)
        if why is None:
            abort(404)
        return render_template("offers/unavailable.html", offer=None, lot=lot, why=why,
                               number=number), why.status
    return _render_detail(lot)


@bp.get("/<lot_code>")
def detail(lot_code: str):
    if not _cacheable_request():
        return _render_visible(lot_code)
    pages = anonymous_pages()
    recheck = current_app.config.get("PAGE_CACHE_RECHECK_SECONDS", 0)
    recent_key = None
    if not current_user.is_authenticated:
        page = pages.recently_checked((lot_code, str(get_locale())), recheck)
        if page is not None:
            return _public_response(page)
    else:
        recent_key = _viewer_recent_key(lot_code, recheck)
        page = pages.recently_checked(recent_key, recheck) if recent_key else None
        if page is not None:
            return _blocks_response(page)
    # One indexed lookup decides whether the stored page is still this lot's page.
    # (Core, not the ORM: the ORM session adds more work than the query itself.)
    with stamp_connection() as connection:
        stamp = connection.execute(_lot_stamp(_today()), {
            "code": lot_code, "buyer": current_user.id if current_user.is_authenticated else None,
        }).first()
    if stamp is None:
        abort(404)
    if not stamp.is_published:
        return _render_visible(lot_code)
    # The page shows indicative prices from the fair's reference prices: a new reference
    # (or exchange rate) is a new page.
    references = references_from_row(stamp)
    if current_user.is_authenticated:
        return _viewer_page(lot_code, stamp, references, recent_key)
    key = (lot_code, str(get_locale()), references.version)
    page = pages.get(key, stamp.updated_at)
    if page is None:
        html, status = _render_detail(get_visible_lot(lot_code), references=references)
        if status != 200:
            return html, status
        page = pages.put(key, stamp.updated_at, html.encode())
    if recheck:
        pages.checked((lot_code, str(get_locale())), page)
    return _public_response(page)


# Headers a request sends to ask for a 304, 412 or 206 instead of the page.
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
                "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE")


def _public_response(page) -> Response:
    """A stored anonymous page, with its ETag for conditional requests."""
    response = Response(page.body, mimetype="text/html", headers=[
        ("ETag", f'"{page.etag}"'), ("Cache-Control", "public, max-age=60"),
        ("Vary", "Accept-Language, Cookie")])
    environ = request.environ
    if any(name in environ for name in _CONDITIONAL):
        return response.make_conditional(request)
    return response  # what make_conditional gives an unconditional GET, without its checks


def _viewer_recent_key(lot_code: str, recheck: float):
    """The key under which a logged-in viewer's stored page of this lot is served without
    the lot's stamp for `recheck` seconds (as visitors' pages are): it names the person and
    the version of their own lot actions, read with them on this request, so their interest
    or sample request shows at once; only changes to the lot itself wait up to `recheck`."""
    actions = lot_actions_version(current_user)
    if recheck <= 0 or actions is None:
        return None
    return ("viewer", lot_code, str(get_locale()), current_user.id, current_user.is_buyer,
            actions, show_soles())


def _viewer_page(lot_code: str, stamp, references: MarketReferences,
                 recent_key=None) -> Response:
    """A logged-in viewer's page of a published lot: the sheet's blocks are rendered once per
    lot version, language, prices and kind of viewer, the layout around them per request."""
    is_buyer = current_user.is_buyer
    if is_buyer and stamp.acted:
        # The buyer's own interest and sample requests are on this page: never shared.
        html, status = _render_detail(get_visible_lot(lot_code), references=references)
        response = Response(html, status=status, mimetype="text/html")
        response.vary.add("Cookie")
        return response
    key = ("viewer", lot_code, str(get_locale()), references.version, show_soles(), is_buyer)
    page = anonymous_pages().get(key, stamp.updated_at)
    if page is None:
        lot = get_visible_lot(lot_code)
        blocks = render_blocks("lots/detail.html", ("title", "content"),
                               **_detail_context(lot, references=references))
        page = anonymous_pages().put(key, stamp.updated_at, blocks)
    if recent_key is not None:
        anonymous_pages().checked(recent_key, page)
    return _blocks_response(page)


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
    # Back on the lot, the prefilled form's button has the focus (autofocus scrolls it into
    # view; an #anchor would stop the browser from focusing it).
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
        status = web.refused(error, category="error" if error.status != 409 else "info")
        return _render_detail(get_visible_lot(lot_code), status=status, interest_form=form)
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
        status = web.refused(error)
        return _render_detail(get_visible_lot(lot_code), status=status, sample_form=form)
    flash(_("Your sample request has been sent to %(org)s.", org=lot.organisation.name),
          "success")
    return redirect(url_for("lots.detail", lot_code=lot.lot_code))


def printed_url(lot: Lot) -> str:
    """The address a printed sheet's QR code carries: the lot's opaque scan token once it is
    published (scans are counted and can be re-issued), the plain page address for a draft."""
    if not lot.is_published:
        return public_url(lot)
    url = lot_qr_url(lot)
    return url


@bp.get("/<lot_code>/sheet")
def sheet(lot_code: str):
    lot = get_visible_lot(lot_code)
    sheet = build_sheet(lot, today=_today(), references=market_references(today=_today()))
    url = printed_url(lot)
    return render_template(
        "lots/sheet.html", sheet=sheet, lot=lot, radar=flavour_radar(sheet),
        qr=Markup(qr_svg(url, label=_("QR code: %(url)s", url=url))),  # noqa: S704
        public_url=url, is_draft=not lot.is_published,
    )


def sheet_links(lot: Lot, sheet: LotSheet, page_url: str) -> lot_sheet_pdf.SheetLinks:
    """Absolute links to the evidence files the printed sheet points at."""
    analysis = sheet.analysis.analysis if sheet.analysis else None
    return lot_sheet_pdf.SheetLinks(
        page_url=page_url,
        analysis_report=external_url("lot_files.analysis_file", analysis_id=analysis.id,
                                     kind="report")
        if analysis is not None and analysis.report_path else None,
        cut_test_photo=external_url("lot_files.analysis_file", analysis_id=analysis.id,
                                    kind="cut_test_photo")
        if analysis is not None and analysis.cut_test_photo_path else None,
        certificate_files={c.certificate.id: external_url("lot_files.certificate_file",
                                                          certificate_id=c.certificate.id)
                           for c in sheet.certificates if c.certificate.file_path},
        no_deforestation_file=external_url("lot_files.eudr_file", lot_id=lot.id,
                                           kind="no-deforestation")
        if lot.no_deforestation_evidence_path else None,
        legality_file=external_url("lot_files.eudr_file", lot_id=lot.id, kind="legality")
        if lot.legality_evidence_path else None,
        plots_geojson=external_url("lots.geojson", lot_code=lot.lot_code) if lot.plots else None,
    )


@bp.get("/<lot_code>/sheet.pdf")
def sheet_pdf(lot_code: str):
    """The printed sheet as a PDF in the visitor's language; ?paper=letter for US Letter."""
    lot = get_visible_lot(lot_code)
    paper = request.args.get("paper", "a4")
    if paper not in lot_sheet_pdf.PAPER_SIZES:
        abort(404)
    sheet = build_sheet(lot, today=_today(), references=market_references(today=_today()))
    document = lot_sheet_pdf.render_lot_sheet(
        sheet, sheet_links(lot, sheet, printed_url(lot)),
        paper=paper, locale=str(get_locale() or "es"), show_soles=show_soles())
    return Response(
        document, mimetype="application/pdf",
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
                 geometry=p.geometry_json, declared_area_ha=p.declared_area_ha)
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




@bp.get("/my-requests")
@login_required
def my_requests():
    """A buyer's own sample requests and "interested" marks, newest first."""
    if not current_user.is_buyer:
        abort(403)
    return render_template("lots/my_requests.html",
                           actions=interest_service.buyer_actions(current_user))
