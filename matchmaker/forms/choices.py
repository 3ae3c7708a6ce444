"""Choice lists for forms, translated at render time."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from matchmaker.lotsheet.vocab import CERT_SCHEME


def select_choices(pairs) -> list[SelectChoice]:
    """(code, label) pairs as WTForms choices (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(code, label) for code, label in pairs]


BUYER_TYPES = [
    ("importer", _l("Importer")),
    ("chocolate_maker", _l("Chocolate maker")),
    ("trader", _l("Trader")),
    ("roaster", _l("Roaster / processor")),
    ("retailer", _l("Retailer")),
    ("other", _l("Other")),
]

# Same codes as the lot certificates, so buyers' needs can be matched against lots.
CERTIFICATIONS = [(c.code, _l(c.label)) for c in CERT_SCHEME if c.code != "other"]

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


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries with names in the visitor's language, sorted by name."""
    locale = get_locale()
    territories = locale.territories if locale else {}
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in ("ZZ", "EU", "UN", "EZ", "QO", "XA", "XB", "XK")]
    return sorted(((c, territories[c]) for c in codes), key=lambda pair: pair[1])


def country_name(code: str) -> str:
    locale = get_locale()
    return (locale.territories.get(code) if locale else None) or code
