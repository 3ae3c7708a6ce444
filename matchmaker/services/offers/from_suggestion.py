"""Turn the suggester's answer into a draft offer: lines and target filled in, in one step.

The cooperative's own lots enter approved; every other organisation's lot enters as a
request its reps answer (`composing.set_line`), so nothing is committed on their behalf.
"""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from matchmaker.errors import Conflict
from matchmaker.labels import label, number
from matchmaker.lotsheet import units
from matchmaker.models import Lot, Organisation, User
from matchmaker.models.offers import ConsolidatedOffer
from matchmaker.services.offers import composing
from matchmaker.services.offers.suggest import Suggestion


def _names(suggestion: Suggestion) -> dict[str, str]:
    """A working name in both languages: "20 MT container, EU organic"."""
    constraints = suggestion.constraints
    names = {}
    for locale in ("es", "en"):
        with force_locale(locale):
            mt = number(units.kg_to_mt(constraints.wanted_kg))
            name = _("Consolidated offer of %(mt)s MT", mt=mt)
            if constraints.certification:
                name += ", " + label("cert_scheme", constraints.certification)
            names[f"name_{locale}"] = name[:160]
    return names


def offer_from_suggestion(cooperative: Organisation, suggestion: Suggestion,
                          lots: dict[int, Lot], *, actor: User) -> ConsolidatedOffer:
    """A draft offer of `cooperative` holding the suggested kg of each picked lot.

    Raises:
        Conflict: ``nothing_suggested``; as `composing.create_offer` and `composing.set_line`
            (``oversold`` when another offer took a lot's volume since the suggestion).
        NotAllowed: ``not_a_cooperative``, ``lot_not_published``.
    """
    if not suggestion.picks:
        raise Conflict(_("No lot was suggested, so there is nothing to put in an offer."),
                       code="nothing_suggested")
    offer = composing.create_offer(
        cooperative, target_volume_kg=suggestion.constraints.wanted_kg,
        exporter_of_record=cooperative.name, certificate_holder=cooperative.name,
        **_names(suggestion))
    for pick in suggestion.picks:
        composing.set_line(offer, lots[pick.candidate.lot_id], pick.kg, actor=actor)
    return offer
