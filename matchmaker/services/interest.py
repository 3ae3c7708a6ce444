"""Buyers' actions on a lot: say "I'm interested" or request a sample; the reps are told.

The leads issue will turn these records into leads; here they are only recorded once and
announced by e-mail to the lot organisation's reps, each in the rep's own language.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from matchmaker.errors import Conflict, NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.models import Lot, Role, User
from matchmaker.models.interest import InterestKind, LotInterest
from matchmaker.services.leads import lead_from_interest
from matchmaker.services.mail import queue_mail

MAX_SAMPLE_GRAMS = 5000
MAX_MESSAGE_LENGTH = 2000


def _check_buyer(lot: Lot, buyer: User) -> None:
    if not buyer.is_buyer:
        raise NotAllowed(_("Only buyers can do this."), code="buyers_only")
    if not lot.is_published:
        raise NotAllowed(_("This lot is not published."), code="lot_not_published")


def has_interest(lot: Lot | int, buyer: User) -> bool:
    """True if `buyer` already said they are interested in `lot` (the lot or its id)."""
    lot_id = lot.id if isinstance(lot, Lot) else lot
    return db.session.scalar(
        db.select(LotInterest.id).where(
            LotInterest.lot_id == lot_id, LotInterest.buyer_id == buyer.id,
            LotInterest.kind == InterestKind.INTERESTED,
        )
    ) is not None


def buyer_actions(buyer: User, *, lot: Lot | None = None) -> list[LotInterest]:
    """A buyer's own "interested" marks and sample requests, newest first (on one lot if
    given), with their lots loaded."""
    query = (db.select(LotInterest).where(LotInterest.buyer_id == buyer.id)
             .options(selectinload(LotInterest.lot).selectinload(Lot.organisation))
             .order_by(LotInterest.created_at.desc(), LotInterest.id.desc()))
    if lot is not None:
        query = query.where(LotInterest.lot_id == lot.id)
    return list(db.session.scalars(query))


def lot_reps(lot: Lot) -> list[User]:
    """The approved, active reps of the lot's organisation, who receive the notices."""
    return list(db.session.scalars(
        db.select(User).where(
            User.organisation_id == lot.organisation_id, User.role == Role.REP,
            User.is_approved.is_(True), User.is_active.is_(True),
        ).order_by(User.id)
    ))


def _notify_reps(interest: LotInterest) -> None:
    lot, buyer = interest.lot, interest.buyer
    company = buyer.buyer_profile.company if buyer.buyer_profile else ""
    for rep in lot_reps(lot):
        with force_locale(rep.locale or "es"):
            who = f"{buyer.name} ({company})" if company else buyer.name
            if interest.kind == InterestKind.SAMPLE_REQUEST:
                subject = _("Sample request for lot %(code)s", code=lot.lot_code)
                lines = [_("%(who)s requests a sample of lot %(code)s.", who=who,
                           code=lot.lot_code)]
                if interest.sample_grams:
                    lines.append(_("Quantity: %(grams)d g", grams=interest.sample_grams))
            else:
                subject = _("A buyer is interested in lot %(code)s", code=lot.lot_code)
                lines = [_("%(who)s is interested in lot %(code)s.", who=who, code=lot.lot_code)]
            if interest.message:
                lines += ["", _("Message:"), interest.message]
            lines += ["", _("Buyer's e-mail: %(email)s", email=buyer.email)]
            queue_mail(rep, subject, "\n".join(lines), kind=f"lot_{interest.kind}")


def _already_interested() -> Conflict:
    return Conflict(_("You have already told this producer you are interested."),
                    code="already_interested")


def express_interest(lot: Lot, buyer: User, *, message: str = "") -> LotInterest:
    """Record that `buyer` is interested in `lot` and tell the reps.

    Raises:
        NotAllowed: ``buyers_only``, ``lot_not_published``.
        Conflict: ``already_interested`` if the buyer said so before.
    """
    _check_buyer(lot, buyer)
    if has_interest(lot, buyer):
        raise _already_interested()
    try:
        # A double-clicked "I'm interested" passes the check above twice; the unique index
        # stops the second, which must read as "already told" rather than fail.
        with db.session.begin_nested():
            interest = LotInterest(
                lot=lot, buyer=buyer, kind=InterestKind.INTERESTED,
                message=(message or "").strip()[:MAX_MESSAGE_LENGTH],
            )
            db.session.add(interest)
            db.session.flush()
    except IntegrityError as error:
        raise _already_interested() from error
    _notify_reps(interest)
    lead_from_interest(interest)  # every buyer action on a lot is also a lead
    return interest


def request_sample(
    lot: Lot, buyer: User, *, grams: int | None = None, message: str = ""
) -> LotInterest:
    """Record a sample request (a buyer may ask again later) and tell the reps.

    Raises:
        NotAllowed: ``buyers_only``, ``lot_not_published``.
        Conflict: ``samples_unavailable`` if the lot offers no samples.
        ValidationFailed: ``sample_grams_out_of_range``.
    """
    _check_buyer(lot, buyer)
    if not lot.sample_available:
        raise Conflict(_("This lot offers no samples."), code="samples_unavailable")
    if grams is not None and not 0 < grams <= MAX_SAMPLE_GRAMS:
        raise ValidationFailed(
            _("Ask for between 1 and %(max)d grams.", max=MAX_SAMPLE_GRAMS),
            code="sample_grams_out_of_range",
        )
    interest = LotInterest(
        lot=lot, buyer=buyer, kind=InterestKind.SAMPLE_REQUEST,
        sample_grams=grams if grams is not None else lot.sample_size_g,
        message=(message or "").strip()[:MAX_MESSAGE_LENGTH],
    )
    db.session.add(interest)
    db.session.flush()
    _notify_reps(interest)
    lead_from_interest(interest)  # every buyer action on a lot is also a lead
    return interest
