"""The read-only JSON API: the catalogue, product sheets and consolidated offers, described
by OpenAPI 3.1.

Decimal values are always JSON strings ("9500.00"), so no precision is lost in transit;
dates are ISO 8601 strings. Only GET, so there is nothing for CSRF to protect.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, jsonify, request

from matchmaker.extensions import csrf
from matchmaker.forms.fields import bounded_decimal
from matchmaker.input_guard import DB_INT_MAX, db_int
from matchmaker.lotsheet import units
from matchmaker.lotsheet.pricing import (
    NO_REFERENCES,
    LotPrice,
    MarketReferences,
    indicative_price,
)
from matchmaker.models import Lot
from matchmaker.models.offers import ConsolidatedOffer
from matchmaker.openapi import build_openapi
from matchmaker.services.lots import catalogue
from matchmaker.services.lots.pricing import market_references
from matchmaker.services.lots.sheet import LotSheet, build_sheet, load_lot
from matchmaker.services.offers import review
from matchmaker.services.offers.page import (
    OfferPage,
    build_offer_page,
    load_offer,
    published_offers,
)
from matchmaker.urls import external_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _file_url(path: str | None, endpoint: str, **values) -> str | None:
    """The public address of a stored evidence file, or None when nothing is stored."""
    return external_url(endpoint, **values) if path else None


def price_document(price: LotPrice, references: MarketReferences) -> dict:
    """The price as stated (fixed or differential, premium) and the indicative price with
    the reference it used; `indicative_usd_mt` is null when no reference price is known."""
    indicative = indicative_price(price, references)
    quote = indicative.quote if indicative else None
    return {
        "basis": price.basis,
        "fixed_usd_mt": _dec(price.fixed_usd_mt),
        "differential_usd_mt": _dec(price.differential_usd_mt),
        "market": price.market or None,
        "market_other_es": price.market_other or None,
        "market_other_en": price.market_other_en or None,
        "contract_month_es": price.contract_month or None,
        "contract_month_en": price.contract_month_en or None,
        "premium_usd_mt": _dec(price.premium_usd_mt),
        "premium_kind": price.premium_kind or None,
        "indicative_usd_mt": _dec(indicative.usd_mt) if indicative else None,
        "indicative_reference": None if quote is None else {
            "market": quote.market, "usd_mt": _dec(quote.usd_mt),
            "quoted_on": _day(quote.quoted_on),
            # ICE London: the GBP/t price and the GBP→USD rate that made `usd_mt`.
            "gbp_t": _dec(quote.converted.gbp_t) if quote.converted else None,
            "usd_per_gbp": _dec(quote.converted.usd_per_gbp) if quote.converted else None,
            "rate_on": _day(quote.converted.rate_on) if quote.converted else None},
    }


def lot_summary(lot: Lot, references: MarketReferences = NO_REFERENCES) -> dict:
    """One catalogue entry; `price_usd_per_mt` is a fixed price only (null for a
    differential: read `price`)."""
    return {
        "lot_code": lot.lot_code,
        "name_es": lot.name_es,
        "name_en": lot.name_en,
        "organisation": {"name": lot.organisation.name, "slug": lot.organisation.slug},
        "product_form": lot.product_form,
        "region": lot.region,
        "community": lot.community,
        "volume_kg": _dec(lot.volume_kg),
        "price_usd_per_mt": _dec(lot.price_usd_per_mt),
        "price": price_document(lot.price, references),
        "iso_grade": lot.latest_iso_grade,
        "global_quality": _dec(lot.latest_global_quality),
        "published_at": lot.published_at.isoformat() if lot.published_at else None,
        "url": external_url("api.lot", lot_code=lot.lot_code),
        "html_url": external_url("lots.detail", lot_code=lot.lot_code),
    }


def sheet_document(sheet: LotSheet) -> dict:
    """The full sheet with derived values."""
    lot, a, s, t, e = sheet.lot, sheet.analysis, sheet.sensory, sheet.terms, sheet.eudr
    return {
        **lot_summary(lot, t.references),
        "harvest_start": _day(lot.harvest_start),
        "harvest_end": _day(lot.harvest_end),
        "volume": {"kg": _dec(sheet.volume.kg), "mt": _dec(sheet.volume.mt),
                   "lb": _dec(sheet.volume.lb), "quintales": _dec(sheet.volume.quintales)},
        "packing": {"bag_count": lot.bag_count, "net_kg_per_bag": _dec(lot.net_kg_per_bag),
                    "bag_type": lot.bag_type},
        "hs_code": lot.hs_code,
        "origin": {"country": lot.country, "region": lot.region, "province": lot.province,
                   "community": lot.community, "altitude_min": lot.altitude_min,
                   "altitude_max": lot.altitude_max, "n_producers": lot.n_producers,
                   "area_ha": _dec(lot.area_ha), "production_system": lot.production_system,
                   "exporter_of_record": lot.exporter_of_record},
        "description_es": lot.description_es,
        "description_en": lot.description_en,
        "genetics": [{"genetics": g.genetics, "variety_name": g.variety_name,
                      "share_pct": _dec(g.share_pct)} for g in sheet.genetics],
        "warehouse_es": lot.warehouse_es,
        "warehouse_en": lot.warehouse_en,
        "fine_flavour_note_es": lot.fine_flavour_note_es,
        "fine_flavour_note_en": lot.fine_flavour_note_en,
        "post_harvest": {"processing_site": lot.processing_site,
                         "ferment_vessel": lot.ferment_vessel, "ferment_hours": lot.ferment_hours,
                         "turns": lot.turns, "wood_species_es": lot.wood_species_es,
                         "wood_species_en": lot.wood_species_en,
                         "pre_drying": lot.pre_drying,
                         "dry_method": lot.dry_method, "dry_days": lot.dry_days},
        "analysis": None if a is None else {
            "analysis_date": _day(a.analysis_date), "lab": a.lab,
            "moisture_pct": _dec(a.moisture_pct), "moisture_ok_at_origin": a.moisture_ok_at_origin,
            "bean_count_per_100g": a.bean_count_per_100g, "bean_size": a.bean_size,
            "cut_test_n": a.cut_test_n, "fermented_pct": _dec(a.fermented_pct),
            "cut_test_pct": {k: _dec(v) for k, v in a.percentages.items()},
            "insect_germinated_flat_pct": _dec(a.defects_pct),
            "iso_grade": a.iso_grade, "trade_grade": a.trade_grade,
            "fermentation_index": _dec(a.fermentation_index),
            "cadmium_mg_kg": _dec(a.cadmium_mg_kg),
            "sample_kg": _dec(a.analysis.sample_kg),
            "cut_test_counts": {code: getattr(a.analysis, code) for code in a.percentages},
            **{name: _dec(getattr(a.analysis, name)) for name in (
                "ffa_pct", "fat_pct", "shell_pct", "foreign_matter_pct",
                "cocoa_related_matter_pct", "flat_beans_pct", "sievings_pct")},
            "report_url": _file_url(a.analysis.report_path, "lot_files.analysis_file",
                                    analysis_id=a.analysis.id, kind="report"),
            "cut_test_photo_url": _file_url(a.analysis.cut_test_photo_path,
                                            "lot_files.analysis_file", analysis_id=a.analysis.id,
                                            kind="cut_test_photo"),
        },
        "sensory": None if s is None else {
            "protocol": s.protocol, "evaluator": s.evaluator,
            "evaluated_on": _day(s.evaluated_on), "global_quality": _dec(s.global_quality),
            "flavour_notes_es": s.evaluation.flavour_notes_es,
            "flavour_notes_en": s.evaluation.flavour_notes_en,
            "scores": {code: _dec(score) for code, score in s.radar},
            "panel_size": s.evaluation.panel_size,
            "roast_profile_es": s.evaluation.roast_profile_es,
            "roast_profile_en": s.evaluation.roast_profile_en,
            "awards_es": s.evaluation.awards_es, "awards_en": s.evaluation.awards_en,
        },
        "certificates": [
            {"scheme": c.certificate.scheme, "holder": c.certificate.holder,
             "certificate_no": c.certificate.certificate_no,
             "certifier_name": c.certificate.certifier_name,
             "certifier_code": c.certificate.certifier_code,
             "file_url": _file_url(c.certificate.file_path, "lot_files.certificate_file",
                                   certificate_id=c.certificate.id),
             "verify_url": c.certificate.verify_url or None,
             "status": c.certificate.status, "state_today": c.state, "is_valid": c.is_valid,
             "valid_from": _day(c.certificate.valid_from), "valid_to": _day(c.certificate.valid_to)}
            for c in sheet.certificates
        ],
        "eudr": {
            "plot_count": len(e.plots), "total_area_ha": _dec(e.total_area_ha),
            "production_start": _day(e.production_start), "production_end": _day(e.production_end),
            "missing": e.missing, "dds_reference": e.dds_reference,
            "no_deforestation_evidence_url": _file_url(
                lot.no_deforestation_evidence_path, "lot_files.eudr_file", lot_id=lot.id,
                kind="no-deforestation") or lot.no_deforestation_evidence_url or None,
            "legality_evidence_url": _file_url(lot.legality_evidence_path, "lot_files.eudr_file",
                                               lot_id=lot.id, kind="legality"),
        },
        "terms": {
            "incoterm": t.incoterm, "incoterm_place": t.incoterm_place,
            "price_basis": t.price_basis, "price_usd_per_mt": _dec(t.price_usd_per_mt),
            "price_usd_per_kg": _dec(t.price_usd_per_kg),
            "price_valid_until": _day(t.price_valid_until), "price_expired": t.price_expired,
            "moq_kg": _dec(t.moq_kg), "moq_bags": t.moq_bags,
            "sample_available": t.sample_available, "sample_size_g": t.sample_size_g,
            "sample_cost_usd": _dec(t.sample_cost_usd),
            "sample_lead_time_days": t.sample_lead_time_days,
            "payment_terms_es": lot.payment_terms_es, "payment_terms_en": lot.payment_terms_en,
            "ship_window_es": lot.ship_window_es, "ship_window_en": lot.ship_window_en,
            "export_docs": lot.export_doc_codes,
        },
    }


# Filters given by code: an empty value is as wrong as an unknown code.
CODED_FILTERS = ("product_form", "genetics", "certification", "min_grade", "flavour", "sort")
# Documented as numbers: an empty value is not a number (the HTML catalogue's form may send
# empty fields, the API's callers may not).
NUMBER_FILTERS = ("min_volume_kg", "max_price_usd_mt", "flavour_min")


def _invalid(names: list[str]):
    return jsonify(error={"status": 400, "title": "Invalid parameters", "parameters": names}), 400


def _paging(invalid: list[str]) -> tuple[int, int]:
    """page and per_page from the query, as documented (page >= 1, 1 <= per_page <= max);
    names anything else in `invalid` rather than quietly clamping it."""
    values = {}
    for name, default, high in (("page", 1, DB_INT_MAX),
                                ("per_page", catalogue.DEFAULT_PER_PAGE, catalogue.MAX_PER_PAGE)):
        raw = request.args.get(name)
        try:
            values[name] = default if raw is None else db_int(raw)
        except ValueError:
            values[name] = default
            invalid.append(name)
            continue
        if not 1 <= values[name] <= high:
            values[name] = default
            invalid.append(name)
    return values["page"], values["per_page"]


@bp.get("/lots")
def lots():
    parsed = catalogue.parse_filters(request.args)
    invalid = parsed.invalid + [name for name in CODED_FILTERS + NUMBER_FILTERS
                                if name in request.args and not request.args[name].strip()]
    page_number, per_page = _paging(invalid)
    if invalid:
        return _invalid(invalid)
    references = market_references(today=date.today())
    page = catalogue.search_lots(parsed.filters, today=date.today(), page=page_number,
                                 per_page=per_page, with_details=False, references=references)
    args = parsed.filters.as_args()

    def link(number: int) -> str:
        return external_url("api.lots", page=number, per_page=page.per_page, **args)

    return jsonify(
        data=[lot_summary(lot, references) for lot in page.lots],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        pages=page.pages,
        links={"self": link(page.page), "first": link(1), "last": link(page.pages),
               "prev": link(page.prev_num) if page.has_prev else None,
               "next": link(page.next_num) if page.has_next else None},
    )


@bp.get("/lots/<lot_code>")
def lot(lot_code: str):
    found = load_lot(lot_code)
    if found is None or not found.is_published:
        abort(404)
    today = date.today()
    return jsonify(sheet_document(build_sheet(found, today=today,
                                              references=market_references(today=today))))


def offer_summary(offer: ConsolidatedOffer, volume_kg: Decimal) -> dict:
    """One entry of the offers list; volume counts the lines their lot owners approved."""
    return {
        "offer_code": offer.offer_code,
        "name_es": offer.name_es,
        "name_en": offer.name_en,
        "cooperative": {"name": offer.cooperative.name, "slug": offer.cooperative.slug},
        "volume_kg": _dec(volume_kg),
        "volume_mt": _dec(units.round_half_up(units.kg_to_mt(volume_kg), 3)),
        "target_volume_kg": _dec(offer.target_volume_kg),
        "incoterm": offer.incoterm,
        "incoterm_place": offer.incoterm_place,
        "price_usd_per_mt": _dec(offer.price_usd_per_mt),
        "price_valid_until": _day(offer.price_valid_until),
        "published_at": offer.published_at.isoformat() if offer.published_at else None,
        "url": external_url("api.offer", offer_code=offer.offer_code),
        "html_url": external_url("offers.detail", offer_code=offer.offer_code),
    }


def offer_document(page: OfferPage) -> dict:
    """The offer with its derived values: volume, blend, certification coverage, lots, EUDR."""
    offer, blend, eudr = page.offer, page.blend, page.eudr
    return {
        **offer_summary(offer, page.total_kg),
        "description_es": offer.description_es,
        "description_en": offer.description_en,
        "exporter_of_record": offer.exporter_of_record,
        "certificate_holder": offer.certificate_holder,
        "price_expired": page.price_expired,
        "declared_grade": offer.declared_grade,
        "below_declared_grade": review.grade_left(offer, page) is not None,
        "quality_updated_on": _day(review.quality_updated_on(offer)),
        "volume": {"kg": _dec(page.total_kg), "mt": _dec(page.total_mt), "bags": page.bags,
                   "container_20ft_pct": _dec(page.container_pct),
                   "target_pct": _dec(page.target_pct)},
        "blend": {"analysed_kg": _dec(blend.blended_kg), "total_kg": _dec(blend.total_kg),
                  "moisture_pct": _dec(blend.moisture_pct), "bean_count": _dec(blend.bean_count),
                  "fermented_pct": _dec(blend.fermented_pct), "worst_grade": blend.worst_grade,
                  "unanalysed_lots": [lot.lot_code for lot in blend.unanalysed]},
        "certifications": [
            {"scheme": c.scheme, "scheme_other": c.scheme_other, "covered_kg": _dec(c.covered_kg),
             "total_kg": _dec(c.total_kg), "covered_pct": _dec(c.percent), "is_full": c.is_full,
             "holders": list(c.holders), "lot_codes": list(c.lot_codes)}
            for c in page.certifications
        ],
        "contributions": [
            {"organisation": {"name": c.organisation.name, "slug": c.organisation.slug},
             "kg": _dec(c.kg), "pct": _dec(c.percent)}
            for c in page.contributions
        ],
        "lots": [
            {"lot_code": line.lot.lot_code, "organisation": line.lot.organisation.slug,
             "kg": _dec(line.kg),
             "url": external_url("api.lot", lot_code=line.lot.lot_code)}
            for line in page.lines
        ],
        "production_period": {"start": _day(eudr.production_start),
                              "end": _day(eudr.production_end)},
        "eudr": {"plot_count": eudr.plot_count, "total_area_ha": _dec(eudr.total_area_ha),
                 "complete": eudr.is_complete},
    }


@bp.get("/offers")
def offers():
    raw = (request.args.get("min_mt") or "").strip()
    invalid = []
    try:
        min_mt = bounded_decimal(raw, "buyer_volume_mt")
    except ValueError:
        min_mt = None
        invalid.append("min_mt")
    page, per_page = _paging(invalid)
    if invalid:
        return _invalid(invalid)
    rows = published_offers(min_mt=min_mt)
    pages = max(1, -(-len(rows) // per_page))
    args = {"min_mt": raw} if raw else {}

    def link(number: int) -> str:
        return external_url("api.offers", page=number, per_page=per_page, **args)

    return jsonify(
        data=[offer_summary(offer, kg) for offer, kg in rows[(page - 1) * per_page:
                                                               page * per_page]],
        total=len(rows),
        page=page,
        per_page=per_page,
        pages=pages,
        links={"self": link(page), "first": link(1), "last": link(pages),
               "prev": link(page - 1) if page > 1 else None,
               "next": link(page + 1) if page < pages else None},
    )


@bp.get("/offers/<offer_code>")
def offer(offer_code: str):
    found = load_offer(offer_code)
    if found is None or not found.is_public:
        abort(404)
    return jsonify(offer_document(build_offer_page(found, today=date.today())))


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_openapi(external_url("api.lots").rsplit("/lots", 1)[0]))
