"""The offer sheet as a PDF: the same view-model as the web page, laid out for A4."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import gettext as _

from matchmaker.labels import label, number
from matchmaker.printing import pdf as printing_pdf
from matchmaker.services.offers.page import OfferPage


def offer_pairs(page: OfferPage) -> list[tuple[str, list[tuple[str, str]]]]:
    """The sheet's sections as (heading, [(label, value)]) for the PDF."""
    offer = page.offer
    terms = [
        (_("Offer code"), offer.offer_code),
        (_("Cooperative"), offer.cooperative.name),
        (_("Exporter of record"), offer.exporter_of_record or "—"),
        (_("Certificate holder"), offer.certificate_holder or "—"),
        (_("Incoterm"), f"{offer.incoterm} {offer.incoterm_place}".strip()),
        (_("Price"), _("%(price)s USD/MT", price=number(offer.price_usd_per_mt, 2))
         if offer.price_usd_per_mt is not None else "—"),
    ]
    volume = [
        (_("Total volume"), _("%(kg)s kg (%(mt)s MT)", kg=number(page.total_kg, 0),
                              mt=number(page.total_mt, 3))),
        (_("Bags"), str(page.bags) if page.bags is not None else "—"),
        (_("Share of a 20-ft container"), f"{number(page.container_pct, 1)} %"),
    ] + [(c.organisation.name, _("%(kg)s kg (%(pct)s %%)", kg=number(c.kg, 0),
                                 pct=number(c.percent, 1))) for c in page.contributions]
    blend = page.blend
    quality = [
        (_("Moisture"), f"{number(blend.moisture_pct, 1)} %" if blend.moisture_pct else "—"),
        (_("Bean count"), _("%(count)s beans / 100 g", count=number(blend.bean_count, 0))
         if blend.bean_count else "—"),
        (_("Fermented"), f"{number(blend.fermented_pct, 1)} %" if blend.fermented_pct else "—"),
        (_("Worst ISO grade"), label("iso_grade", blend.worst_grade) or "—"),
    ]
    if blend.partial:
        quality.append((_("Not analysed"), ", ".join(lot.lot_code for lot in blend.unanalysed)))
    certs = [
        (label("cert_scheme", c.scheme) + (f" ({c.scheme_other})" if c.scheme_other else ""),
         _("Covers all %(total)s kg", total=number(c.total_kg, 0)) if c.is_full else
         _("Covers %(kg)s kg of %(total)s kg (%(pct)s %%)", kg=number(c.covered_kg, 0),
           total=number(c.total_kg, 0), pct=number(c.percent, 1)))
        for c in page.certifications
    ] or [(_("Certifications"), _("None valid today"))]
    eudr = page.eudr
    eudr_pairs = [
        (_("Production period"), f"{eudr.production_start} – {eudr.production_end}"
         if eudr.production_start else "—"),
        (_("Plots"), str(eudr.plot_count)),
    ]
    return [(_("Terms"), terms), (_("Volume"), volume), (_("Blended quality"), quality),
            (_("Certifications"), certs), (_("EUDR"), eudr_pairs)]


def offer_sheet_pdf(page: OfferPage, qr_target: str, url: str) -> bytes:
    """An A4 PDF of the offer with a QR code; built from the same view-model as the page."""
    offer = page.offer
    locale = str(get_locale() or "es")
    document = printing_pdf.new_document(_("Offer %(code)s", code=offer.offer_code), locale)
    document.add_page()
    qr_size = 32
    printing_pdf.add_qr(document, qr_target, document.w - printing_pdf.MARGIN_MM - qr_size,
                        printing_pdf.MARGIN_MM, qr_size)
    width = document.epw - qr_size - 4
    document.set_font(printing_pdf.FONT_FAMILY, "B", 16)
    document.multi_cell(width, 8, offer.name(locale))
    document.set_font(printing_pdf.FONT_FAMILY, "", 10)
    document.multi_cell(width, 6, f"{offer.offer_code} · {offer.cooperative.name}")
    document.multi_cell(width, 5, url)
    document.set_y(max(document.get_y(), printing_pdf.MARGIN_MM + qr_size) + 2)
    for heading, pairs in offer_pairs(page):
        document.set_font(printing_pdf.FONT_FAMILY, "B", 11)
        document.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        document.set_font(printing_pdf.FONT_FAMILY, "", 9)
        printing_pdf.key_value_table(document, pairs)
        document.ln(1)
    return bytes(document.output())
