"""The OpenAPI 3.1 description of the API, written by hand: lots and offers (read-only), and
the signed-in buyer's demand (read and write) and recommendations.

A test checks that every documented parameter is accepted and that responses carry the
documented top-level properties, so this stays honest as the API changes.
"""

from __future__ import annotations

from matchmaker.labels import LANGUAGES
from matchmaker.lotsheet.bounds import bound
from matchmaker.lotsheet.vocab import (
    CERT_SCHEME,
    GENETICS,
    INCOTERM,
    PRICE_BASIS,
    PRICE_MARKET,
    PRICE_PREMIUM,
    PRODUCT_FORM,
    RADAR_AXES,
)
from matchmaker.matching.vocab import BUYER_PRODUCT_FORM, FLAVOUR_INTEREST, ISO_GRADE_MINIMUM
from matchmaker.services.lots.catalogue import GRADES, MAX_PER_PAGE, SORTS

DECIMAL = {"type": ["string", "null"], "pattern": r"^-?\d+(\.\d+)?$",
           "description": "A decimal number written as a string, so no precision is lost."}


# Control characters (NUL, escape…) are refused with a 400 everywhere on the site.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _bounds(name: str) -> dict:
    """minimum and maximum of a number from the domain bounds the site enforces."""
    found = bound(name)
    return {"minimum": int(found.low), "maximum": int(found.high)}


def _query(name: str, schema: dict, description: str) -> dict:
    if schema.get("type") == "string" and "enum" not in schema:
        schema = {**schema, "pattern": NO_CONTROL_CHARACTERS}
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


LOT_FILTER_PARAMETERS = [
    _query("q", {"type": "string"},
           "Free text over names, lot code, organisation, community and notes "
           "(the first 100 characters)."),
    _query("event", {"type": "string"}, "Event slug: lots of organisations exhibiting there."),
    _query("organisation", {"type": "string"}, "Organisation slug."),
    _query("region", {"type": "string"}, "Region, e.g. Madre de Dios."),
    _query("product_form", {"type": "string", "enum": list(PRODUCT_FORM.codes)}, "Product form."),
    _query("genetics", {"type": "string", "enum": list(GENETICS.codes)}, "Genetic material."),
    _query("certification", {"type": "string", "enum": list(CERT_SCHEME.codes)},
           "A certificate of this scheme that is certified and valid today."),
    _query("min_grade", {"type": "string", "enum": list(GRADES)},
           "Minimum ISO 2451 grade of the latest analysis (I best)."),
    _query("min_volume_kg", {"type": "number", **_bounds("volume_kg")},
           "Minimum available volume in kg."),
    _query("max_price_usd_mt", {"type": "number", **_bounds("price_usd_per_mt")},
           "Maximum indicative price in USD/MT (fixed price plus premium, or differential "
           "plus premium plus the fair's reference price). Lots without one are left out."),
    _query("flavour", {"type": "string", "enum": list(RADAR_AXES)},
           "Sensory attribute scored on the latest evaluation."),
    _query("flavour_min", {"type": "number", "minimum": 0, "maximum": 10},
           "Minimum intensity of `flavour` (default 1)."),
    _query("sort", {"type": "string", "enum": list(SORTS), "default": "newest"}, "Sort order."),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "default": 1},
           "Page number."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
           "Lots per page."),
]

LOT_SUMMARY = {
    "type": "object",
    "required": ["lot_code", "organisation", "product_form", "volume_kg", "url"],
    "properties": {
        "lot_code": {"type": "string"},
        "name_es": {"type": "string"},
        "name_en": {"type": "string"},
        "organisation": {"type": "object", "properties": {"name": {"type": "string"},
                                                          "slug": {"type": "string"}}},
        "product_form": {"type": "string"},
        "region": {"type": "string"},
        "community": {"type": "string"},
        "volume_kg": DECIMAL,
        "price_usd_per_mt": {**DECIMAL, "description": "A fixed price only; null for a "
                                                       "differential (see `price`)."},
        "price": {"$ref": "#/components/schemas/LotPrice"},
        "iso_grade": {"type": ["string", "null"], "enum": [*GRADES, None]},
        "global_quality": DECIMAL,
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "url": {"type": "string", "format": "uri"},
        "html_url": {"type": "string", "format": "uri"},
    },
}

LOT_PRICE = {
    "type": "object",
    "description": "The price as stated: fixed (USD/MT) or a differential (± USD/MT) to a "
                   "futures market for a contract month, optionally with a premium. "
                   "`indicative_usd_mt` adds the fair's dated reference price to a "
                   "differential; it is for sorting and comparing, not a quotation.",
    "properties": {
        "basis": {"type": "string", "enum": list(PRICE_BASIS.codes)},
        "fixed_usd_mt": DECIMAL,
        "differential_usd_mt": DECIMAL,
        "market": {"type": ["string", "null"], "enum": [*PRICE_MARKET.codes, None]},
        "market_other_es": {"type": ["string", "null"]},
        "market_other_en": {"type": ["string", "null"]},
        "contract_month_es": {"type": ["string", "null"]},
        "contract_month_en": {"type": ["string", "null"]},
        "premium_usd_mt": DECIMAL,
        "premium_kind": {"type": ["string", "null"], "enum": [*PRICE_PREMIUM.codes, None]},
        "indicative_usd_mt": DECIMAL,
        "indicative_reference": {"type": ["object", "null"], "properties": {
            "market": {"type": "string"}, "usd_mt": DECIMAL,
            "quoted_on": {"type": "string", "format": "date"},
            "gbp_t": {**DECIMAL, "description": "ICE London only: the price in GBP per tonne."},
            "usd_per_gbp": {**DECIMAL, "description": "ICE London only: the GBP→USD rate."},
            "rate_on": {"type": ["string", "null"], "format": "date",
                        "description": "ICE London only: the day of that rate."}}},
    },
}

LOT_SHEET = {
    "allOf": [{"$ref": "#/components/schemas/LotSummary"}],
    "type": "object",
    "properties": {
        **LOT_SUMMARY["properties"],
        "harvest_start": {"type": "string", "format": "date"},
        "harvest_end": {"type": "string", "format": "date"},
        "volume": {"type": "object", "description": "kg, MT, lb and quintales of 46 kg."},
        "packing": {"type": "object"},
        "hs_code": {"type": "string"},
        "origin": {"type": "object"},
        "description_es": {"type": "string"},
        "description_en": {"type": "string"},
        "warehouse_es": {"type": "string"},
        "warehouse_en": {"type": "string"},
        "fine_flavour_note_es": {"type": "string"},
        "fine_flavour_note_en": {"type": "string"},
        "genetics": {"type": "array", "items": {"type": "object"}},
        "post_harvest": {"type": "object"},
        "analysis": {"type": ["object", "null"],
                     "description": "Latest analysis with derived fermented %, grades, size."},
        "sensory": {"type": ["object", "null"], "description": "Latest sensory evaluation."},
        "certificates": {"type": "array", "items": {"type": "object"},
                         "description": "`state_today` is valid, expired, suspended, "
                                        "in_conversion or not_yet_valid."},
        "eudr": {"type": "object"},
        "terms": {"type": "object", "description": "Incoterm, USD/MT and USD/kg, MOQ, samples."},
    },
}

OFFER_PARAMETERS = [
    _query("min_mt", {"type": "number", **_bounds("buyer_volume_mt")},
           "Minimum approved volume in metric tonnes."),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1, "default": 1},
           "Page number."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 20},
           "Offers per page."),
]

OFFER_SUMMARY = {
    "type": "object",
    "required": ["offer_code", "cooperative", "volume_kg", "url"],
    "properties": {
        "offer_code": {"type": "string"},
        "name_es": {"type": "string"},
        "name_en": {"type": "string"},
        "cooperative": {"type": "object", "properties": {"name": {"type": "string"},
                                                         "slug": {"type": "string"}}},
        "volume_kg": {**DECIMAL, "description": "Kilograms the lots' owners approved."},
        "volume_mt": DECIMAL,
        "target_volume_kg": DECIMAL,
        "incoterm": {"type": "string"},
        "incoterm_place": {"type": "string"},
        "price_usd_per_mt": DECIMAL,
        "price_valid_until": {"type": ["string", "null"], "format": "date"},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "url": {"type": "string", "format": "uri"},
        "html_url": {"type": "string", "format": "uri"},
    },
}

OFFER_SHEET = {
    "allOf": [{"$ref": "#/components/schemas/OfferSummary"}],
    "type": "object",
    "properties": {
        **OFFER_SUMMARY["properties"],
        "description_es": {"type": "string"},
        "description_en": {"type": "string"},
        "exporter_of_record": {"type": "string"},
        "certificate_holder": {"type": "string"},
        "price_expired": {"type": "boolean"},
        "declared_grade": {"type": ["string", "null"], "enum": ["I", "II", "SS", None],
                           "description": "The ISO grade the cooperative promises."},
        "below_declared_grade": {"type": "boolean", "description": "True when a lot changed "
                                 "since and the blend's worst grade is below the declared one."},
        "quality_updated_on": {"type": ["string", "null"], "format": "date",
                               "description": "The day a lot's quality figures last changed "
                               "while the offer was published."},
        "volume": {"type": "object", "description": "kg, MT, whole bags (null when a lot gives "
                   "no bag weight), share of a 20-ft container and of the target, in %."},
        "blend": {"type": "object", "description": "Weighted moisture %, bean count and "
                  "fermented % of the analysed lots, worst ISO grade, lots without analysis."},
        "certifications": {"type": "array", "items": {"type": "object", "properties": {
            "scheme": {"type": "string", "enum": list(CERT_SCHEME.codes)},
            "scheme_other": {"type": "string"},
            "covered_kg": DECIMAL, "total_kg": DECIMAL,
            "covered_pct": {**DECIMAL, "description": "Rounded down: never 100 unless full."},
            "is_full": {"type": "boolean"},
            "holders": {"type": "array", "items": {"type": "string"}},
            "lot_codes": {"type": "array", "items": {"type": "string"}}}},
            "description": "Coverage per scheme by certificates valid today."},
        "contributions": {"type": "array", "items": {"type": "object"},
                          "description": "Each organisation's kg and share of the offer."},
        "lots": {"type": "array", "items": {"type": "object", "properties": {
            "lot_code": {"type": "string"}, "organisation": {"type": "string"},
            "kg": DECIMAL, "url": {"type": "string", "format": "uri"}}},
            "description": "Contributing lots with the kg each puts into the offer."},
        "production_period": {"type": "object", "properties": {
            "start": {"type": ["string", "null"], "format": "date"},
            "end": {"type": ["string", "null"], "format": "date"}}},
        "eudr": {"type": "object", "description": "Plot count, total area, completeness."},
    },
}

ERROR = {"type": "object", "properties": {"error": {"type": "object"}}, "required": ["error"]}

# A buyer's demand: the members of GET/PUT/PATCH /me/demand, with the demand form's bounds.
_DEMAND_CODES = {
    "product_forms": list(BUYER_PRODUCT_FORM.codes),
    "certifications": [c for c in CERT_SCHEME.codes if c != "other"],
    "flavours": list(FLAVOUR_INTEREST.codes),
    "genetics": list(GENETICS.codes),
    "incoterms": list(INCOTERM.codes),
    # The languages the buyer speaks: the same stored list as the profile form's.
    "languages": [code for code, _label in LANGUAGES],
}
_DEMAND_BOUNDS = {  # (low, high, what) as in matchmaker/forms/matching.py
    "volume_min_mt": (0, 1000000, "Volume per year, from (MT)."),
    "volume_max_mt": (0, 1000000, "Volume per year, up to (MT); not below volume_min_mt."),
    "shipment_min_mt": (0.01, 100000, "Volume per shipment, at least (MT)."),
    "min_fermented_pct": (0, 100, "Well and partly fermented beans, at least (%)."),
    "max_moisture_pct": (0.1, 100, "Moisture, at most (%)."),
    "price_ceiling_usd_per_mt": (1, 1000000, "Price ceiling (USD/MT)."),
}
_DATES = {"delivery_from": "Delivery window, from.",
          "delivery_to": "Delivery window, to; not before delivery_from."}
DEMAND = {
    "type": "object",
    "required": [*_DEMAND_CODES, *_DEMAND_BOUNDS, "min_iso_grade", *_DATES, "eudr_required"],
    "properties": {
        **{name: {"type": "array", "items": {"type": "string"}} for name in _DEMAND_CODES},
        **{name: {**DECIMAL, "description": what}
           for name, (_, _, what) in _DEMAND_BOUNDS.items()},
        "min_iso_grade": {"type": ["string", "null"], "enum": [*ISO_GRADE_MINIMUM.codes, None]},
        **{name: {"type": ["string", "null"], "format": "date", "description": what}
           for name, what in _DATES.items()},
        "eudr_required": {"type": "boolean"},
    },
}
DEMAND_CHANGE = {
    "type": "object",
    "additionalProperties": False,
    "description": "PUT: members left out are cleared; PATCH: only the members sent change. "
                   "Figures as JSON numbers or decimal strings (\"12.5\"); an unknown code is "
                   "refused with the code `bad_choice`, a figure out of its range or a reversed "
                   "range with `invalid`, each under `error.fields`.",
    "properties": {
        # Repeated codes are taken once.
        **{name: {"type": "array", "items": {"type": "string", "enum": codes}}
           for name, codes in _DEMAND_CODES.items()},
        # A string is read as the form reads what is typed ("12.5", "12,5"): one that is no
        # number, or out of the range, is a 422.
        **{name: {"anyOf": [{"type": "number", "minimum": low, "maximum": high},
                            {"type": "string"}, {"type": "null"}],
                  "description": f"{what} From {low} to {high}."}
           for name, (low, high, what) in _DEMAND_BOUNDS.items()},
        "min_iso_grade": {"type": ["string", "null"], "enum": [*ISO_GRADE_MINIMUM.codes, None]},
        **{name: {"type": ["string", "null"], "description": f"{what} YYYY-MM-DD (else a 422)."}
           for name, what in _DATES.items()},
        "eudr_required": {"type": "boolean"},
    },
}


# Why the stored locale and not Accept-Language: the API answers one signed-in person, whose
# choice of language (sign-up, profile, or the site's language switch when signed in) already
# words their pages and e-mails; a browser's or library's Accept-Language is often a machine
# default, and the site ranks it below that choice too.
RECOMMENDATIONS_LANGUAGE = (
    "The sentences (reasons, misses, notes, signals, excluded_by) are worded in the buyer's "
    "stored language, the \"Language of this site and our e-mails\" of their profile (es or "
    "en), with figures and dates in that language's style; Accept-Language is not used. The "
    "Content-Language header names the language. Changes in 1.3.0: these sentences were in "
    "English only; `languages` joined the demand.")


def _error(description: str) -> dict:
    """An error response with the API's JSON error body."""
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}}


def _demand_answer(description: str) -> dict:
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Demand"}}}}


def _demand_write(operation_id: str, summary: str) -> dict:
    """PUT or PATCH /me/demand: session cookie plus the X-CSRFToken header of the site's pages."""
    return {
        "operationId": operation_id,
        "summary": f"{summary} (session cookie and X-CSRFToken header, as the site's pages "
                   "send them)",
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/DemandChange"}}}},
        "responses": {
            "200": _demand_answer("The demand as stored"),
            "400": _error("Not a JSON object, an unknown member, a value of the wrong type, "
                          "or no valid CSRF token"),
            "401": _error("Not signed in"), "403": _error("Not a buyer"),
            "422": _error("A value the demand form refuses; `error.code` and `error.fields` "
                          "say which"),
        },
    }


def _page_of(item_ref: str) -> dict:
    """A paginated list response: data, total, page, per_page, pages and links."""
    return {
        "type": "object",
        "required": ["data", "total", "page", "per_page", "pages", "links"],
        "properties": {
            "data": {"type": "array", "items": {"$ref": item_ref}},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "links": {"type": "object", "properties": {
                k: {"type": ["string", "null"], "format": "uri"}
                for k in ("self", "first", "last", "prev", "next")}},
        },
    }


def build_openapi(server_url: str) -> dict:
    """The OpenAPI document, with `server_url` (…/api/v1) as its server."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "matchmaker lots API", "version": "1.3.0",
                 "description": "Read-only access to published cacao lots and their product "
                                "sheets, and to published consolidated offers; for a signed-in "
                                "buyer, their demand (read and write) and recommendations."},
        "servers": [{"url": server_url}],
        "paths": {
            "/lots": {"get": {
                "operationId": "listLots",
                "summary": "Published lots, filtered, sorted and paginated",
                "parameters": LOT_FILTER_PARAMETERS,
                "responses": {
                    "200": {"description": "A page of lots", "content": {"application/json": {
                        "schema": _page_of("#/components/schemas/LotSummary")}}},
                    "400": _error("A parameter was not understood"),
                },
            }},
            "/lots/{lot_code}": {"get": {
                "operationId": "getLot",
                "summary": "The full product sheet of one published lot, with derived values",
                "parameters": [{"name": "lot_code", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": NO_CONTROL_CHARACTERS}}],
                "responses": {
                    "200": {"description": "The sheet", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/LotSheet"}}}},
                    "400": _error("The code holds control characters"),
                    "404": _error("No published lot with this code"),
                },
            }},
            "/offers": {"get": {
                "operationId": "listOffers",
                "summary": "Published consolidated offers, largest approved volume first",
                "parameters": OFFER_PARAMETERS,
                "responses": {
                    "200": {"description": "A page of offers", "content": {"application/json": {
                        "schema": _page_of("#/components/schemas/OfferSummary")}}},
                    "400": _error("A parameter was not understood"),
                },
            }},
            "/offers/{offer_code}": {"get": {
                "operationId": "getOffer",
                "summary": "One published offer: volume, blend, certification coverage, lots",
                "parameters": [{"name": "offer_code", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": NO_CONTROL_CHARACTERS}}],
                "responses": {
                    "200": {"description": "The offer", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/OfferSheet"}}}},
                    "400": _error("The code holds control characters"),
                    "404": _error("No published offer with this code"),
                },
            }},
            "/me/demand": {
                "get": {
                    "operationId": "getMyDemand",
                    "summary": "What the signed-in buyer buys (session cookie; decimals as "
                               "strings)",
                    "responses": {
                        "200": _demand_answer("The demand"),
                        "401": _error("Not signed in"), "403": _error("Not a buyer"),
                    },
                },
                "put": _demand_write("replaceMyDemand", "Replace the signed-in buyer's demand"),
                "patch": _demand_write("changeMyDemand", "Change part of the signed-in buyer's "
                                                         "demand"),
            },
            "/me/recommendations": {"get": {
                "operationId": "getMyRecommendations",
                "summary": "The signed-in buyer's ranked lots and offers with reasons and misses",
                "description": RECOMMENDATIONS_LANGUAGE,
                "responses": {
                    "200": {"description": "Recommended and ruled-out supplies",
                            "headers": {"Content-Language": {
                                "description": "The language of the sentences: es or en.",
                                "schema": {"type": "string", "enum": ["es", "en"]}}},
                            "content": {"application/json": {"schema": {"type": "object"}}}},
                    "401": _error("Not signed in"), "403": _error("Not a buyer"),
                },
            }},
        },
        "components": {"schemas": {"LotSummary": LOT_SUMMARY, "LotPrice": LOT_PRICE,
                                   "LotSheet": LOT_SHEET,
                                   "OfferSummary": OFFER_SUMMARY, "OfferSheet": OFFER_SHEET,
                                   "Demand": DEMAND, "DemandChange": DEMAND_CHANGE,
                                   "Error": ERROR}},
    }
