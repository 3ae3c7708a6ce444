"""Short public scan URLs (/q/<token>), QR images, and the codes page where reps re-issue codes."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker import web
from matchmaker.errors import DomainError
from matchmaker.extensions import db
from matchmaker.input_guard import db_int
from matchmaker.models import Event, Exhibitor, Lot, Organisation
from matchmaker.models.offers import ConsolidatedOffer, OfferStatus
from matchmaker.models.qr import QrKind, QrToken
from matchmaker.printing.qr import qr_png, qr_svg
from matchmaker.services import events, qr_codes
from matchmaker.templating import safe_next

bp = Blueprint("qr", __name__)

VISITOR_COOKIE = "mm_visitor"
VISITOR_COOKIE_AGE = 400 * 24 * 3600  # browsers cap cookie lifetimes at 400 days
# A token's URL never changes, so its image never changes either.
IMMUTABLE = "public, max-age=31536000, immutable"


def _visitor_id() -> tuple[str, bool]:
    current = request.cookies.get(VISITOR_COOKIE, "")
    if 16 <= len(current) <= 40 and set(current) <= qr_codes.TOKEN_ALPHABET:
        return current, False
    return secrets.token_urlsafe(16), True


def _catalogue_url() -> str:
    from flask import current_app

    if "lots.catalogue" in current_app.view_functions:
        return url_for("lots.catalogue")
    return url_for("organisations.index")


@bp.get("/q/<token>")
@web.writes_on_get("a QR code is opened by a GET, and counting that opening is the point")
def scan(token: str):
    """A printed code was opened: count it, then go to the lot or booth (badges: see below)."""
    try:
        row = qr_codes.resolve(token)
    except DomainError as error:
        if error.code == "token_revoked":
            return render_template("qr/replaced.html", catalogue_url=_catalogue_url()), 410
        abort(404)
    if row.kind == QrKind.BADGE:
        # Opening a badge with a phone camera app: reps get a button to add the lead (a POST,
        # so that a link preview or prefetch never creates leads); others learn nothing.
        is_rep = current_user.is_approved_rep
        return render_template("qr/badge.html", token=row, is_rep=is_rep)
    visitor_id, is_new = _visitor_id()
    user = current_user if current_user.is_authenticated else None
    qr_codes.record_scan(row, visitor_id, user)
    organisation = qr_codes.lead_offer(row, user)
    if organisation is not None:
        # A buyer becomes a lead only by asking (a POST): a link to this URL on any other
        # site would otherwise hand their contact to the organisation.
        response = make_response(render_template(
            "qr/scanned.html", token=row, organisation=organisation,
            target_url=qr_codes.url_for_target(row)))
    else:
        response = redirect(qr_codes.url_for_target(row))
    response.headers["Cache-Control"] = "no-store"  # every opening must reach us to count
    if is_new:
        response.set_cookie(VISITOR_COOKIE, visitor_id, max_age=VISITOR_COOKIE_AGE,
                            httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


@bp.post("/q/<token>/lead")
@login_required
def leave_contact(token: str):
    """The scanning buyer asks to leave their contact with the code's organisation."""
    web.require_action()
    try:
        row = qr_codes.resolve(token)
        qr_codes.lead_from_scan(row, current_user)
    except DomainError as error:
        if error.code in ("token_unknown", "token_revoked"):
            abort(404)
        web.refused(error)
        return redirect(qr_codes.url_for_target(row))
    flash(_("%(org)s now has your contact details.", org=qr_codes.target_organisation(row).name),
          "success")
    return redirect(qr_codes.url_for_target(row))


def _image_token(token: str) -> QrToken:
    try:
        row = qr_codes.resolve(token)
    except DomainError:
        abort(404)
    # A badge code hands the buyer's lead to whoever scans it: only they and organisers see it.
    may_see_badge = current_user.is_authenticated and (
        current_user.is_organiser or current_user.id == row.buyer_id
    )
    if row.kind == QrKind.BADGE and not may_see_badge:
        abort(404)
    return row


def _cached(response, row: QrToken):
    response.headers["Cache-Control"] = (
        "private, max-age=31536000, immutable" if row.kind == QrKind.BADGE else IMMUTABLE
    )
    return response


@bp.get("/qr/<token>.svg")
def image_svg(token: str):
    row = _image_token(token)
    url = qr_codes.short_url(row)
    response = make_response(qr_svg(url, label=_("QR code")))
    response.mimetype = "image/svg+xml"
    return _cached(response, row)


@bp.get("/qr/<token>.png")
def image_png(token: str):
    row = _image_token(token)
    size = request.args.get("box", 10, type=db_int)
    if not 2 <= size <= 40:
        abort(400)
    response = make_response(qr_png(qr_codes.short_url(row), box_size=size))
    response.mimetype = "image/png"
    return _cached(response, row)


@bp.post("/qr/<token>/reissue")
@login_required
def reissue(token: str):
    """Replace a code (lost poster, leaked badge): the old URL then shows "replaced"."""
    row = db.first_or_404(db.select(QrToken).where(QrToken.token == token))
    if not qr_codes.can_manage(current_user, row):
        abort(403)
    web.require_action()
    try:
        qr_codes.reissue(row)
    except DomainError as error:
        web.refused(error)
        return redirect(safe_next("qr.codes"))
    flash(_("A new code was issued. Print it again: the old one no longer works."), "success")
    return redirect(safe_next("qr.codes"))


def _codes_organisation() -> Organisation | None:
    if current_user.is_approved_rep:
        return current_user.organisation
    if current_user.is_organiser:
        slug = request.args.get("org")
        if slug:
            return db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))
        return None
    abort(403)


@bp.get("/qr/codes")
@login_required
def codes():
    """A rep's QR codes: each published lot, published offer and booth, with scan counts."""
    organisation = _codes_organisation()
    if organisation is None:
        organisations = db.session.scalars(db.select(Organisation).order_by(Organisation.name))
        return render_template("qr/choose_organisation.html", organisations=organisations)
    lots = db.session.scalars(
        db.select(Lot).where(Lot.organisation_id == organisation.id, Lot.is_published.is_(True))
        .order_by(Lot.lot_code)
    ).all()
    exhibits = db.session.scalars(
        db.select(Exhibitor).join(Event).where(Exhibitor.organisation_id == organisation.id,
                                               Event.is_archived.is_(False))
        .order_by(Event.starts_on.desc())
    ).all()
    offers = db.session.scalars(
        db.select(ConsolidatedOffer).where(ConsolidatedOffer.cooperative_id == organisation.id,
                                           ConsolidatedOffer.status == OfferStatus.PUBLISHED)
        .order_by(ConsolidatedOffer.offer_code)
    ).all()
    lot_tokens = [(lot, qr_codes.lot_token(lot)) for lot in lots]
    offer_tokens = [(offer, qr_codes.offer_token(offer)) for offer in offers]
    booth_tokens = [(exhibitor, qr_codes.booth_token(exhibitor)) for exhibitor in exhibits]
    counts = qr_codes.scan_counts([t.id for _x, t in lot_tokens + offer_tokens + booth_tokens])
    return render_template("qr/codes.html", organisation=organisation, lot_tokens=lot_tokens,
                           offer_tokens=offer_tokens, booth_tokens=booth_tokens, counts=counts,
                           short_url=qr_codes.short_url)


@bp.get("/qr/badge")
@login_required
def my_badge():
    """A buyer's badge for the current event, to show on the phone when no printed badge."""
    if not current_user.is_buyer:
        abort(403)
    event = events.current()
    # The menu links here all year: without a current event the page says so (not a 404).
    token = qr_codes.badge_token(event, current_user) if event is not None else None
    return render_template("qr/my_badge.html", event=event, token=token)
