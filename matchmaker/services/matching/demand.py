"""A buyer's demand: read from and saved to the buyer profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.errors import ValidationFailed
from matchmaker.labels import LANGUAGES
from matchmaker.lotsheet.vocab import CERT_SCHEME, GENETICS, INCOTERM
from matchmaker.matching import Demand
from matchmaker.matching.vocab import BUYER_PRODUCT_FORM, FLAVOUR_INTEREST, ISO_GRADE_MINIMUM
from matchmaker.models import BuyerProfile


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def demand_of(profile: BuyerProfile | None) -> Demand:
    """The profile's demand as the matcher's plain value (an empty demand without a profile)."""
    if profile is None:
        return Demand()
    return Demand(
        product_forms=frozenset(profile.product_form_codes),
        volume_year_min_mt=_dec(profile.volume_min_mt),
        volume_year_max_mt=_dec(profile.volume_max_mt),
        shipment_min_mt=_dec(profile.shipment_min_mt),
        min_iso_grade=profile.min_iso_grade or None,
        min_fermented_pct=_dec(profile.min_fermented_pct),
        max_moisture_pct=_dec(profile.max_moisture_pct),
        certifications=frozenset(profile.certification_codes),
        flavours=frozenset(profile.flavour_codes),
        genetics=frozenset(profile.genetics_codes),
        incoterms=frozenset(profile.incoterm_codes),
        price_ceiling_usd_per_mt=_dec(profile.price_ceiling_usd_per_mt),
        delivery_from=profile.delivery_from,
        delivery_to=profile.delivery_to,
        eudr_required=bool(profile.eudr_required),
        languages=frozenset(profile.language_codes),
    )


@dataclass
class DemandFields:
    """What a buyer states about what they buy (form, sign-up step two, import, API)."""

    product_forms: list[str] = field(default_factory=list)
    volume_min_mt: Decimal | None = None
    volume_max_mt: Decimal | None = None
    shipment_min_mt: Decimal | None = None
    min_iso_grade: str | None = None
    min_fermented_pct: Decimal | None = None
    max_moisture_pct: Decimal | None = None
    certifications: list[str] = field(default_factory=list)
    flavours: list[str] = field(default_factory=list)
    genetics: list[str] = field(default_factory=list)
    incoterms: list[str] = field(default_factory=list)
    price_ceiling_usd_per_mt: Decimal | None = None
    delivery_from: date | None = None
    delivery_to: date | None = None
    eudr_required: bool = False
    # The same stored value as the profile form's "Languages you speak" (one column, two forms).
    languages: list[str] = field(default_factory=list)


LANGUAGE_CODES = tuple(code for code, _label in LANGUAGES)
_CERTIFICATIONS = tuple(c for c in CERT_SCHEME.codes if c != "other")


def _check_codes(codes: list[str], allowed, field_name: str) -> str:
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ValidationFailed(
            _("Unknown choice for %(field)s: %(codes)s", field=field_name, codes=", ".join(unknown)),
            code="bad_choice", field=field_name)
    return ",".join(dict.fromkeys(codes))  # keeps the order, drops repeats


def _check_range(value: Decimal | None, low: Decimal, high: Decimal, message, field_name: str) -> None:
    # `message` is lazy: it is only translated (and so needs a request) when it is raised.
    if value is not None and not (low <= value <= high):
        raise ValidationFailed(str(message), code="out_of_range", field=field_name)


def save_demand(profile: BuyerProfile, fields: DemandFields) -> BuyerProfile:
    """Validate and store the demand on the profile.

    Raises:
        ValidationFailed: ``bad_choice`` for an unknown code, ``out_of_range`` for a figure
            outside its range, ``reversed`` for a window or volume range the wrong way round.
    """
    # Everything is checked before anything is written: a refused demand leaves no trace.
    codes = {
        "product_forms": _check_codes(fields.product_forms, BUYER_PRODUCT_FORM, "product_forms"),
        "certifications_needed": _check_codes(fields.certifications, _CERTIFICATIONS,
                                              "certifications"),
        "flavour_interests": _check_codes(fields.flavours, FLAVOUR_INTEREST, "flavours"),
        "genetics_interests": _check_codes(fields.genetics, GENETICS, "genetics"),
        "incoterms": _check_codes(fields.incoterms, INCOTERM, "incoterms"),
        "languages": _check_codes(fields.languages, LANGUAGE_CODES, "languages"),
    }
    if fields.min_iso_grade not in (None, "", *ISO_GRADE_MINIMUM.codes):
        raise ValidationFailed(_("Choose Grade I or Grade II."), code="bad_choice",
                               field="min_iso_grade")
    _check_range(fields.min_fermented_pct, Decimal(0), Decimal(100),
                 _l("The fermented share is a percentage from 0 to 100."), "min_fermented_pct")
    _check_range(fields.max_moisture_pct, Decimal("0.01"), Decimal(100),
                 _l("Moisture is a percentage above 0 and at most 100."), "max_moisture_pct")
    for name in ("volume_min_mt", "volume_max_mt", "shipment_min_mt", "price_ceiling_usd_per_mt"):
        _check_range(getattr(fields, name), Decimal(0), Decimal(10_000_000),
                     _l("Figures cannot be negative."), name)
    if fields.shipment_min_mt is not None and fields.shipment_min_mt == 0:
        raise ValidationFailed(_("A shipment must be more than 0 MT."), code="out_of_range",
                               field="shipment_min_mt")
    if fields.price_ceiling_usd_per_mt is not None and fields.price_ceiling_usd_per_mt == 0:
        raise ValidationFailed(_("A price ceiling must be more than 0."), code="out_of_range",
                               field="price_ceiling_usd_per_mt")
    if fields.volume_min_mt is not None and fields.volume_max_mt is not None \
            and fields.volume_max_mt < fields.volume_min_mt:
        raise ValidationFailed(_("The upper volume must not be below the lower one."),
                               code="reversed", field="volume_max_mt")
    if fields.delivery_from and fields.delivery_to and fields.delivery_to < fields.delivery_from:
        raise ValidationFailed(_("The delivery window ends before it starts."), code="reversed",
                               field="delivery_to")
    for name, value in codes.items():
        setattr(profile, name, value)
    profile.volume_min_mt = fields.volume_min_mt
    profile.volume_max_mt = fields.volume_max_mt
    profile.shipment_min_mt = fields.shipment_min_mt
    profile.min_iso_grade = fields.min_iso_grade or None
    profile.min_fermented_pct = fields.min_fermented_pct
    profile.max_moisture_pct = fields.max_moisture_pct
    profile.price_ceiling_usd_per_mt = fields.price_ceiling_usd_per_mt
    profile.delivery_from = fields.delivery_from
    profile.delivery_to = fields.delivery_to
    profile.eudr_required = bool(fields.eudr_required)
    return profile


def fields_of(profile: BuyerProfile) -> DemandFields:
    """The profile's demand as editable fields (to fill a form or answer the API)."""
    return DemandFields(
        product_forms=profile.product_form_codes, volume_min_mt=_dec(profile.volume_min_mt),
        volume_max_mt=_dec(profile.volume_max_mt), shipment_min_mt=_dec(profile.shipment_min_mt),
        min_iso_grade=profile.min_iso_grade, min_fermented_pct=_dec(profile.min_fermented_pct),
        max_moisture_pct=_dec(profile.max_moisture_pct),
        certifications=profile.certification_codes, flavours=profile.flavour_codes,
        genetics=profile.genetics_codes, incoterms=profile.incoterm_codes,
        price_ceiling_usd_per_mt=_dec(profile.price_ceiling_usd_per_mt),
        delivery_from=profile.delivery_from, delivery_to=profile.delivery_to,
        eudr_required=bool(profile.eudr_required), languages=profile.language_codes,
    )
