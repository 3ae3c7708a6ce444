"""Lot editing by association reps: create, edit a section, genetics, duplicate, publish.

Derived values (USD/kg, fermented %, grades, certificate validity) are never stored from
input; the only caches (Lot.latest_iso_grade, latest_global_quality) are refreshed by the
analysis and sensory services.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.errors import Conflict, ValidationFailed
from matchmaker.extensions import db
from matchmaker.lotsheet import pricing, units
from matchmaker.lotsheet.vocab import (
    BAG_TYPE,
    DRY_METHOD,
    EXPORT_DOCS,
    FERMENT_VESSEL,
    GENETICS,
    HS_CODE,
    INCOTERM,
    PRICE_BASIS,
    PRICE_MARKET,
    PRICE_PREMIUM,
    PROCESSING_SITE,
    PRODUCT_FORM,
    PRODUCTION_SYSTEM,
)
from matchmaker.models import Lot, LotGenetics, Organisation
from matchmaker.models.base import utcnow
from matchmaker.services.offers import availability as offer_availability
from matchmaker.services.offers import changes as offer_changes
from matchmaker.services.offers import composing as offer_composing

# Fields each editing page may write, grouped as in the domain doc (sections 1-3, 8).
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "identity": (
        "lot_code", "name_es", "name_en", "product_form", "harvest_start", "harvest_end",
        "volume_kg", "bag_count", "net_kg_per_bag", "bag_type", "hs_code", "warehouse_es",
        "warehouse_en", "description_es", "description_en",
    ),
    "origin": (
        "exporter_of_record", "country", "region", "province", "community", "altitude_min",
        "altitude_max", "n_producers", "area_ha", "production_system",
        "fine_flavour_note_es", "fine_flavour_note_en",
    ),
    "post_harvest": (
        "processing_site", "ferment_vessel", "ferment_hours", "turns", "wood_species_es",
        "wood_species_en", "pre_drying", "dry_method", "dry_days",
    ),
    "terms": (
        "incoterm", "incoterm_place", "price_basis", "price_usd_per_mt", "price_market",
        "price_market_other_es", "price_market_other_en", "ice_contract_month_es",
        "ice_contract_month_en", "price_differential_usd_mt",
        "price_premium_kind", "price_premium_usd_mt",
        "price_valid_until", "moq_kg", "sample_available", "sample_size_g", "sample_cost_usd",
        "sample_lead_time_days", "payment_terms_es", "payment_terms_en", "ship_window_es",
        "ship_window_en", "export_docs",
    ),
    "eudr": ("no_deforestation_evidence_url", "dds_reference", "dds_verification"),
}

# Enumerated fields and their vocabularies; "" (not chosen) is allowed for optional ones.
_VOCABULARIES = {
    "product_form": PRODUCT_FORM, "bag_type": BAG_TYPE, "production_system": PRODUCTION_SYSTEM,
    "processing_site": PROCESSING_SITE, "ferment_vessel": FERMENT_VESSEL,
    "dry_method": DRY_METHOD, "incoterm": INCOTERM, "price_basis": PRICE_BASIS,
    "price_market": PRICE_MARKET, "price_premium_kind": PRICE_PREMIUM,
}
# Peru's ten-digit tariff lines (1801.00.19.00) extend a six-digit subheading.
_HS_NATIONAL_RE = re.compile(r"^(\d{4}\.\d{2})(\.\d{2}){1,2}$")
_OPTIONAL_ENUMS = {"production_system", "processing_site", "ferment_vessel", "dry_method",
                   "price_market", "price_premium_kind"}
_NON_NEGATIVE = (
    "volume_kg", "bag_count", "net_kg_per_bag", "altitude_min", "altitude_max", "n_producers",
    "area_ha", "ferment_hours", "turns", "dry_days", "price_usd_per_mt", "moq_kg",
    "sample_size_g", "sample_cost_usd", "sample_lead_time_days",
)
LOT_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,39}$")
MAX_GENETICS_ROWS = 6


@dataclass(frozen=True)
class GeneticsRow:
    """One genetic material typed in by the rep."""

    genetics: str
    share_pct: Decimal
    variety_name: str = ""


@dataclass(frozen=True)
class Requirement:
    """Something a published lot must have; `section` names the page where it is filled in."""

    code: str
    section: str
    label: object  # a lazy translated string


# ---------------------------------------------------------------------------------------------
# Lot codes

def org_code(organisation: Organisation) -> str:
    """Three letters for the organisation in lot codes: its community or name, unaccented."""
    import unicodedata

    source = organisation.community or organisation.name
    words = [w for w in re.split(r"[^A-Za-z]+", unicodedata.normalize("NFKD", source)
                                 .encode("ascii", "ignore").decode()) if w]
    stop = {"de", "del", "la", "las", "los", "y", "comunidad", "nativa", "cn", "asociacion",
            "cooperativa", "puerto"}
    meaningful = [w for w in words if w.lower() not in stop] or words or ["ORG"]
    return meaningful[0][:3].upper().ljust(3, "X")


def suggest_lot_code(organisation: Organisation, *, year: int | None = None) -> str:
    """The next free `PE-MDD-<ORG>-<YY>-<NNN>` code (region letters from the organisation)."""
    region = _region_code(organisation.region)
    yy = f"{(year or date.today().year) % 100:02d}"
    prefix = f"PE-{region}-{org_code(organisation)}-{yy}-"
    taken = set(db.session.scalars(db.select(Lot.lot_code).where(Lot.lot_code.like(prefix + "%"))))
    number = 1
    while f"{prefix}{number:03d}" in taken:
        number += 1
    return f"{prefix}{number:03d}"


_REGION_CODES = {
    "madre de dios": "MDD", "san martin": "SAM", "amazonas": "AMA", "loreto": "LOR",
    "ucayali": "UCA", "cusco": "CUS", "junin": "JUN", "huanuco": "HUC", "pasco": "PAS",
    "puno": "PUN", "ayacucho": "AYA", "cajamarca": "CAJ", "piura": "PIU", "tumbes": "TUM",
}


def _region_code(region: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", region or "").encode("ascii", "ignore").decode().lower()
    return _REGION_CODES.get(plain.strip(), (re.sub(r"[^A-Z]", "", plain.upper()) or "PER")[:3])


def normalise_lot_code(code: str) -> str:
    return (code or "").strip().upper()


def _check_lot_code(code: str, lot: Lot | None) -> str:
    code = normalise_lot_code(code)
    if not LOT_CODE_RE.match(code):
        raise ValidationFailed(
            _("A lot code uses capital letters, digits and hyphens, e.g. PE-MDD-INF-26-001."),
            code="lot_code_invalid", field="lot_code",
        )
    clash = db.session.scalar(db.select(Lot).where(Lot.lot_code == code))
    if clash is not None and clash is not lot:
        raise Conflict(_("Another lot already uses the code %(code)s.", code=code),
                       code="lot_code_taken", field="lot_code")
    return code


# ---------------------------------------------------------------------------------------------
# Field checks shared by create and update

def _check_fields(lot: Lot, fields: dict) -> None:
    """Rules one page's fields must meet, checked against the lot's other values."""
    for name, vocabulary in _VOCABULARIES.items():
        if name in fields:
            value = fields[name] or ""
            if not (value in vocabulary or (value == "" and name in _OPTIONAL_ENUMS)):
                raise ValidationFailed(_("Choose a value from the list."),
                                       code="unknown_choice", field=name)
    if "hs_code" in fields:
        code = (fields["hs_code"] or "").strip()
        national = _HS_NATIONAL_RE.match(code)
        if code not in HS_CODE and not (national and national.group(1) in HS_CODE):
            raise ValidationFailed(
                _("Choose a cocoa heading (HS 1801–1806), e.g. 1801.00 for beans and nibs."),
                code="hs_code_not_cocoa", field="hs_code")
    for name in _NON_NEGATIVE:
        value = fields.get(name)
        if value is not None and value < 0:
            raise ValidationFailed(_("Enter a number that is not negative."),
                                   code="negative_value", field=name)
    if "export_docs" in fields:
        unknown = [c for c in fields["export_docs"] if c not in EXPORT_DOCS]
        if unknown:
            raise ValidationFailed(_("Choose a value from the list."),
                                   code="unknown_choice", field="export_docs")

    def current(name):
        return fields[name] if name in fields else getattr(lot, name)

    start, end = current("harvest_start"), current("harvest_end")
    if start and end and end < start:
        raise ValidationFailed(_("The harvest cannot end before it starts."),
                               code="harvest_out_of_order", field="harvest_end")
    low, high = current("altitude_min"), current("altitude_max")
    if low is not None and high is not None and high < low:
        raise ValidationFailed(_("The highest altitude cannot be below the lowest."),
                               code="altitude_out_of_order", field="altitude_max")
    if "price_basis" in fields:
        _check_price(fields)
    _check_packing(lot, fields, current)
    # The minimum order is checked whenever it or the bag weight could have changed.
    moq, per_bag = current("moq_kg"), current("net_kg_per_bag")
    if ("moq_kg" in fields or "net_kg_per_bag" in fields or "volume_kg" in fields) \
            and moq is not None and per_bag:
        problems = units.check_moq(moq, per_bag, current("volume_kg"))
        if problems:
            problem = problems[0]
            raise ValidationFailed(_(problem.template, **problem.params), code=problem.code,
                                   field="moq_kg")


def _check_price(fields: dict) -> None:
    """The terms page states one kind of price; the other kind's fields are cleared."""
    if fields["price_basis"] == pricing.FIXED:
        fields.update(price_differential_usd_mt=None, price_market="", price_market_other_es="",
                      price_market_other_en="", ice_contract_month_es="",
                      ice_contract_month_en="")
    else:
        fields["price_usd_per_mt"] = None
        if fields.get("price_market") != pricing.OTHER_MARKET:
            fields.update(price_market_other_es="", price_market_other_en="")
    if fields.get("price_premium_usd_mt") is None:
        fields["price_premium_kind"] = ""
    stated = pricing.LotPrice(
        basis=fields["price_basis"], fixed_usd_mt=fields.get("price_usd_per_mt"),
        differential_usd_mt=fields.get("price_differential_usd_mt"),
        market=fields.get("price_market") or "",
        market_other=fields.get("price_market_other_es") or "",
        market_other_en=fields.get("price_market_other_en") or "",
        contract_month=fields.get("ice_contract_month_es") or "",
        contract_month_en=fields.get("ice_contract_month_en") or "",
        premium_usd_mt=fields.get("price_premium_usd_mt"),
        premium_kind=fields.get("price_premium_kind") or "")
    problems = pricing.check_price(stated)
    if problems:
        raise ValidationFailed(_(problems[0].template, **problems[0].params),
                               code=problems[0].code, field=problems[0].field)


# Volume may differ from bags × net weight by rounding only: half a kilogram per bag (net
# weights are typed to the kilogram or half kilogram) or 0.5 % of the volume, whichever is more.
PACKING_TOLERANCE_KG_PER_BAG = Decimal("0.5")
PACKING_TOLERANCE_SHARE = Decimal("0.005")


def packing_mismatch(volume_kg, bag_count, net_kg_per_bag) -> Decimal | None:
    """Bags × net kg when it differs from the volume by more than rounding, else None."""
    if not (volume_kg and bag_count and net_kg_per_bag):
        return None
    packed = Decimal(bag_count) * Decimal(net_kg_per_bag)
    tolerance = max(PACKING_TOLERANCE_KG_PER_BAG * bag_count,
                    PACKING_TOLERANCE_SHARE * Decimal(volume_kg))
    return packed if abs(packed - Decimal(volume_kg)) > tolerance else None


def _check_packing(lot: Lot, fields: dict, current) -> None:
    touched = {"volume_kg", "bag_count", "net_kg_per_bag"} & set(fields)
    if touched:
        volume, bags, per_bag = current("volume_kg"), current("bag_count"), current("net_kg_per_bag")
        packed = packing_mismatch(volume, bags, per_bag)
        if packed is not None:
            raise ValidationFailed(
                _("%(bags)s bags × %(per_bag)s kg make %(packed)s kg, not the %(volume)s kg "
                  "stated as the volume. Correct the volume, the number of bags or the net "
                  "weight per bag.", bags=bags, per_bag=units.plain(Decimal(per_bag)),
                  packed=units.plain(packed), volume=units.plain(Decimal(volume))),
                code="packing_mismatch", field="volume_kg" if "volume_kg" in fields
                else "bag_count")
    moq, volume = current("moq_kg"), current("volume_kg")
    if ("moq_kg" in fields or "volume_kg" in fields) and moq is not None and volume is not None \
            and Decimal(moq) > Decimal(volume):
        raise ValidationFailed(
            _("The minimum order (%(moq)s kg) is more than the volume available (%(volume)s kg).",
              moq=units.plain(Decimal(moq)), volume=units.plain(Decimal(volume))),
            code="moq_exceeds_volume", field="moq_kg" if "moq_kg" in fields else "volume_kg")


def _clean(fields: dict) -> dict:
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "export_docs":
            value = list(value or [])
        cleaned[name] = value
    return cleaned


def _assign(lot: Lot, fields: dict) -> None:
    for name, value in fields.items():
        if name == "export_docs":
            value = ",".join(c for c in EXPORT_DOCS.codes if c in value)
        setattr(lot, name, value)


# ---------------------------------------------------------------------------------------------
# Use cases

def create_lot(organisation: Organisation, **fields) -> Lot:
    """A new, unpublished lot with its identity and logistics (section 1).

    Raises:
        ValidationFailed: ``lot_code_invalid``, ``harvest_out_of_order``, ``unknown_choice``,
            ``negative_value``.
        Conflict: ``lot_code_taken``.
    """
    fields = _clean(fields)
    unknown = set(fields) - set(SECTION_FIELDS["identity"])
    if unknown:
        raise TypeError(f"not identity fields: {sorted(unknown)}")
    lot = Lot(organisation=organisation, is_published=False, country="PE",
              region=organisation.region, province=organisation.province,
              community=organisation.community,
              exporter_of_record=(organisation.cooperative.name if organisation.cooperative
                                  else organisation.name))
    fields["lot_code"] = _check_lot_code(fields.get("lot_code", ""), None)
    _check_fields(lot, fields)
    _assign(lot, fields)
    db.session.add(lot)
    db.session.flush()
    return lot


def update_lot(lot: Lot, section: str, **fields) -> Lot:
    """Write one page's fields (`section` is a key of SECTION_FIELDS) after checking them.

    Raises:
        ValidationFailed: ``lot_code_invalid``, ``harvest_out_of_order``,
            ``altitude_out_of_order``, ``ice_month_required``, ``moq_not_whole_bags``,
            ``moq_exceeds_volume``, ``moq_not_positive``, ``unknown_choice``,
            ``negative_value``, ``volume_below_offers`` (offers hold more kg than the new volume).
        Conflict: ``lot_code_taken``, ``lot_code_locked`` (renaming a published lot).
    """
    fields = _clean(fields)
    unknown = set(fields) - set(SECTION_FIELDS[section])
    if unknown:
        raise TypeError(f"not {section} fields: {sorted(unknown)}")
    if "lot_code" in fields:
        fields["lot_code"] = _check_lot_code(fields["lot_code"], lot)
        # Buyers reach a published lot by its code (links, printed sheets): it stays put.
        if lot.is_published and fields["lot_code"] != lot.lot_code:
            raise Conflict(_("A published lot keeps its code; withdraw it first to change it."),
                           code="lot_code_locked", field="lot_code")
    _check_fields(lot, fields)
    if "volume_kg" in fields and fields["volume_kg"] is not None and lot.id is not None:
        _check_volume_covers_offers(lot, Decimal(fields["volume_kg"]))
    _assign(lot, fields)
    db.session.flush()
    offer_changes.on_lot_changed(lot)  # material changes reach the offers holding the lot
    return lot


def _check_volume_covers_offers(lot: Lot, volume: Decimal) -> None:
    """Offers keep their promises: the volume cannot drop below the kg they hold."""
    offer_availability.lock_lot(lot)
    held = offer_availability.committed_kg([lot.id])[lot.id]
    if volume < held:
        raise ValidationFailed(
            _("Offers hold %(held)s kg of this lot, so its volume cannot go below that. "
              "Lower or remove those offer lines first.", held=units.plain(held)),
            code="volume_below_offers", field="volume_kg", held_kg=held)


def set_genetics(lot: Lot, rows: Iterable[GeneticsRow]) -> list[LotGenetics]:
    """Replace the lot's genetics; shares must add up to exactly 100 %.

    Raises:
        ValidationFailed: ``genetics_required``, ``unknown_choice``, ``share_out_of_range``,
            ``genetics_duplicate``, ``genetics_too_many``, ``genetics_shares_sum``.
    """
    rows = [GeneticsRow(r.genetics, Decimal(r.share_pct), (r.variety_name or "").strip())
            for r in rows]
    if not rows:
        raise ValidationFailed(_("Add at least one genetic material."), code="genetics_required")
    if len(rows) > MAX_GENETICS_ROWS:
        raise ValidationFailed(_("List at most %(n)d genetic materials.", n=MAX_GENETICS_ROWS),
                               code="genetics_too_many")
    seen = set()
    for row in rows:
        if row.genetics not in GENETICS:
            raise ValidationFailed(_("Choose a value from the list."), code="unknown_choice")
        if not 0 < row.share_pct <= 100:
            raise ValidationFailed(_("Each share must be above 0 and at most 100."),
                                   code="share_out_of_range")
        key = (row.genetics, row.variety_name.lower())
        if key in seen:
            raise ValidationFailed(_("The same genetic material is listed twice."),
                                   code="genetics_duplicate")
        seen.add(key)
    total = sum((row.share_pct for row in rows), Decimal(0))
    if total != 100:
        raise ValidationFailed(
            _("The shares add up to %(total)s %%; they must add up to 100 %%.",
              total=units.plain(total)),
            code="genetics_shares_sum", total=total,
        )
    lot.genetics.clear()
    db.session.flush()  # the unique (lot, genetics, variety) rows must go before new ones come
    for row in rows:
        lot.genetics.append(LotGenetics(genetics=row.genetics, variety_name=row.variety_name,
                                        share_pct=row.share_pct))
    db.session.flush()
    return list(lot.genetics)


# What duplicate_lot copies: identity, origin, post-harvest, terms, EUDR evidence; not the
# harvest-specific measurements (analyses, sensory, photos) nor the publication state.
_COPIED = tuple(
    name for section in ("identity", "origin", "post_harvest", "terms") for name in
    SECTION_FIELDS[section] if name not in ("lot_code", "export_docs")
) + ("export_docs", "no_deforestation_evidence_path", "no_deforestation_evidence_url",
     "legality_evidence_path")


def duplicate_lot(lot: Lot, *, lot_code: str | None = None) -> Lot:
    """A copy of `lot` for the next harvest, unpublished, with certificates and plots.

    The harvest dates move forward a year; analyses, sensory evaluations and photos stay
    with the old lot because they describe that harvest only. DDS references belong to a
    shipment and are not copied either.

    Raises:
        ValidationFailed: ``lot_code_invalid``. Conflict: ``lot_code_taken``.
    """
    next_year = (lot.harvest_start.year + 1) if lot.harvest_start else None
    code = _check_lot_code(lot_code or suggest_lot_code(lot.organisation, year=next_year), None)
    copy = Lot(organisation=lot.organisation, lot_code=code, is_published=False)
    for name in _COPIED:
        setattr(copy, name, getattr(lot, name))
    copy.harvest_start = _next_year(lot.harvest_start)
    copy.harvest_end = _next_year(lot.harvest_end)
    copy.price_valid_until = None
    copy.genetics = [LotGenetics(genetics=g.genetics, variety_name=g.variety_name,
                                 share_pct=g.share_pct) for g in lot.genetics]
    from matchmaker.models import Certificate, ProductionPlot

    copy.certificates = [
        Certificate(**{c.key: getattr(cert, c.key) for c in Certificate.__table__.columns
                       if c.key not in ("id", "lot_id")})
        for cert in lot.certificates
    ]
    copy.plots = [
        ProductionPlot(**{c.key: getattr(plot, c.key) for c in ProductionPlot.__table__.columns
                          if c.key not in ("id", "lot_id")})
        for plot in lot.plots
    ]
    db.session.add(copy)
    db.session.flush()
    return copy


def _next_year(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# ---------------------------------------------------------------------------------------------
# Completeness and publication

def _blank(value) -> bool:
    return value is None or value == ""


def missing_for_publish(lot: Lot) -> list[Requirement]:
    """What the domain doc marks R and the lot still lacks, in page order."""
    missing: list[Requirement] = []

    def need(condition: bool, code: str, section: str, label) -> None:
        if condition:
            missing.append(Requirement(code, section, label))

    need(_blank(lot.product_form), "product_form", "identity", _l("Product form"))
    need(not (lot.harvest_start and lot.harvest_end), "harvest", "identity", _l("Harvest dates"))
    need(not lot.volume_kg, "volume_kg", "identity", _l("Volume available"))
    need(not lot.bag_count, "bag_count", "identity", _l("Number of bags"))
    need(not lot.net_kg_per_bag, "net_kg_per_bag", "identity", _l("Net weight per bag"))
    need(_blank(lot.hs_code), "hs_code", "identity", _l("HS code"))
    need(not lot.organisation.ruc, "organisation_ruc", "organisation",
         _l("The organisation's RUC (on the organisation profile)"))
    need(_blank(lot.exporter_of_record), "exporter_of_record", "origin", _l("Exporter of record"))
    need(_blank(lot.region) or _blank(lot.province) or _blank(lot.community), "origin_place",
         "origin", _l("Region, province and community"))
    need(not lot.n_producers, "n_producers", "origin", _l("Number of producers"))
    need(not lot.area_ha, "area_ha", "origin", _l("Area in hectares"))
    shares = sum((g.share_pct for g in lot.genetics), Decimal(0))
    need(not lot.genetics or shares != 100, "genetics", "origin",
         _l("Genetics with shares that add up to 100"))
    need(_blank(lot.processing_site), "processing_site", "post_harvest", _l("Processing site"))
    need(_blank(lot.ferment_vessel), "ferment_vessel", "post_harvest", _l("Fermentation vessel"))
    need(lot.ferment_hours is None, "ferment_hours", "post_harvest", _l("Fermentation hours"))
    need(_blank(lot.dry_method), "dry_method", "post_harvest", _l("Drying method"))
    need(lot.dry_days is None, "dry_days", "post_harvest", _l("Drying days"))
    need(not lot.analyses, "analysis", "analyses", _l("A quality analysis (cut test)"))
    need(any(not (c.file_path or c.verify_url) for c in lot.certificates), "certificate_proof",
         "certificates", _l("A file or verification link for every certificate"))
    need(not lot.plots, "plots", "plots", _l("Production plots with geolocation"))
    need(not (lot.no_deforestation_evidence_path or lot.no_deforestation_evidence_url),
         "no_deforestation_evidence", "eudr", _l("No-deforestation evidence (file or link)"))
    need(not lot.legality_evidence_path, "legality_evidence", "eudr",
         _l("Legality evidence (land title, permits)"))
    need(_blank(lot.incoterm) or _blank(lot.incoterm_place), "incoterm", "terms",
         _l("Incoterm and named place"))
    need(_blank(lot.price_basis), "price_basis", "terms", _l("Price basis"))
    need(not lot.price.is_stated, "price", "terms",
         _l("Price (fixed USD/MT, or differential and its market)"))
    need(lot.price_valid_until is None, "price_valid_until", "terms", _l("Price valid until"))
    moq_ok = (lot.moq_kg is not None and bool(lot.net_kg_per_bag)
              and not units.check_moq(lot.moq_kg, lot.net_kg_per_bag, lot.volume_kg))
    need(not moq_ok, "moq", "terms", _l("Minimum order in whole bags, within the volume"))
    need(lot.sample_available and (lot.sample_size_g is None or lot.sample_cost_usd is None
                                   or lot.sample_lead_time_days is None),
         "sample", "terms", _l("Sample size, cost and lead time"))
    return missing


def publish_lot(lot: Lot, *, now: datetime | None = None) -> Lot:
    """Make the lot visible in the catalogue.

    Raises:
        ValidationFailed: ``lot_incomplete`` with ``missing`` (requirement codes).
    """
    missing = missing_for_publish(lot)
    if missing:
        raise ValidationFailed(
            _("The lot cannot be published yet. Still missing: %(items)s.",
              items="; ".join(str(r.label) for r in missing)),
            code="lot_incomplete", missing=[r.code for r in missing],
        )
    lot.is_published = True
    lot.published_at = now or utcnow()
    lot.withdrawn_at = None
    db.session.flush()
    return lot


def withdraw_lot(lot: Lot, *, now: datetime | None = None) -> Lot:
    """Take the lot out of the catalogue; it can be published again later.

    Raises:
        Conflict: ``not_published``.
    """
    if not lot.is_published:
        raise Conflict(_("The lot is not published."), code="not_published")
    lot.is_published = False
    lot.withdrawn_at = now or utcnow()
    db.session.flush()
    offer_composing.on_lot_withdrawn(lot)  # suspends offers using the lot, tells their owners
    return lot


def usd_per_kg(lot: Lot) -> Decimal | None:
    """The fixed USD/MT price as USD/kg, exact; None without one (or for a differential)."""
    if lot.price_usd_per_mt is None:
        return None
    return units.usd_per_mt_to_usd_per_kg(lot.price_usd_per_mt)


def lots_for_editor(user, organisation_id: int | None = None) -> Sequence[Lot]:
    """The lots `user` may edit (organisers: all, optionally one organisation's)."""
    query = db.select(Lot).order_by(Lot.created_at.desc(), Lot.id.desc())
    if user.is_organiser:
        if organisation_id:
            query = query.where(Lot.organisation_id == organisation_id)
    else:
        query = query.where(Lot.organisation_id == user.organisation_id)
    return db.session.scalars(query).all()
