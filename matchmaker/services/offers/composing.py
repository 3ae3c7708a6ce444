"""Composing a consolidated offer: terms, lines with the lot owner's consent, publication.

Rules: only a cooperative composes offers; only published lots go in; a line never takes
more than the lot has left (lock and re-check, see `availability`); a lot owned by another
organisation enters as *pending* until one of that organisation's reps approves; only
approved lines count toward the offer's volume and hold the lot's kilograms (a pending
request reserves nothing, so it never blocks other offers; approval re-checks what is left),
and publishing needs at least one.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.labels import label, number
from matchmaker.lotsheet.vocab import INCOTERM, ISO_GRADE
from matchmaker.models import Lot, Organisation, User
from matchmaker.models.accounts import OrganisationKind
from matchmaker.models.base import utcnow
from matchmaker.models.offers import ConsolidatedOffer, LineApproval, OfferLot, OfferStatus
from matchmaker.printing.qr import new_token
from matchmaker.services.offers import changes, exposure, material, notify
from matchmaker.services.offers.availability import free_for_offer, lock_lot

OFFER_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
TERM_FIELDS = (
    "name_es", "name_en", "description_es", "description_en", "target_volume_kg", "incoterm",
    "incoterm_place", "price_usd_per_mt", "price_valid_until", "exporter_of_record",
    "certificate_holder", "declared_grade",
)
EDITABLE = (OfferStatus.DRAFT, OfferStatus.PUBLISHED, OfferStatus.SUSPENDED)


def kg_text(kg: Decimal) -> str:
    """Kilograms for a message, as people write them: "6,600", "62.5" (never "6600.00")."""
    return number(kg, 0 if kg == kg.to_integral_value() else 2)


# Permissions ---------------------------------------------------------------------------

def can_manage(user: User, offer_or_cooperative: ConsolidatedOffer | Organisation) -> bool:
    """Organisers and the approved reps of the cooperative may edit its offers."""
    if not user.is_authenticated:
        return False
    if user.is_organiser:
        return True
    cooperative_id = (offer_or_cooperative.cooperative_id
                      if isinstance(offer_or_cooperative, ConsolidatedOffer)
                      else offer_or_cooperative.id)
    return user.represents(cooperative_id)


def can_answer(user: User, line: OfferLot) -> bool:
    """Only the lot owner's reps consent; an organiser cannot consent on their behalf."""
    return user.represents(line.lot.organisation_id)


def can_preview(user: User, offer: ConsolidatedOffer) -> bool:
    """The reps of an organisation whose lot the offer holds or asks for may read it as a
    draft, to decide on the request with the whole offer in front of them."""
    if not (user.is_authenticated and user.is_rep and user.is_approved):
        return False
    return any(line.lot.organisation_id == user.organisation_id for line in offer.lines)


# Terms ---------------------------------------------------------------------------------

def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


_GENERIC_WORDS = {"COOPERATIVA", "COOPERATIVE", "COOP", "AGRARIA", "AGRICOLA", "ASOCIACION",
                  "ASSOCIATION", "DE", "DEL", "LA", "LOS", "LAS", "Y", "PRODUCTORES", "CACAO",
                  "CACAOTERA", "LTDA", "SAC", "SA"}


def offer_code_stem(cooperative: Organisation) -> str:
    """The cooperative's distinctive word for offer codes: "AGROBOSQUE" from "Cooperativa
    Agrobosque" (never "COOPERAT", the first letters of every cooperative's name)."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", cooperative.name or cooperative.slug or "")
    words = re.findall(r"[A-Z0-9]+", plain.encode("ascii", "ignore").decode().upper())
    meaningful = [w for w in words if w not in _GENERIC_WORDS] or words
    return (meaningful[0] if meaningful else "COOP")[:24]


def suggest_offer_code(cooperative: Organisation, *, year: int | None = None) -> str:
    """`OF-<SLUG>-<YY>-<NNN>`, the next free number for this cooperative and year."""
    yy = f"{(year or date.today().year) % 100:02d}"
    stem = offer_code_stem(cooperative)
    prefix = f"OF-{stem}-{yy}-"
    taken = set(db.session.scalars(
        db.select(ConsolidatedOffer.offer_code).where(ConsolidatedOffer.offer_code.like(f"{prefix}%"))
    ))
    n = 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _decimal(value, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed(_("Enter a number."), code="not_a_number", field=field) from None


def _check_terms(fields: dict) -> dict:
    clean = {k: fields[k] for k in TERM_FIELDS if k in fields}
    for name in ("name_es", "name_en", "description_es", "description_en", "incoterm_place",
                 "exporter_of_record", "certificate_holder"):
        if name in clean:
            clean[name] = (clean[name] or "").strip()
    if "target_volume_kg" in clean:
        target = _decimal(clean["target_volume_kg"], "target_volume_kg")
        if target is None or target <= 0:
            raise ValidationFailed(_("The target volume must be above zero."),
                                   code="target_not_positive", field="target_volume_kg")
        clean["target_volume_kg"] = target
    if "price_usd_per_mt" in clean:
        price = _decimal(clean["price_usd_per_mt"], "price_usd_per_mt")
        if price is not None and price < 0:
            raise ValidationFailed(_("The price cannot be negative."),
                                   code="price_negative", field="price_usd_per_mt")
        clean["price_usd_per_mt"] = price
    if "declared_grade" in clean:
        clean["declared_grade"] = clean["declared_grade"] or None
        if clean["declared_grade"] not in (None, *ISO_GRADE.codes):
            raise ValidationFailed(_("Choose a value from the list."), code="unknown_choice",
                                   field="declared_grade")
    if "incoterm" in clean and clean["incoterm"] not in INCOTERM:
        raise ValidationFailed(_("Choose an Incoterm from the list."),
                               code="unknown_incoterm", field="incoterm")
    if not (clean.get("name_es") or clean.get("name_en")) and (
            "name_es" in clean or "name_en" in clean):
        raise ValidationFailed(_("Give the offer a name in at least one language."),
                               code="name_missing", field="name_es")
    return clean


def create_offer(cooperative: Organisation, *, offer_code: str = "", **fields) -> ConsolidatedOffer:
    """A draft offer of `cooperative` with its terms.

    Raises:
        NotAllowed: ``not_a_cooperative``.
        ValidationFailed: ``offer_code_invalid``, ``target_not_positive``, ``price_negative``,
            ``unknown_incoterm``, ``name_missing``.
        Conflict: ``offer_code_taken``.
    """
    if cooperative.kind != OrganisationKind.COOPERATIVE:
        raise NotAllowed(_("Only cooperatives compose consolidated offers."),
                         code="not_a_cooperative")
    code = normalise_code(offer_code) or suggest_offer_code(cooperative)
    if not OFFER_CODE_RE.match(code):
        raise ValidationFailed(
            _("Use 3 to 40 capital letters, digits and hyphens for the offer code."),
            code="offer_code_invalid", field="offer_code")
    if db.session.scalar(db.select(ConsolidatedOffer.id).where(ConsolidatedOffer.offer_code == code)):
        raise Conflict(_("Another offer already uses the code %(code)s.", code=code),
                       code="offer_code_taken", field="offer_code")
    clean = _check_terms({"name_es": "", "name_en": "", **fields})
    offer = ConsolidatedOffer(cooperative=cooperative, offer_code=code, qr_token=new_token(),
                              status=OfferStatus.DRAFT, **clean)
    if not offer.exporter_of_record:
        offer.exporter_of_record = cooperative.name
    db.session.add(offer)
    db.session.flush()
    return offer


def update_offer(offer: ConsolidatedOffer, **fields) -> ConsolidatedOffer:
    """Change the offer's terms. Raises: Conflict ``offer_withdrawn``; as `create_offer`,
    and ValidationFailed ``offer_price_below_lots``."""
    _check_editable(offer)
    for name, value in _check_terms(fields).items():
        setattr(offer, name, value)
    check_price_against_lots(offer)
    if offer.status != OfferStatus.DRAFT and "declared_grade" in fields:
        check_declared_grade(offer)
    db.session.flush()
    return offer


def check_declared_grade(offer: ConsolidatedOffer) -> None:
    """Buyers are promised no better grade than the approved lots' blend has; declaring a
    lower one is the cooperative's choice. No declaration takes the blend's grade.

    Raises:
        ValidationFailed: ``declared_grade_above_blend`` (with ``grade``, the blend's).
    """
    grade = changes.current_grade(offer)
    if offer.declared_grade is None:
        offer.declared_grade = grade
    elif material.grade_below(offer.declared_grade, grade):
        raise ValidationFailed(
            _("The blend of the approved lots is %(grade)s, so the offer cannot promise "
              "%(declared)s. Declare %(grade)s or replace the lot that lowers it.",
              grade=label("iso_grade", grade), declared=label("iso_grade", offer.declared_grade)),
            code="declared_grade_above_blend", field="declared_grade", grade=grade)


# Incoterms in the order the seller's costs grow: a price further along cannot be lower.
_INCOTERM_RANK = {"EXW": 0, "FCA": 1, "FOB": 2, "CFR": 3, "CIF": 4, "DAP": 5}
# "Far below": more than 5 % under the lots' own prices, kg-weighted. Below that, freight
# and handling cannot explain it; a smaller gap may be a deliberate volume discount.
PRICE_BELOW_LOTS_TOLERANCE = Decimal("0.05")


def check_price_against_lots(offer: ConsolidatedOffer) -> None:
    """An offer delivered where its lots are, or further, does not sell far below them.

    Compares the offer's USD/MT with the kg-weighted fixed prices (premium included) of its
    lots quoted at the same or an earlier Incoterm (FOB Callao against FCA Puerto Maldonado).

    Raises:
        ValidationFailed: ``offer_price_below_lots``.
    """
    if offer.price_usd_per_mt is None or offer.incoterm not in _INCOTERM_RANK:
        return
    kg = value = Decimal(0)
    for line in offer.lines:
        lot_price = line.lot.indicative_price_usd_mt()  # fixed + premium; None otherwise
        if (line.approval == LineApproval.DECLINED or lot_price is None
                or _INCOTERM_RANK.get(line.lot.incoterm, 99) > _INCOTERM_RANK[offer.incoterm]):
            continue
        kg += line.kg
        value += line.kg * lot_price
    if not kg:
        return
    lots_price = value / kg
    if offer.price_usd_per_mt < lots_price * (1 - PRICE_BELOW_LOTS_TOLERANCE):
        raise ValidationFailed(
            _("%(incoterm)s at USD %(price)s / MT is far below what its lots cost at their own "
              "Incoterms (USD %(lots)s / MT on average, by weight). Check the price or the "
              "Incoterm.", incoterm=offer.incoterm, price=number(offer.price_usd_per_mt, 0),
              lots=number(lots_price, 0)),
            code="offer_price_below_lots", field="price_usd_per_mt", lots_price=lots_price)


def _check_editable(offer: ConsolidatedOffer) -> None:
    if offer.status not in EDITABLE:
        raise Conflict(_("This offer has been withdrawn and can no longer change."),
                       code="offer_withdrawn")


# Lines ---------------------------------------------------------------------------------

def _parse_kg(kg) -> Decimal:
    value = _decimal(kg, "kg")
    if value is None or value <= 0:
        raise ValidationFailed(_("Enter a quantity above zero."), code="kg_not_positive", field="kg")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationFailed(_("Use at most two decimals for the quantity."),
                               code="kg_precision", field="kg")
    return value


def set_line(offer: ConsolidatedOffer, lot: Lot, kg, *, actor: User | None = None,
             now: datetime | None = None) -> OfferLot:
    """Put `kg` of `lot` into the offer (or change the quantity of its line).

    The lot row is locked before what is left is summed, so concurrent commitments cannot
    oversell it. A lot of another organisation is pending until its owner approves; asking
    for more than the owner approved asks again.

    Raises:
        Conflict: ``offer_withdrawn``, ``oversold`` (with ``available_kg``).
        NotAllowed: ``lot_not_published``.
        ValidationFailed: ``kg_not_positive``, ``kg_precision``.
    """
    _check_editable(offer)
    quantity = _parse_kg(kg)
    lock_lot(lot)
    if not lot.is_published:
        raise NotAllowed(_("Lot %(lot)s is not published, so it cannot go into an offer.",
                           lot=lot.lot_code), code="lot_not_published", field="lot_id")
    line = db.session.scalar(
        db.select(OfferLot).where(OfferLot.offer_id == offer.id, OfferLot.lot_id == lot.id)
    )
    left = free_for_offer(offer, [lot])[lot.id]
    if quantity > left:
        raise Conflict(
            _("Lot %(lot)s has only %(left)s kg left; %(kg)s kg cannot be committed.",
              lot=lot.lot_code, left=kg_text(left), kg=kg_text(quantity)),
            code="oversold", field="kg", available_kg=left)
    own_lot = lot.organisation_id == offer.cooperative_id
    needs_consent = False
    if line is None:
        line = OfferLot(offer=offer, lot=lot, kg=quantity)
        db.session.add(line)
        needs_consent = not own_lot
    else:
        more = quantity > line.kg
        line.kg = quantity
        if not own_lot and (more or line.approval == LineApproval.DECLINED):
            needs_consent = True
    if own_lot:
        # The cooperative is the owner: it consents by composing the offer itself.
        line.approval = LineApproval.APPROVED
        line.approved_by_id = actor.id if actor is not None else None
        line.approved_at = now or utcnow()
    elif needs_consent:
        line.approval = LineApproval.PENDING
        line.approved_by_id = None
        line.approved_at = None
    if line.approval == LineApproval.APPROVED and offer.status in changes.LIVE:
        changes.remember_figures(line)
    db.session.flush()
    if needs_consent:
        notify.approval_requested(line)
    return line


def remove_line(line: OfferLot) -> None:
    """Take a lot out of the offer; its kg become available again. Raises: as `_check_editable`."""
    offer = line.offer
    _check_editable(offer)
    offer.lines.remove(line)
    db.session.delete(line)
    db.session.flush()


def answer_line(line: OfferLot, actor: User, *, approve: bool,
                now: datetime | None = None) -> OfferLot:
    """The lot owner approves or declines its lot's inclusion; the cooperative is told.

    Approving commits the kilograms, so the lot is locked and what is left re-checked first:
    a pending request reserved nothing, and other offers may have taken the volume since.

    Raises:
        NotAllowed: ``not_lot_owner``, ``lot_not_published`` (approving a withdrawn lot).
        Conflict: ``offer_withdrawn``, ``already_answered``, ``oversold`` (with
            ``available_kg``; the owner may decline, or the cooperative ask for less).
    """
    if not can_answer(actor, line):
        raise NotAllowed(_("Only the lot's own organisation can answer this request."),
                         code="not_lot_owner")
    _check_editable(line.offer)
    if line.approval != LineApproval.PENDING:
        raise Conflict(_("This request has already been answered."), code="already_answered")
    if approve:
        lot = lock_lot(line.lot)
        if not lot.is_published:
            raise NotAllowed(_("Lot %(lot)s is not published, so it cannot go into an offer.",
                               lot=lot.lot_code), code="lot_not_published")
        left = free_for_offer(line.offer, [lot])[lot.id]
        if line.kg > left:
            raise Conflict(
                _("Lot %(lot)s has only %(left)s kg left; %(kg)s kg cannot be committed.",
                  lot=lot.lot_code, left=kg_text(left), kg=kg_text(line.kg)),
                code="oversold", available_kg=left)
    line.approval = LineApproval.APPROVED if approve else LineApproval.DECLINED
    line.approved_by_id = actor.id
    line.approved_at = now or utcnow()
    if approve and line.offer.status in changes.LIVE:
        changes.remember_figures(line)
    db.session.flush()
    notify.line_answered(line)
    return line


def pending_requests(organisation_id: int) -> list[OfferLot]:
    """Lines awaiting this organisation's answer, in offers still open."""
    return list(db.session.scalars(
        db.select(OfferLot).join(Lot, Lot.id == OfferLot.lot_id)
        .join(ConsolidatedOffer, ConsolidatedOffer.id == OfferLot.offer_id)
        .where(Lot.organisation_id == organisation_id,
               OfferLot.approval == LineApproval.PENDING,
               ConsolidatedOffer.status != OfferStatus.WITHDRAWN)
        .order_by(OfferLot.created_at, OfferLot.id)
    ))


def answered_requests(organisation_id: int, limit: int = 20) -> list[OfferLot]:
    """This organisation's lots already in offers (approved or declined), newest first."""
    return list(db.session.scalars(
        db.select(OfferLot).join(Lot, Lot.id == OfferLot.lot_id)
        .where(Lot.organisation_id == organisation_id,
               OfferLot.approval != LineApproval.PENDING)
        .order_by(OfferLot.approved_at.desc(), OfferLot.id.desc()).limit(limit)
    ))


# Publication ---------------------------------------------------------------------------

def publish_offer(offer: ConsolidatedOffer, *, now: datetime | None = None) -> ConsolidatedOffer:
    """Show the offer to buyers, with the grade it declares (the blend's if none was
    chosen). Each approved line remembers its lot's figures, against which later lot edits
    are compared, and changes listed for review count as seen. Buyers who asked about an
    offer that was paused or revised are told it is back.

    Raises:
        Conflict: ``offer_withdrawn``, ``no_approved_lines``, ``lot_not_published``
            (with ``lot_code``: a lot withdrawn since; remove it first).
        ValidationFailed: ``offer_price_below_lots``, ``declared_grade_above_blend``.
    """
    _check_editable(offer)
    if not offer.approved_lines:
        raise Conflict(_("At least one lot must be approved by its owner before publishing."),
                       code="no_approved_lines")
    for line in offer.lines:
        if line.approval != LineApproval.DECLINED and not line.lot.is_published:
            raise Conflict(
                _("Lot %(lot)s is no longer published; remove it before publishing.",
                  lot=line.lot.lot_code),
                code="lot_not_published", lot_code=line.lot.lot_code)
    check_price_against_lots(offer)
    check_declared_grade(offer)
    back = offer.published_at is not None  # buyers saw it before it was paused or revised
    offer.status = OfferStatus.PUBLISHED
    offer.suspended_reason = ""
    offer.published_at = now or utcnow()
    for line in offer.approved_lines:
        changes.remember_figures(line)
    changes.mark_reviewed(offer, now=offer.published_at)
    db.session.flush()
    if back:
        notify.offer_available_again(offer)
    return offer


def unpublish_offer(offer: ConsolidatedOffer) -> ConsolidatedOffer:
    """Back to draft (kg stay reserved); buyers who asked about it are told it is being
    revised. Raises: Conflict ``offer_withdrawn``."""
    _check_editable(offer)
    was_public = offer.is_public
    offer.status = OfferStatus.DRAFT
    db.session.flush()
    if was_public:
        notify.offer_unavailable(offer, "revising")
    return offer


def withdraw_offer(offer: ConsolidatedOffer) -> ConsolidatedOffer:
    """End the offer for good; its kg become available to other offers. Buyers who asked
    about it are told, if buyers ever saw it.

    Raises: Conflict ``offer_withdrawn`` if it already was.
    """
    _check_editable(offer)
    offer.status = OfferStatus.WITHDRAWN
    db.session.flush()
    if offer.published_at is not None:
        notify.offer_unavailable(offer, "withdrawn")
    return offer


def on_lot_withdrawn(lot: Lot) -> list[ConsolidatedOffer]:
    """Hook for the lot editor: suspend every published offer using `lot` and tell everyone
    concerned: the cooperative of each offer holding it (drafts included: they cannot be
    published with it), the buyers who asked about a suspended offer, and the buyers who
    asked about the lot itself (each buyer told once).

    Draft offers stay drafts (they are not public) but cannot be published while the lot
    is withdrawn. Returns the offers suspended.
    """
    held = exposure.offers_holding(lot)
    offers = [offer for offer in held if offer.status == OfferStatus.PUBLISHED]
    for offer in offers:
        offer.status = OfferStatus.SUSPENDED
        offer.suspended_reason = f"lot_withdrawn:{lot.lot_code}"[:255]
    db.session.flush()
    told: set[int] = set()
    for offer in offers:
        notify.offer_suspended(offer, lot.lot_code)
        told.update(buyer.id for buyer in exposure.buyers_who_asked(offer))
    for offer in held:
        if offer not in offers and offer.status == OfferStatus.DRAFT:
            notify.lot_withdrawn_from_draft(offer, lot.lot_code)
    notify.lot_withdrawn_to_buyers(lot, [buyer for buyer in exposure.buyers_who_asked_about_lot(lot)
                                         if buyer.id not in told])
    return offers
