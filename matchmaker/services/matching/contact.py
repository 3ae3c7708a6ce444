"""Contact the way people here do: a WhatsApp link with a translated message naming the lot."""

from __future__ import annotations

from flask_babel import gettext as _


def whatsapp_for_lead(lead, rep) -> str | None:
    """A WhatsApp link from the signed-in rep to a lead's buyer, with a message naming the lot
    in the buyer's language; None without a valid number. Call it only where the buyer shares
    contact details with the organisation (the rep opening the chat is the rep's agreement)."""
    from flask_babel import force_locale

    from matchmaker.phones import whatsapp_link

    buyer = lead.buyer
    lots = list(lead.lots) or [s.lot for s in reversed(lead.sources) if s.lot is not None]
    with force_locale(buyer.locale or "es"):
        if lots:
            message = _("Hello %(buyer)s, this is %(rep)s of %(org)s (matchmaker). I am writing "
                        "about our lot %(lot)s, %(name)s.", buyer=buyer.name,
                        rep=rep.name, org=lead.organisation.name,
                        lot=lots[0].lot_code, name=lots[0].name(buyer.locale or "es"))
        else:
            message = _("Hello %(buyer)s, this is %(rep)s of %(org)s (matchmaker), following up "
                        "on %(event)s.", buyer=buyer.name, rep=rep.name,
                        org=lead.organisation.name, event=lead.event.name)
    return whatsapp_link(buyer.phone, message)
