"""Offer e-mails, each in the recipient's language; links are built from BASE_URL."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.labels import number
from matchmaker.models import Role, User
from matchmaker.models.offers import ConsolidatedOffer, OfferLot
from matchmaker.services.mail import queue_mail
from matchmaker.services.notifications import notify as send_notice
from matchmaker.services.offers.exposure import buyers_who_asked
from matchmaker.urls import external_url


def reps_of(organisation_id: int) -> list[User]:
    """Approved, active reps of an organisation, who receive its notices."""
    return list(db.session.scalars(
        db.select(User).where(
            User.organisation_id == organisation_id, User.role == Role.REP,
            User.is_approved.is_(True), User.is_active.is_(True),
        ).order_by(User.id)
    ))


def approval_requested(line: OfferLot) -> None:
    """Ask the lot owner's reps to approve or decline the inclusion of their lot."""
    offer, lot = line.offer, line.lot
    for rep in reps_of(lot.organisation_id):
        with force_locale(rep.locale or "es"):
            subject = _("%(coop)s asks to include lot %(lot)s in an offer",
                        coop=offer.cooperative.name, lot=lot.lot_code)
            body = "\n".join([
                _("%(coop)s would like to include %(kg)s kg of your lot %(lot)s in the "
                  "consolidated offer %(offer)s.", coop=offer.cooperative.name,
                  kg=number(line.kg), lot=lot.lot_code, offer=offer.offer_code),
                _("Nothing is committed until you approve."),
                "",
                _("Approve or decline: %(url)s", url=external_url("offers.mine", _anchor="requests")),
            ])
            queue_mail(rep, subject, body, kind="offer_approval_request")


def line_answered(line: OfferLot) -> None:
    """Tell the cooperative's reps that a lot owner approved or declined."""
    offer, lot = line.offer, line.lot
    for rep in reps_of(offer.cooperative_id):
        with force_locale(rep.locale or "es"):
            if line.approval == "approved":
                subject = _("Lot %(lot)s approved for offer %(offer)s",
                            lot=lot.lot_code, offer=offer.offer_code)
            else:
                subject = _("Lot %(lot)s declined for offer %(offer)s",
                            lot=lot.lot_code, offer=offer.offer_code)
            body = "\n".join([
                subject,
                _("Organisation: %(org)s", org=lot.organisation.name),
                "",
                external_url("offers.edit", offer_code=offer.offer_code),
            ])
            queue_mail(rep, subject, body, kind="offer_line_answered")


def offer_suspended(offer: ConsolidatedOffer, lot_code: str) -> None:
    """Tell the cooperative's reps (in the app and by e-mail) that a withdrawn lot suspended
    their offer, and the buyers who asked about the offer that it is paused."""
    link = external_url("offers.edit", offer_code=offer.offer_code)
    for rep in reps_of(offer.cooperative_id):
        with force_locale(rep.locale or "es"):
            subject = _("Offer %(offer)s suspended", offer=offer.offer_code)
            body = "\n".join([
                _("Lot %(lot)s was withdrawn by its owner, so the offer %(offer)s is no "
                  "longer shown to buyers.", lot=lot_code, offer=offer.offer_code),
                _("Remove or replace the lot, then publish the offer again."),
            ])
            send_notice(rep, "offer_suspended", subject, body, link=link)
    public = external_url("offers.detail", offer_code=offer.offer_code)
    for buyer in buyers_who_asked(offer):
        with force_locale(buyer.locale or "es"):
            subject = _("Offer %(offer)s is temporarily unavailable", offer=offer.offer_code)
            body = "\n".join([
                _("You asked %(coop)s about offer %(offer)s. One of its lots was withdrawn, "
                  "so the offer is paused while the cooperative replaces it.",
                  coop=offer.cooperative.name, offer=offer.offer_code),
                _("Your request stays with the cooperative; the offer page tells you when "
                  "it is back, and shows other offers meanwhile."),
            ])
            send_notice(buyer, "offer_suspended", subject, body, link=public)
