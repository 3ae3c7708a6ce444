"""Buyers' requests about offers: a sample of an offer, or talks about a suggested set of lots.

Meetings themselves are booked through the meetings feature (slot by slot, with one
organisation); what is recorded here is the request, announced by e-mail to the reps in
their own language, with a link for booking a meeting. Every request is also a lead for each
organisation that receives it (at the event where that organisation exhibits, if any).
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.errors import NotAllowed, ValidationFailed
from matchmaker.extensions import db
from matchmaker.labels import number
from matchmaker.models import Lot, Organisation, User
from matchmaker.models.accounts import OrganisationKind
from matchmaker.models.leads import LeadSourceKind
from matchmaker.models.offers import ConsolidatedOffer, OfferRequest, OfferRequestKind
from matchmaker.services.leads.recording import add_lot_of_interest, record_lead
from matchmaker.services.mail import queue_mail
from matchmaker.services.offers.notify import reps_of
from matchmaker.services.offers.suggest import Suggestion
from matchmaker.urls import external_url

MAX_MESSAGE_LENGTH = 2000
RECIPIENTS = ("cooperative", "associations")


def _check_buyer(buyer: User) -> None:
    if not (buyer.is_authenticated and buyer.is_buyer):
        raise NotAllowed(_("Only buyers can do this."), code="buyers_only")


def _who(buyer: User) -> str:
    company = buyer.buyer_profile.company if buyer.buyer_profile else ""
    return f"{buyer.name} ({company})" if company else buyer.name


def request_sample(offer: ConsolidatedOffer, buyer: User, *, message: str = "") -> OfferRequest:
    """Record a sample request for the offer, tell the cooperative's reps, and make the
    buyer a ``sample_request`` lead of the cooperative.

    Raises: NotAllowed ``buyers_only``, ``offer_not_published``.
    """
    _check_buyer(buyer)
    if not offer.is_public:
        raise NotAllowed(_("This offer is not published."), code="offer_not_published")
    request = OfferRequest(kind=OfferRequestKind.SAMPLE, offer=offer, buyer=buyer,
                           recipients="cooperative",
                           message=(message or "").strip()[:MAX_MESSAGE_LENGTH])
    db.session.add(request)
    db.session.flush()
    record_lead(buyer, offer.cooperative, LeadSourceKind.SAMPLE_REQUEST, at=request.created_at)
    for rep in reps_of(offer.cooperative_id):
        with force_locale(rep.locale or "es"):
            subject = _("Sample request for offer %(code)s", code=offer.offer_code)
            lines = [_("%(who)s requests a sample of offer %(code)s.", who=_who(buyer),
                       code=offer.offer_code)]
            if request.message:
                lines += ["", _("Message:"), request.message]
            lines += ["", _("Buyer's e-mail: %(email)s", email=buyer.email)]
            queue_mail(rep, subject, "\n".join(lines), kind="offer_sample_request")
    return request


def common_cooperative(suggestion: Suggestion, organisations: dict[int, Organisation]
                       ) -> Organisation | None:
    """The cooperative every picked lot sells through (or is), if there is exactly one."""
    found: set[int | None] = set()
    for pick in suggestion.picks:
        org = organisations[pick.candidate.organisation_id]
        found.add(org.id if org.kind == OrganisationKind.COOPERATIVE else org.cooperative_id)
    if len(found) != 1 or None in found:
        return None
    return db.session.get(Organisation, found.pop())


def request_consolidation(suggestion: Suggestion, buyer: User, *, recipients: str,
                          organisations: dict[int, Organisation], message: str = ""
                          ) -> tuple[OfferRequest, list[Organisation]]:
    """Send one request about the suggested lots to their cooperative or to every owner;
    each recipient gets the buyer as a ``meeting_request`` lead, with its own picked lots.

    Raises:
        NotAllowed: ``buyers_only``.
        ValidationFailed: ``nothing_suggested``, ``unknown_recipients``, ``no_common_cooperative``.
    """
    _check_buyer(buyer)
    if not suggestion.picks:
        raise ValidationFailed(_("No lots were suggested, so there is no one to ask."),
                               code="nothing_suggested")
    if recipients not in RECIPIENTS:
        raise ValidationFailed(_("Choose who should receive the request."),
                               code="unknown_recipients")
    if recipients == "cooperative":
        cooperative = common_cooperative(suggestion, organisations)
        if cooperative is None:
            raise ValidationFailed(
                _("These lots do not all sell through one cooperative; ask the associations."),
                code="no_common_cooperative")
        targets = [cooperative]
    else:
        targets = []
        for pick in suggestion.picks:
            org = organisations[pick.candidate.organisation_id]
            if org not in targets:
                targets.append(org)
    summary = ",".join(f"{p.candidate.lot_code}:{p.kg}" for p in suggestion.picks)
    request = OfferRequest(
        kind=OfferRequestKind.CONSOLIDATION, buyer=buyer,
        wanted_kg=suggestion.constraints.wanted_kg, lots_summary=summary, recipients=recipients,
        message=(message or "").strip()[:MAX_MESSAGE_LENGTH],
    )
    db.session.add(request)
    db.session.flush()
    for org in targets:
        lead = record_lead(buyer, org, LeadSourceKind.MEETING_REQUEST, at=request.created_at)
        if lead is None:
            continue  # the organisation exhibits at no event: the e-mail is the contact
        for pick in suggestion.picks:
            if pick.candidate.organisation_id == org.id:
                add_lot_of_interest(lead, db.session.get(Lot, pick.candidate.lot_id))
    for org in targets:
        for rep in reps_of(org.id):
            with force_locale(rep.locale or "es"):
                subject = _("A buyer asks about %(kg)s kg from several lots",
                            kg=number(suggestion.constraints.wanted_kg))
                lines = [_("%(who)s would like to buy %(kg)s kg made up of these lots:",
                           who=_who(buyer), kg=number(suggestion.constraints.wanted_kg))]
                lines += [f"- {p.candidate.lot_code}: {number(p.kg)} kg" for p in suggestion.picks]
                if request.message:
                    lines += ["", _("Message:"), request.message]
                lines += ["", _("Buyer's e-mail: %(email)s", email=buyer.email),
                          external_url("offers.mine")]
                queue_mail(rep, subject, "\n".join(lines), kind="offer_consolidation_request")
    return request, targets
