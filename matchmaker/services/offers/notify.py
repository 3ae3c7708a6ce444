"""Offer e-mails, each in the recipient's language; links are built from BASE_URL."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.extensions import db
from matchmaker.labels import label, number
from matchmaker.models import Lot, Role, User
from matchmaker.models.offers import ConsolidatedOffer, OfferLot
from matchmaker.services.mail import queue_mail
from matchmaker.services.notifications import notify as send_notice
from matchmaker.services.offers import material
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
    offer_unavailable(offer, "lot_withdrawn", lot_code=lot_code)


def lot_withdrawn_from_draft(offer: ConsolidatedOffer, lot_code: str) -> None:
    """Tell the cooperative that a lot its unpublished offer holds left the catalogue."""
    link = external_url("offers.edit", offer_code=offer.offer_code)
    for rep in reps_of(offer.cooperative_id):
        with force_locale(rep.locale or "es"):
            subject = _("Lot %(lot)s withdrawn: offer %(offer)s cannot be published with it",
                        lot=lot_code, offer=offer.offer_code)
            body = _("Lot %(lot)s was withdrawn by its owner. Remove or replace it in offer "
                     "%(offer)s before publishing.", lot=lot_code, offer=offer.offer_code)
            send_notice(rep, "offer_lot_withdrawn", subject, body, link=link)


def offer_unavailable(offer: ConsolidatedOffer, why: str, *, lot_code: str = "") -> list[User]:
    """Tell every buyer who asked about the offer that buyers can no longer see it: paused
    because a lot was withdrawn (``lot_withdrawn``), back to draft (``revising``) or ended
    (``withdrawn``). Returns the buyers told."""
    public = external_url("offers.detail", offer_code=offer.offer_code)
    buyers = buyers_who_asked(offer)
    for buyer in buyers:
        with force_locale(buyer.locale or "es"):
            coop, code = offer.cooperative.name, offer.offer_code
            if why == "withdrawn":
                subject = _("Offer %(offer)s is no longer available", offer=code)
                reason = _("You asked %(coop)s about offer %(offer)s. The cooperative has "
                           "withdrawn it.", coop=coop, offer=code)
                after = _("The offer page lists other offers you may consider.")
            else:
                subject = _("Offer %(offer)s is temporarily unavailable", offer=code)
                reason = (_("You asked %(coop)s about offer %(offer)s. One of its lots was "
                            "withdrawn, so the offer is paused while the cooperative replaces "
                            "it.", coop=coop, offer=code) if why == "lot_withdrawn" else
                          _("You asked %(coop)s about offer %(offer)s. The cooperative is "
                            "revising it, so buyers cannot see it for now.", coop=coop,
                            offer=code))
                after = _("Your request stays with the cooperative; the offer page tells you "
                          "when it is back, and shows other offers meanwhile.")
            send_notice(buyer, "offer_suspended" if why == "lot_withdrawn" else
                        "offer_unavailable", subject, "\n".join([reason, after]), link=public)
    return buyers


def offer_available_again(offer: ConsolidatedOffer) -> None:
    """Tell the buyers who asked about a paused or revised offer that it is published again."""
    public = external_url("offers.detail", offer_code=offer.offer_code)
    for buyer in buyers_who_asked(offer):
        with force_locale(buyer.locale or "es"):
            subject = _("Offer %(offer)s is available again", offer=offer.offer_code)
            body = _("%(coop)s has published offer %(offer)s again. Check its lots and "
                     "figures: they may have changed since you asked.",
                     coop=offer.cooperative.name, offer=offer.offer_code)
            send_notice(buyer, "offer_available", subject, body, link=public)


def lot_withdrawn_to_buyers(lot: Lot, buyers: list[User]) -> None:
    """Tell buyers who asked about a lot itself (interest, a sample, a request about a set of
    lots) that it left the catalogue; the lot's address shows alternatives."""
    link = external_url("lots.detail", lot_code=lot.lot_code)
    for buyer in buyers:
        with force_locale(buyer.locale or "es"):
            subject = _("Lot %(lot)s is no longer in the catalogue", lot=lot.lot_code)
            body = "\n".join([
                _("You asked about lot %(lot)s of %(org)s. Its owner has taken it out of the "
                  "catalogue for now.", lot=lot.lot_code, org=lot.organisation.name),
                _("The lot's page shows similar lots you may consider."),
            ])
            send_notice(buyer, "lot_withdrawn", subject, body, link=link)


def lot_changed(line: OfferLot, found: list[material.Difference], *, grade_left: str | None) -> None:
    """Tell the cooperative's reps what changed materially in a lot of their live offer."""
    offer, lot = line.offer, line.lot
    link = external_url("offers.edit", offer_code=offer.offer_code, _anchor="review-title")
    for rep in reps_of(offer.cooperative_id):
        with force_locale(rep.locale or "es"):
            subject = _("Lot %(lot)s in offer %(offer)s has changed", lot=lot.lot_code,
                        offer=offer.offer_code)
            lines = [_("%(org)s changed lot %(lot)s, which offer %(offer)s holds (%(kg)s kg). "
                       "Buyers now see the new figures:", org=lot.organisation.name,
                       lot=lot.lot_code, offer=offer.offer_code, kg=number(line.kg, 0))]
            lines += [f"- {material.field_label(d.key)}: {material.shown(d.key, d.old)} → "
                      f"{material.shown(d.key, d.new)}" for d in found]
            if grade_left:
                lines += ["", _("The blend is now %(current)s, below the %(declared)s the offer "
                                "declares; buyers are told. Replace the lot, or declare the "
                                "lower grade.", current=label("iso_grade", grade_left),
                                declared=label("iso_grade", offer.declared_grade))]
            lines += ["", _("Review the change on the offer's page and mark it reviewed.")]
            send_notice(rep, "offer_lot_changed", subject, "\n".join(lines), link=link)
