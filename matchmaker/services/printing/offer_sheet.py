"""The printed consolidated-offer sheet: the lot sheet's layout for an offer of several lots.

Same building blocks as `lot_sheet` (header with the QR code and its short address, flowing
key/value rows and small tables, each measured and moved whole to the next page), so no
text runs into the QR code, another block or off the page (the layout test of the lot sheet
runs on this file too: tests/offers/test_offer_sheet_pdf.py). Sections: terms with validity
and target, volume and each community's share, blended quality and each lot's own, honest
certificate coverage, EUDR with every lot's plots.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from matchmaker.labels import label, number
from matchmaker.printing import pdf as printing_pdf
from matchmaker.services.offers.page import OfferPage
from matchmaker.services.offers.review import (
    claim_label,
    claims,
    grade_left,
    quality_updated_on,
)
from matchmaker.services.printing.lot_sheet import (  # the lot sheet's own layout blocks
    MARGIN,
    PAPER_SIZES,
    SheetWriter,
    sheet_header,
)


def _header(pdf: printing_pdf.PrintDocument, page: OfferPage, qr_target: str, url: str,
            locale: str) -> None:
    offer = page.offer
    sheet_header(pdf, kind=_("Consolidated offer"), title=offer.name(locale),
                 code=offer.offer_code, owner=offer.cooperative.name, qr_target=qr_target,
                 url=url, caption=_("Scan the code or open the address for the current offer, "
                                    "its lots and contact. Printed %(date)s.",
                                    date=format_date(page.today)))


def _price(page: OfferPage) -> str:
    offer = page.offer
    if offer.price_usd_per_mt is None:
        return _("On request")
    text = _("USD %(amount)s / MT", amount=number(offer.price_usd_per_mt, 2))
    return f"{text} · {offer.incoterm} {offer.incoterm_place}".strip()


def _valid_until(page: OfferPage) -> str:
    until = page.offer.price_valid_until
    if until is None:
        return _("Not set")
    text = format_date(until)
    return _("%(day)s (expired)", day=text) if page.price_expired else text


DESCRIPTION_CHARS = 700  # a sheet is not the page: longer descriptions are cut with "…"


def _description(page: OfferPage, locale: str) -> str:
    offer = page.offer
    text = ((offer.description_en if locale == "en" else offer.description_es)
            or offer.description_es or offer.description_en or "").strip()
    return text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS].rstrip() + "…"


def _terms(w: SheetWriter, page: OfferPage, locale: str) -> None:
    offer = page.offer
    w.heading(_("Terms"))
    w.row(_("Incoterm"), f"{label('incoterm', offer.incoterm)} {offer.incoterm_place}".strip())
    w.row(_("Price"), _price(page))
    w.row(_("Valid until"), _valid_until(page))
    w.row(_("Target"), _("%(kg)s kg (%(pct)s %% reached)", kg=number(offer.target_volume_kg, 0),
                         pct=number(page.target_pct, 1)))
    w.row(_("Exporter of record"), offer.exporter_of_record or "—")
    w.row(_("Certificate holder"), offer.certificate_holder or "—")
    w.row(_("Description"), _description(page, locale))


def _volume(w: SheetWriter, page: OfferPage) -> None:
    w.heading(_("Volume and communities"))
    w.row(_("Total volume"), _("%(kg)s kg (%(mt)s MT)", kg=number(page.total_kg, 0),
                               mt=number(page.total_mt, 3)))
    w.row(_("Bags"), str(page.bags) if page.bags is not None else _("Not known for every lot"))
    w.row(_("Share of a 20-ft container"), f"{number(page.container_pct, 1)} %")
    rows = []
    for c in page.contributions:
        for line in c.lines:
            share = line.kg * 100 / page.total_kg if page.total_kg else Decimal(0)
            rows.append([c.organisation.name, line.lot.lot_code, number(line.kg, 0),
                         f"{number(share, 1)} %"])
    if rows:
        w.grid([_("Organisation"), _("Lot"), _("kg"), _("Share")], rows, [70, 55, 30, 25])


def _quality(w: SheetWriter, page: OfferPage) -> None:
    blend, offer = page.blend, page.offer
    w.heading(_("Blended quality"))
    if offer.declared_grade:
        w.row(_("Declared grade"), label("iso_grade", offer.declared_grade))
    left = grade_left(offer, page)
    if left:
        w.note(_("Below the declared grade: a lot has changed and the blend is now %(current)s, "
                 "not the %(declared)s this offer declares.", current=label("iso_grade", left),
                 declared=label("iso_grade", offer.declared_grade)))
    updated = quality_updated_on(offer)
    if updated:
        w.note(_("Quality updated on %(day)s.", day=format_date(updated)))
    if blend.worst_grade:
        w.row(_("Moisture (volume-weighted)"), f"{number(blend.moisture_pct, 1)} %")
        w.row(_("Bean count (volume-weighted)"), _("%(count)s beans / 100 g",
                                                   count=number(blend.bean_count, 0)))
        w.row(_("Fermented (volume-weighted)"), f"{number(blend.fermented_pct, 1)} %")
        w.row(_("Worst ISO grade among the lots"), label("iso_grade", blend.worst_grade))
    if blend.partial:
        w.note(ngettext(
            "Partial blend: %(lots)s has no analysis and is left out of these figures.",
            "Partial blend: %(lots)s have no analysis and are left out of these figures.",
            len(blend.unanalysed), lots=", ".join(lot.lot_code for lot in blend.unanalysed)))
    rows = [[row.lot.lot_code, label("iso_grade", row.grade) if row.grade else "—",
             f"{number(row.moisture_pct, 1)} %" if row.moisture_pct is not None else "—",
             f"{number(row.fermented_pct, 1)} %" if row.fermented_pct is not None else "—",
             format_date(row.analysis_date) if row.analysis_date else _("No analysis")]
            for row in blend.lots]
    if rows:
        w.grid([_("Lot"), _("ISO grade"), _("Moisture"), _("Fermented"), _("Latest analysis")],
               rows, [50, 30, 25, 25, 40])


def _certificates(w: SheetWriter, page: OfferPage) -> None:
    w.heading(_("Certifications"))
    for c in page.certifications:
        name = label("cert_scheme", c.scheme) + (f" ({c.scheme_other})" if c.scheme_other else "")
        if c.is_full:
            value = _("Covers all %(total)s kg", total=number(c.total_kg, 0))
        else:
            value = _("Covers only %(kg)s of %(total)s kg (%(pct)s %%)", kg=number(c.covered_kg, 0),
                      total=number(c.total_kg, 0), pct=number(c.percent, 1))
        w.row(name, f"{value} · {', '.join(c.lot_codes)}")
    if not page.certifications:
        w.row(_("Certifications"), _("None valid today"))
    for claim in claims(page.offer, page):
        if not claim.is_honest:
            w.note(_("The offer's name speaks of %(claim)s: only %(covered)s of %(total)s kg "
                     "are certified.", claim=claim_label(claim.claim),
                     covered=number(claim.covered_kg, 0), total=number(claim.total_kg, 0)))


def _eudr(w: SheetWriter, page: OfferPage) -> None:
    eudr = page.eudr
    w.heading(_("EUDR"))
    if eudr.production_start:
        w.row(_("Production period"), f"{format_date(eudr.production_start)} – "
                                      f"{format_date(eudr.production_end)}")
    w.row(_("Plots"), ngettext("%(num)d plot, %(area)s ha", "%(num)d plots, %(area)s ha",
                               eudr.plot_count, area=number(eudr.total_area_ha, 2)))
    rows = []
    for line in page.lines:
        for plot in line.lot.plots:
            rows.append([line.lot.lot_code, plot.plot_ref, plot.producer_name,
                         plot.production_place or "—", number(plot.area_ha, 2)])
    if rows:
        w.grid([_("Lot"), _("Plot"), _("Producer"), _("Place"), _("ha")], rows,
               [40, 22, 55, 50, 18])
    if eudr.lots_without_plots:
        w.note(_("No plots yet for: %(lots)s.",
                 lots=", ".join(lot.lot_code for lot in eudr.lots_without_plots)))


def offer_sheet_pdf(page: OfferPage, qr_target: str, url: str, *, locale: str = "es",
                    paper: str = "a4") -> bytes:
    """The offer sheet as PDF bytes in `locale` on `paper` ("a4" or "letter").

    Raises:
        KeyError: for an unknown paper size.
    """
    with force_locale(locale):
        offer = page.offer
        pdf = printing_pdf.new_document(_("Offer %(code)s", code=offer.offer_code), locale,
                                        page_format=PAPER_SIZES[paper])
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(auto=False, margin=MARGIN + printing_pdf.FOOTER_HEIGHT_MM)
        pdf.add_page()
        _header(pdf, page, qr_target, url, locale)
        writer = SheetWriter(pdf)
        _terms(writer, page, locale)
        _volume(writer, page)
        _quality(writer, page)
        _certificates(writer, page)
        _eudr(writer, page)
        return bytes(pdf.output())
