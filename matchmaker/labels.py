"""How stored codes read to people: choice lists, vocabulary labels, countries, numbers.

Shared by services (exports, dashboards, PDFs), forms and templates, so that no service
has to import a form module. Labels are lazy and translated at render time.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.lotsheet import vocab
from matchmaker.number_format import format_decimal

BUYER_TYPES = [
    ("importer", _l("Importer")),
    ("chocolate_maker", _l("Chocolate maker")),
    ("trader", _l("Trader")),
    ("roaster", _l("Roaster / processor")),
    ("retailer", _l("Retailer")),
    ("other", _l("Other")),
]

# Same codes as the lot certificates, so buyers' needs can be matched against lots.
CERTIFICATIONS = [(c.code, _l(c.label)) for c in vocab.CERT_SCHEME if c.code != "other"]

LANGUAGES = [
    ("es", _l("Spanish")),
    ("en", _l("English")),
    ("pt", _l("Portuguese")),
    ("fr", _l("French")),
    ("de", _l("German")),
    ("it", _l("Italian")),
    ("nl", _l("Dutch")),
    ("ja", _l("Japanese")),
    ("zh", _l("Chinese")),
]

ORGANISATION_KINDS = [("association", _l("Association")), ("cooperative", _l("Cooperative"))]

SITE_LANGUAGES = [("es", "Español"), ("en", "English")]

TIMEZONES = [
    "America/Lima", "America/Bogota", "America/Guayaquil", "America/La_Paz",
    "America/Sao_Paulo", "America/Mexico_City", "America/New_York", "Europe/Madrid",
    "Europe/Amsterdam", "Europe/Berlin", "Europe/London", "Asia/Tokyo", "UTC",
]

# The lot-sheet vocabularies by the name templates and renderers use in label(name, code).
VOCABULARIES = {
    "product_form": vocab.PRODUCT_FORM, "bag_type": vocab.BAG_TYPE, "genetics": vocab.GENETICS,
    "production_system": vocab.PRODUCTION_SYSTEM, "processing_site": vocab.PROCESSING_SITE,
    "ferment_vessel": vocab.FERMENT_VESSEL, "dry_method": vocab.DRY_METHOD,
    "sensory_protocol": vocab.SENSORY_PROTOCOL, "cert_scheme": vocab.CERT_SCHEME,
    "cert_status": vocab.CERT_STATUS, "incoterm": vocab.INCOTERM,
    "price_basis": vocab.PRICE_BASIS, "price_market": vocab.PRICE_MARKET,
    "price_premium": vocab.PRICE_PREMIUM, "export_docs": vocab.EXPORT_DOCS,
    "iso_grade": vocab.ISO_GRADE, "trade_grade": vocab.TRADE_GRADE,
    "bean_size": vocab.BEAN_SIZE, "cut_test": vocab.CUT_TEST_CATEGORY,
    "sensory": vocab.SENSORY_CODES,
}

# Pseudo-territories that babel lists but nobody lives in.
_NOT_COUNTRIES = ("ZZ", "EU", "UN", "EZ", "QO", "XA", "XB", "XK")


def label(vocabulary: str, code: str | None) -> str:
    """The translated label of a stored code; an unknown code is shown as it is."""
    if not code:
        return ""
    try:
        return _(VOCABULARIES[vocabulary].label(code))
    except KeyError:
        return code


def number(value, places: int | None = None) -> str:
    """A decimal in the visitor's locale, e.g. 9.450,00 in Spanish."""
    if value is None:
        return "—"
    if places is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0")


def meeting_status_label(status: str) -> str:
    """A meeting status as participants read it."""
    return {
        "requested": _("Requested"), "proposed": _("New time proposed"),
        "accepted": _("Confirmed"), "declined": _("Declined"), "cancelled": _("Cancelled"),
        "expired": _("Expired"), "held": _("Held"), "no_show": _("No-show"),
    }.get(status, status)


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries with names in the visitor's language, sorted by name."""
    locale = get_locale()
    territories = locale.territories if locale else {}
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    language = locale.language if locale else "en"
    return sorted(((c, territories[c]) for c in codes),
                  key=lambda pair: collation_key(pair[1], language))


def collation_key(text: str, language: str = "en") -> tuple[str, str]:
    """A sort key that orders names as a reader expects, not by code point: accents and case
    count only to break ties (Bélgica before Bután, Åland before Albania), and in Spanish
    ñ is a letter of its own after n while ch and ll are not (modern Spanish).

    A stand-in for ICU collation: on all 256 CLDR country names it gives exactly ICU 72's
    "es" and "en" order (checked with PyICU 2.17). PyICU itself is not a dependency: it has
    no wheels, so every install would compile it against libicu-dev (~3 min here) for the
    same result."""
    folded = text.casefold()
    if language == "es":
        # Keep ñ apart before accents are stripped: "\x7f" sorts after every letter.
        folded = unicodedata.normalize("NFC", folded).replace("ñ", "n\x7f")
    base = "".join(ch for ch in unicodedata.normalize("NFKD", folded)
                   if not unicodedata.combining(ch))
    return base, text


def country_name(code: str) -> str:
    """The country's name in the visitor's language; an unknown code is shown as it is."""
    locale = get_locale()
    return (locale.territories.get(code) if locale else None) or code


def table_title(table) -> str:
    """A meeting table as a heading: its own label ("Virtual room") or "Table 3"; never
    "Table Virtual room"."""
    if table is None:
        return "—"
    return table.label or _("Table %(table)s", table=table.number)


# Legal forms and generic words that make names long without telling them apart.
_NOISE = re.compile(
    r"\b(S\.?\s?A\.?\s?C\.?|S\.?\s?A\.?\s?A\.?|S\.?\s?R\.?\s?L\.?|E\.?\s?I\.?\s?R\.?\s?L\.?|"
    r"S\.?\s?A\.?|Ltd\.?|LLC|Inc\.?|GmbH|B\.?V\.?|Limited|Ltda\.?)(?=\s|$|,)",
    re.IGNORECASE)
_ABBREVIATIONS = [
    (re.compile(r"\bCooperativa\s+Agraria\b", re.IGNORECASE), "Coop. Agr."),
    (re.compile(r"\bCooperativa\b", re.IGNORECASE), "Coop."),
    (re.compile(r"\bAsociaci[oó]n\b", re.IGNORECASE), "Asoc."),
    (re.compile(r"\bAssociation\b", re.IGNORECASE), "Assoc."),
    (re.compile(r"\bde\s+Productores\b", re.IGNORECASE), "de Prod."),
]


_LINKING_WORDS = {"de", "del", "la", "las", "los", "el", "y", "e", "of", "the", "and", "&", "du",
                  "des", "le", "et", "und", "der", "von"}


def short_name(name: str, limit: int = 22) -> str:
    """A name for a compact timetable cell: legal forms dropped, common words abbreviated,
    and a long name kept to its first word and its last ones, which tell associations apart
    ("Asociación Agroforestal … Nativa Infierno" → "Asoc. … Infierno"); the full name goes
    in the cell's title."""
    short = _NOISE.sub("", name)
    for pattern, abbreviation in _ABBREVIATIONS:
        short = pattern.sub(abbreviation, short)
    short = re.sub(r"\s+", " ", short).strip(" ,-")
    if not short:
        short = name.strip()
    if len(short) <= limit:
        return short
    words = short.split(" ")
    if len(words) == 1:
        return short[:limit - 1] + "…"
    head = words[0][:limit - 8]
    tail: list[str] = []
    for word in reversed(words[1:]):
        if len(head) + 3 + len(" ".join([word, *tail])) > limit:
            break
        tail.insert(0, word)
    while tail and tail[0].lower() in _LINKING_WORDS:
        tail.pop(0)  # "… del Tahuamanu" says no more than "… Tahuamanu"
    if not tail:
        tail = [words[-1][:max(1, limit - len(head) - 4)] + "…"]
    return f"{head} … {' '.join(tail)}"
