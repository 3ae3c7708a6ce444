"""Matchmaking: what buyers buy, recommendations both ways, pre-filled wishes, the organiser's
demand/supply overview, similar lots, and `flask recommend`."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from matchmaker import web
from matchmaker.access import get_event, organiser_required, role_required
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.forms.matching import DemandApiForm, DemandForm, demand_formdata
from matchmaker.models import Event, Lot
from matchmaker.services import events
from matchmaker.services.lots.sheet import load_lot
from matchmaker.services.matching import demand as demand_service
from matchmaker.services.matching import recommend
from matchmaker.services.matching.text import buyer_called, finding_text, match_json
from matchmaker.templating import safe_next

bp = Blueprint("matching", __name__, url_prefix="/matches", cli_group=None)
# Beside the read-only lots API, for the signed-in buyer (session cookie). Unlike the lots API
# this blueprint is not exempt from CSRF: a write carries the X-CSRFToken header, like the
# scanner's JSON posts.
api_bp = Blueprint("matching_api", __name__, url_prefix="/api/v1")

participant_required = role_required("buyer", "rep")
buyer_required = role_required("buyer")


CRITERION_LABELS = {
    "product_form": _l("Product form"), "certification": _l("Certification"),
    "eudr": _l("EUDR evidence"), "volume": _l("Volume"),
}


@bp.context_processor
def _labels() -> dict:
    return {"criterion_label": lambda code: str(CRITERION_LABELS.get(code, code)),
            "buyer_called": buyer_called}


def _today() -> date:
    return date.today()


def _locale() -> str:
    return str(get_locale() or "en")


# What a buyer buys -----------------------------------------------------------------------

def _fields_from(form: DemandForm) -> demand_service.DemandFields:
    return demand_service.DemandFields(
        product_forms=form.product_forms.data or [], volume_min_mt=form.volume_min_mt.data,
        volume_max_mt=form.volume_max_mt.data, shipment_min_mt=form.shipment_min_mt.data,
        min_iso_grade=form.min_iso_grade.data or None,
        min_fermented_pct=form.min_fermented_pct.data, max_moisture_pct=form.max_moisture_pct.data,
        certifications=form.certifications.data or [], flavours=form.flavours.data or [],
        genetics=form.genetics.data or [], incoterms=form.incoterms.data or [],
        price_ceiling_usd_per_mt=form.price_ceiling_usd_per_mt.data,
        delivery_from=form.delivery_from.data, delivery_to=form.delivery_to.data,
        eudr_required=form.eudr_required.data, languages=form.languages.data or [],
    )


def _fill(form: DemandForm, fields: demand_service.DemandFields) -> None:
    for name in ("product_forms", "volume_min_mt", "volume_max_mt", "shipment_min_mt",
                 "min_fermented_pct", "max_moisture_pct", "certifications", "flavours",
                 "genetics", "incoterms", "price_ceiling_usd_per_mt", "delivery_from",
                 "delivery_to", "eudr_required", "languages"):
        getattr(form, name).data = getattr(fields, name)
    form.min_iso_grade.data = fields.min_iso_grade or ""


@bp.route("/demand", methods=["GET", "POST"])
@buyer_required
def demand():
    """What the buyer buys; also the second step of sign-up (`?welcome=1`)."""
    profile = current_user.buyer_profile
    if profile is None:
        abort(404)
    form = DemandForm()
    welcome = bool(request.args.get("welcome"))
    if request.method == "GET":
        _fill(form, demand_service.fields_of(profile))
    if form.validate_on_submit():
        try:
            demand_service.save_demand(profile, _fields_from(form))
        except DomainError as error:
            status = web.refused(error, form)
            return render_template("matching/demand.html", form=form, welcome=welcome,
                                   skip_url=safe_next()), status
        flash(_("Saved. Here is what fits what you buy."), "success")
        return redirect(safe_next("matching.home") if welcome else url_for("matching.home"))
    status = 422 if form.is_submitted() else 200
    return render_template("matching/demand.html", form=form, welcome=welcome,
                           skip_url=safe_next()), status


# Recommendations -------------------------------------------------------------------------

@bp.get("/")
@role_required("buyer", "rep", "organiser")
def home():
    """Recommendations at the current fair (or across the catalogue when none is running)."""
    event = events.current()
    if current_user.is_organiser:
        if event is None:
            abort(404)
        return redirect(url_for("matching.overview", event_slug=event.slug))
    if event is not None:
        return redirect(url_for("matching.at_event", event_slug=event.slug))
    return _render_for(None)


@bp.get("/<event_slug>/")
@participant_required
def at_event(event_slug: str):
    return _render_for(get_event(event_slug))


def _render_for(event: Event | None):
    if current_user.is_buyer:
        result = recommend.for_buyer(current_user, event, today=_today(), locale=_locale())
        return render_template("matching/buyer.html", event=event, result=result,
                               lots=_lots_by_code(m.supply.code for m in result.top))
    if not current_user.is_approved:
        abort(403)
    buyers = recommend.for_rep(current_user, event, today=_today(), locale=_locale())
    return render_template("matching/rep.html", event=event, buyers=buyers)


def _lots_by_code(codes) -> dict[str, Lot]:
    codes = list(codes)
    if not codes:
        return {}
    return {lot.lot_code: lot for lot in db.session.scalars(
        db.select(Lot).where(Lot.lot_code.in_(codes)))}


@bp.post("/<event_slug>/wishes")
@participant_required
def prefill(event_slug: str):
    """One click: the top recommendations become "would like" wishes, then the wish page."""
    event = get_event(event_slug)
    web.require_action()
    try:
        added = recommend.prefill_wishes(event, current_user, today=_today())
    except DomainError as error:
        web.refused(error)
        return redirect(url_for("matching.at_event", event_slug=event.slug))
    if added:
        flash(_("%(n)d recommendations added to your wishes as \"would like\". Change them as you "
                "wish, then save.", n=added), "success")
    else:
        flash(_("Your wishes already cover your recommendations."), "info")
    return redirect(url_for("roundtable.wishes_edit", event_slug=event.slug))


@bp.get("/<event_slug>/overview")
@organiser_required
def overview(event_slug: str):
    event = get_event(event_slug, manage=True)
    result = recommend.event_overview(event, today=_today(), locale=_locale())
    return render_template("matching/overview.html", event=event, result=result)


@bp.get("/lots/<lot_code>/similar")
def similar(lot_code: str):
    """Lots nearest to this one by quality and flavour profile."""
    lot = load_lot(lot_code)
    if lot is None or not lot.is_published:
        abort(404)
    nearest = recommend.similar_lots(lot, today=_today(), n=5, locale=_locale())
    return render_template("matching/similar.html", lot=lot, nearest=nearest)


# JSON (for the signed-in buyer; documented in matchmaker/openapi.py) -----------------------

def _api_user():
    if not (current_user.is_authenticated and current_user.is_buyer
            and current_user.buyer_profile is not None):
        abort(401 if not current_user.is_authenticated else 403)
    return current_user


def _json_value(value):
    if isinstance(value, list):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, bool | str):
        return value
    return format(value, "f")


@api_bp.get("/me/demand")
def api_demand():
    """The signed-in buyer's demand (decimals as strings, dates ISO 8601)."""
    fields = demand_service.fields_of(_api_user().buyer_profile)
    return {name: _json_value(getattr(fields, name)) for name in fields.__dataclass_fields__}


@api_bp.route("/me/demand", methods=["PUT", "PATCH"])
def api_save_demand():
    """Replace (PUT: a missing member is cleared) or change (PATCH: only the members sent) the
    signed-in buyer's demand, with the form's bounds and the service's rules; answers the
    demand as stored, or 400 for a body of the wrong shape and 422 with each field's errors."""
    profile = _api_user().buyer_profile
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _api_error(400, "bad_body", _("Send a JSON object."))
    start = demand_service.fields_of(profile) if request.method == "PATCH" \
        else demand_service.DemandFields()
    try:
        formdata = demand_formdata(body, vars(start))
    except ValueError as error:
        return _api_error(400, "bad_body", _("Unknown members, or values of the wrong type."),
                          members=error.args[0])
    form = DemandApiForm(formdata=formdata)
    if not form.validate():
        return _api_error(422, "invalid", _("Check the values sent."),
                          fields={name: [str(m) for m in messages]
                                  for name, messages in form.errors.items()})
    try:
        demand_service.save_demand(profile, _fields_from(form))
        db.session.flush()
        db.session.refresh(profile)  # answer the figures as the columns hold them (12.50)
    except DomainError as error:
        status = web.undo(error)
        return _api_error(status, error.code, error.message,
                          fields={error.field: [error.message]} if error.field else {})
    return api_demand()


def _api_error(status: int, code: str, title: str, **details):
    return {"error": {"status": status, "code": code, "title": title, **details}}, status


@api_bp.get("/me/recommendations")
def api_recommendations():
    """The signed-in buyer's ranked lots and offers at the current fair, with reasons worded
    in the buyer's stored language (see RECOMMENDATIONS_LANGUAGE in matchmaker/openapi.py)."""
    buyer = _api_user()
    languages = current_app.config["LANGUAGES"]
    locale = buyer.locale if buyer.locale in languages else _locale()
    with force_locale(locale):
        result = recommend.for_buyer(buyer, events.current(today=_today()), today=_today(),
                                     locale=locale)
        body = {"event": result.event.slug if result.event else None,
                "recommended": [match_json(m, worded=finding_text) for m in result.top],
                "excluded": [match_json(m, worded=finding_text) for m in result.excluded]}
    return body, 200, {"Content-Language": locale}
