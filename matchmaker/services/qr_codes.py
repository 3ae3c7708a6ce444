"""QR tokens: issue, look up, revoke and re-issue, short URLs, and recording scans.

A token is opaque (printing.qr.new_token), never an id or contact data. The short URL is
BASE_URL + /q/<token> (`matchmaker.urls.external_url`), so printed codes point at the public
site whatever host served the page, or the background job, that generated them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Event, Exhibitor, Lot, Organisation, User
from matchmaker.models.base import utcnow
from matchmaker.models.leads import LeadSourceKind
from matchmaker.models.offers import ConsolidatedOffer
from matchmaker.models.qr import QrKind, QrToken, Scan
from matchmaker.printing.qr import new_manual_code, new_token, parse_manual_code
from matchmaker.services import events
from matchmaker.services.leads.consent import shares_contact
from matchmaker.services.leads.recording import find_lead, record_lead
from matchmaker.urls import external_url
from matchmaker.write_guard import permitted

# Tokens from new_token() are 11 URL-safe characters; anything else is rejected before a query.
TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
MAX_TOKEN_LENGTH = 32
_ISSUE_ATTEMPTS = 3


class TokenNotFound(ValidationFailed):
    code = "token_unknown"
    status = 404


class TokenRevoked(Conflict):
    code = "token_revoked"
    status = 410


def _target_filter(kind: str, *, lot: Lot | None = None, exhibitor: Exhibitor | None = None,
                   event: Event | None = None, buyer: User | None = None,
                   offer: ConsolidatedOffer | None = None):
    if kind == QrKind.LOT:
        return (QrToken.kind == kind, QrToken.lot_id == lot.id)
    if kind == QrKind.OFFER:
        return (QrToken.kind == kind, QrToken.offer_id == offer.id)
    if kind == QrKind.BOOTH:
        return (QrToken.kind == kind, QrToken.exhibitor_id == exhibitor.id)
    return (QrToken.kind == kind, QrToken.event_id == event.id, QrToken.buyer_id == buyer.id)


def active_token(kind: str, **target) -> QrToken | None:
    """The active token of a lot (lot=), offer (offer=), booth (exhibitor=) or badge
    (event=, buyer=), if any."""
    return db.session.scalar(
        db.select(QrToken).where(*_target_filter(kind, **target), QrToken.is_active.is_(True))
    )


def ensure_token(kind: str, **target) -> QrToken:
    """Return the target's active token, issuing one if it has none (race-safe: the
    database's unique indexes decide, as for the bulk issue below).

    Raises:
        ValidationFailed: ``not_a_buyer`` for a badge of a non-buyer.
    """
    if kind == QrKind.LOT:
        return lot_tokens([target["lot"]])[target["lot"].id]
    if kind == QrKind.OFFER:
        offer_id = target["offer"].id
        return _ensure_many(kind, QrToken.offer_id, [offer_id], lambda _id: {})[offer_id]
    if kind == QrKind.BOOTH:
        return booth_tokens([target["exhibitor"]])[target["exhibitor"].id]
    return badge_tokens(target["event"], [target["buyer"]])[target["buyer"].id]


def lot_token(lot: Lot) -> QrToken:
    return ensure_token(QrKind.LOT, lot=lot)


def offer_token(offer: ConsolidatedOffer) -> QrToken:
    return ensure_token(QrKind.OFFER, offer=offer)


def booth_token(exhibitor: Exhibitor) -> QrToken:
    return ensure_token(QrKind.BOOTH, exhibitor=exhibitor)


def badge_token(event: Event, buyer: User) -> QrToken:
    return ensure_token(QrKind.BADGE, event=event, buyer=buyer)


# Issue -----------------------------------------------------------------------------------
# One token at a time (a page) or hundreds (a whole event's posters or badges). Issued one by
# one (a SELECT, an INSERT and a savepoint each) a batch costs more than drawing the PDF;
# here the active tokens are read in one query and the missing ones inserted in one
# statement. The database's unique indexes still decide: when another process issued some of
# them first, or a random token or badge code collided, the insert fails as a whole, the
# tokens are read again and only the still missing ones are inserted anew.
_IN_CHUNK = 900  # ids per IN (...) list, well under SQLite's and psycopg's parameter limits


def _active_tokens(kind: str, column, ids: list[int], *conditions) -> dict[int, QrToken]:
    found: dict[int, QrToken] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        rows = db.session.scalars(
            db.select(QrToken).where(QrToken.kind == kind, QrToken.is_active.is_(True),
                                     column.in_(ids[start:start + _IN_CHUNK]), *conditions))
        found.update((getattr(row, column.key), row) for row in rows)
    return found


def _ensure_many(kind: str, column, ids: Iterable[int], new_fields, *conditions
                 ) -> dict[int, QrToken]:
    """The active token of each target id (column names the target), issuing missing ones."""
    wanted = list(dict.fromkeys(ids))
    found = _active_tokens(kind, column, wanted, *conditions)
    for _attempt in range(_ISSUE_ATTEMPTS):
        missing = [target_id for target_id in wanted if target_id not in found]
        if not missing:
            return found
        now = utcnow()
        rows = [{"token": new_token(), "kind": kind, "is_active": True, "created_at": now,
                 column.key: target_id, **new_fields(target_id)} for target_id in missing]
        try:
            with (permitted("QR tokens are issued the first time a printable shows them"),
                  db.session.begin_nested()):
                db.session.execute(sa.insert(QrToken), rows)
        except IntegrityError:
            pass  # issued elsewhere meanwhile, or a random value collided: read, then retry
        found.update(_active_tokens(kind, column, missing, *conditions))
    if all(target_id in found for target_id in wanted):
        return found
    raise Conflict(_("Could not issue a QR code, please try again."), code="token_issue_failed")


def lot_tokens(lots: Iterable[Lot]) -> dict[int, QrToken]:
    """The active token of each lot, by lot id; missing ones are issued in one statement."""
    return _ensure_many(QrKind.LOT, QrToken.lot_id, (lot.id for lot in lots), lambda _id: {})


def booth_tokens(exhibitors: Iterable[Exhibitor]) -> dict[int, QrToken]:
    """The active token of each booth, by exhibitor id; missing ones issued in one statement."""
    event_of = {exhibitor.id: exhibitor.event_id for exhibitor in exhibitors}
    return _ensure_many(QrKind.BOOTH, QrToken.exhibitor_id, event_of,
                        lambda exhibitor_id: {"event_id": event_of[exhibitor_id]})


def badge_tokens(event: Event, buyers: Iterable[User]) -> dict[int, QrToken]:
    """The active badge token of each buyer at event, by user id; missing ones (each with its
    own random badge code) are issued in one statement.

    Raises:
        ValidationFailed: ``not_a_buyer`` if one of them is not a buyer.
    """
    buyers = list(buyers)
    if not all(buyer.is_buyer for buyer in buyers):
        raise ValidationFailed(_("Badges are for buyers."), code="not_a_buyer")
    return _ensure_many(QrKind.BADGE, QrToken.buyer_id, (buyer.id for buyer in buyers),
                        lambda _id: {"event_id": event.id, "manual_code": new_manual_code()},
                        QrToken.event_id == event.id)


def reissue(token: QrToken, *, now: datetime | None = None) -> QrToken:
    """Revoke token and issue a fresh one for the same target; the old URL then answers 410.

    Raises:
        Conflict: ``token_revoked`` if token was already replaced.
    """
    if not token.is_active:
        raise TokenRevoked(_("This code was already replaced."))
    target = {QrKind.LOT: {"lot": token.lot}, QrKind.OFFER: {"offer": token.offer},
              QrKind.BOOTH: {"exhibitor": token.exhibitor},
              QrKind.BADGE: {"event": token.event, "buyer": token.buyer}}[QrKind(token.kind)]
    token.is_active = False
    token.revoked_at = now or utcnow()
    # The old row must stop being active in the database before the partial unique
    # index admits the new one.
    db.session.flush()
    return ensure_token(token.kind, **target)


def can_manage(user: User, token: QrToken) -> bool:
    """Reps manage their organisation's lot and booth codes; organisers manage every code."""
    if not user.is_authenticated:
        return False
    if user.is_organiser:
        return True
    if token.kind == QrKind.LOT:
        return user.represents(token.lot.organisation_id)
    if token.kind == QrKind.OFFER:
        return user.represents(token.offer.cooperative_id)
    if token.kind == QrKind.BOOTH:
        return user.represents(token.exhibitor.organisation_id)
    return False


def find(token_text: str) -> QrToken:
    """The token row for the text after /q/, active or not.

    Raises:
        ValidationFailed: ``token_unknown`` (status 404).
    """
    token_text = (token_text or "").strip()
    if (not token_text or len(token_text) > MAX_TOKEN_LENGTH
            or not set(token_text) <= TOKEN_ALPHABET):
        raise TokenNotFound(_("This code is not one of ours."))
    row = db.session.scalar(db.select(QrToken).where(QrToken.token == token_text))
    if row is None:
        raise TokenNotFound(_("This code is not one of ours."))
    return row


def resolve(token_text: str) -> QrToken:
    """The ACTIVE token for the text after /q/.

    Raises:
        ValidationFailed: ``token_unknown`` (404); Conflict: ``token_revoked`` (410).
    """
    row = find(token_text)
    if not row.is_active:
        raise TokenRevoked(_("This code was replaced by a new one."))
    return row


def resolve_scanned(text: str) -> QrToken:
    """The ACTIVE token behind what a scanner read or a person typed: a full /q/<token> URL,
    the bare token, or a badge's printed code ("K7MQ-2XRD", any case, dash optional).

    Raises:
        ValidationFailed: ``token_unknown`` (404); Conflict: ``token_revoked`` (410).
    """
    manual_code = parse_manual_code(text)
    if manual_code is None:
        return resolve(token_from_scan(text))
    row = db.session.scalar(db.select(QrToken).where(QrToken.manual_code == manual_code))
    if row is None:
        raise TokenNotFound(_("No badge has this code. Check it letter by letter."))
    if not row.is_active:
        raise TokenRevoked(_("This code was replaced by a new one."))
    return row


def token_from_scan(text: str) -> str:
    """The token inside what a scanner read: a full /q/<token> URL or the bare token."""
    text = (text or "").strip()
    if "/q/" in text:
        text = text.rsplit("/q/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/ ")


def short_url(token: QrToken | str) -> str:
    """The absolute URL printed in the code: BASE_URL/q/<token>."""
    text = token if isinstance(token, str) else token.token
    return external_url("qr.scan", token=text)


def lot_qr_url(lot: Lot) -> str:
    """The short QR URL for a lot (issuing its token if needed): for the lot product sheet."""
    return short_url(lot_token(lot))


def offer_qr_url(offer: ConsolidatedOffer) -> str:
    """The short QR URL for an offer (issuing its token if needed): for the offer sheet/PDF."""
    return short_url(offer_token(offer))


def target_organisation(token: QrToken) -> Organisation:
    """Whose lot, offer or booth code it is: the lot's owner, the offer's cooperative, the
    booth's exhibitor (badges belong to buyers, not organisations)."""
    if token.kind == QrKind.LOT:
        return token.lot.organisation
    if token.kind == QrKind.OFFER:
        return token.offer.cooperative
    return token.exhibitor.organisation


def scan_event(token: QrToken) -> Event | None:
    """The event a scan belongs to: the booth's event, or for a lot (an offer) the running
    (else next, else latest) event where its organisation (the offer's cooperative) exhibits."""
    if token.kind == QrKind.BOOTH:
        return token.exhibitor.event
    if token.kind == QrKind.BADGE:
        return token.event
    if token.kind == QrKind.OFFER:
        return events.current(organisation_id=token.offer.cooperative_id)
    return events.current(organisation_id=token.lot.organisation_id)


def record_scan(token: QrToken, visitor_id: str, user: User | None, *,
                now: datetime | None = None) -> Scan:
    """Record the opening of a lot, offer or booth code (who, if a logged-in buyer).

    Opening a URL never makes anyone a lead: a link on any other site could open it in a
    buyer's browser. Becoming a lead is the buyer's explicit POST (`lead_from_scan`).

    Raises:
        NotAllowed: ``badge_not_scannable`` for a badge token (reps scan badges on their page).
    """
    if token.kind == QrKind.BADGE:
        raise NotAllowed(_("Badges are scanned from the rep's badge scanner."),
                         code="badge_not_scannable")
    now = now or utcnow()
    event = scan_event(token)
    scan = Scan(token=token, scanned_at=now, event_id=event.id if event else None,
                visitor_id=visitor_id[:40], user_id=user.id if _is_buyer(user) else None)
    db.session.add(scan)
    db.session.flush()
    return scan


def _is_buyer(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_buyer


def lead_offer(token: QrToken, user: User | None) -> Organisation | None:
    """The organisation a scanning buyer may leave their contact with, or None: not a buyer,
    a badge, no event, no consent to share contact, or already a lead of it at that event."""
    if not _is_buyer(user) or token.kind == QrKind.BADGE:
        return None
    event = scan_event(token)
    if event is None:
        return None
    organisation = target_organisation(token)
    if not shares_contact(user, organisation):
        return None
    if find_lead(event.id, organisation.id, user.id) is not None:
        return None
    return organisation


def lead_from_scan(token: QrToken, user: User, *, now: datetime | None = None):
    """The buyer asked, after scanning, to become a lead of the code's organisation (of the
    offer's cooperative for an offer code). Returns the lead.

    Raises:
        NotAllowed: ``not_a_buyer``; ``no_lead`` when no event or no consent to share contact.
    """
    if not _is_buyer(user) or token.kind == QrKind.BADGE:
        raise NotAllowed(_("Only buyers can leave their contact details."), code="not_a_buyer")
    event = scan_event(token)
    organisation = target_organisation(token)
    if event is None or not shares_contact(user, organisation):
        raise NotAllowed(_("Your contact details cannot be shared with %(org)s.",
                           org=organisation.name), code="no_lead")
    kind = {QrKind.LOT: LeadSourceKind.LOT_SCAN, QrKind.OFFER: LeadSourceKind.OFFER_SCAN,
            QrKind.BOOTH: LeadSourceKind.BOOTH_SCAN}[QrKind(token.kind)]
    return record_lead(user, organisation, kind, event=event, lot=token.lot, at=now or utcnow())


def scan_counts(token_ids: list[int]) -> dict[int, int]:
    """Number of scans per token id (0 for tokens never scanned)."""
    if not token_ids:
        return {}
    rows = db.session.execute(
        db.select(Scan.token_id, db.func.count())
        .where(Scan.token_id.in_(token_ids))
        .group_by(Scan.token_id)
    )
    counts = dict.fromkeys(token_ids, 0)
    counts.update({token_id: count for token_id, count in rows})
    return counts


def url_for_target(token: QrToken) -> str:
    """Where a scan lands: the public lot or offer page, or the organisation page."""
    if token.kind == QrKind.OFFER:
        return external_url("offers.detail", offer_code=token.offer.offer_code)
    if token.kind == QrKind.LOT:
        if "lots.detail" in current_app.view_functions:
            return external_url("lots.detail", lot_code=token.lot.lot_code)
        return external_url("organisations.detail", slug=token.lot.organisation.slug)
    return external_url("organisations.detail", slug=token.exhibitor.organisation.slug)
