"""Import an event's exhibitors (organisations and reps) or buyers from a registration sheet.

`plan` is the dry run: for every row it says what would be created, updated or left as it
is, or why it is refused, and writes nothing. `apply` carries a plan out in the caller's
transaction (the view or CLI commits once, or rolls everything back). People are matched by
e-mail, organisations by RUC then name, so importing the same file again changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from babel import Locale
from email_validator import EmailNotValidError, validate_email

from matchmaker.extensions import db
from matchmaker.importing.fields import FIELDS, missing_required, normalise_header
from matchmaker.importing.reading import Table
from matchmaker.labels import LANGUAGES
from matchmaker.lotsheet.vocab import N_
from matchmaker.models import (
    BuyerProfile,
    Event,
    Exhibitor,
    ImportMapping,
    Organisation,
    Role,
    User,
)
from matchmaker.phones import to_e164
from matchmaker.services import accounts
from matchmaker.services.events import register_exhibitor
from matchmaker.services.imports.invitations import send_invitation, unusable_password
from matchmaker.services.organisations import save_organisation

CREATE, UPDATE, UNCHANGED, REFUSE = "create", "update", "unchanged", "refuse"

SPANISH_SPEAKING = {"AR", "BO", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GT", "HN", "MX",
                    "NI", "PA", "PE", "PR", "PY", "SV", "UY", "VE"}
BUYER_TYPES = {"importer": ("importer", "importador", "import"),
               "chocolate_maker": ("chocolate maker", "chocolatero", "chocolate", "bean to bar"),
               "trader": ("trader", "comerciante", "broker", "trading"),
               "roaster": ("roaster", "processor", "procesador", "tostador"),
               "retailer": ("retailer", "minorista", "tienda", "shop")}
CERTIFICATION_WORDS = {"eu_organic": ("eu organic", "organico ue", "organic eu", "bio", "ue"),
                       "usda_nop": ("nop", "usda"), "jas": ("jas",),
                       "fairtrade": ("fairtrade", "fair trade", "comercio justo", "flo"),
                       "rainforest_alliance": ("rainforest", "rainforest alliance", "ra")}
FORM_WORDS = {"dry_fermented": ("beans", "grano", "granos", "cacao en grano", "dry fermented",
                                "grano seco"),
              "wet": ("wet", "baba", "cacao en baba"), "nibs": ("nibs", "nib"),
              "liquor": ("liquor", "licor", "pasta", "mass", "masa"),
              "butter": ("butter", "manteca"), "powder": ("powder", "polvo")}
# Spoken languages: the codes of the profile's list; their names are added from babel below.
EXTRA_LANGUAGE_WORDS = {"es": ("castellano",), "zh": ("mandarin",)}
YES = {"yes", "y", "si", "s", "true", "1", "x"}


@dataclass(frozen=True)
class Problem:
    """Why a row is refused: an untranslated message and its parameters."""

    code: str
    message: str
    params: dict = field(default_factory=dict)


def problem_text(problem: Problem) -> str:
    """The refusal in the reader's language."""
    from flask_babel import gettext as _

    params = {k: _(v) if k == "field" else v for k, v in problem.params.items()}
    return _(problem.message) % params


@dataclass
class RowPlan:
    """What one row of the sheet will do."""

    number: int  # as the spreadsheet numbers it (the header is row 1)
    action: str
    label: str
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # field codes that will change
    values: dict = field(default_factory=dict)


@dataclass
class ImportPlan:
    kind: str
    rows: list[RowPlan]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in (CREATE, UPDATE, UNCHANGED, REFUSE)}


# Values ----------------------------------------------------------------------------------

def _country_codes() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in ("en", "es"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[normalise_header(name)] = code
    return names


_COUNTRIES: dict[str, str] | None = None


def country_code(value: str) -> str | None:
    """ISO code from "PE", "Perú", "Peru" or "Germany"/"Alemania"; None when unknown."""
    global _COUNTRIES
    if _COUNTRIES is None:
        _COUNTRIES = _country_codes()
    text = value.strip()
    if len(text) == 2 and text.upper() in _COUNTRIES.values():
        return text.upper()
    return _COUNTRIES.get(normalise_header(text))


def _words(value: str) -> list[str]:
    return [normalise_header(part) for part in re.split(r"[,;/|\n]+", value) if part.strip()]


def _codes(value: str, table: dict[str, tuple[str, ...]]) -> tuple[list[str], list[str]]:
    found, unknown = [], []
    for word in _words(value):
        code = next((c for c, words in table.items() if word == c or word in words), None)
        if code is None:
            unknown.append(word)
        elif code not in found:
            found.append(code)
    return found, unknown


def _language_words() -> dict[str, tuple[str, ...]]:
    """code → its names in English, Spanish and its own language ("de": german, aleman,
    deutsch), normalised like the cells they are compared with."""
    table = {}
    for code, _label in LANGUAGES:
        names = {Locale.parse(lang).languages.get(code, "") for lang in ("en", "es", code)}
        words = {normalise_header(name) for name in names} | set(EXTRA_LANGUAGE_WORDS.get(code, ()))
        table[code] = tuple(sorted(w for w in words if w))  # 日本語 normalises to nothing
    return table


_LANGUAGE_WORDS: dict[str, tuple[str, ...]] | None = None


def language_codes(value: str) -> list[str]:
    """Spoken-language codes from "English; Español; Deutsch" or "en, es"; unknown words are
    left out, as unknown certifications are."""
    global _LANGUAGE_WORDS
    if _LANGUAGE_WORDS is None:
        _LANGUAGE_WORDS = _language_words()
    return _codes(value, _LANGUAGE_WORDS)[0]


def _decimal(value: str) -> Decimal | None:
    text = value.strip().replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 12,5 as Spanish spreadsheets write it
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def _email(value: str) -> str | None:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _phone(value: str, country: str | None, row: RowPlan) -> str:
    """The number in E.164 ("" when the cell is empty); a problem on the row when invalid."""
    if not value.strip():
        return ""
    e164 = to_e164(value, country or "PE")
    if e164 is None:
        row.problems.append(Problem("bad_phone", N_("The phone number \"%(value)s\" is not "
                                                    "valid."), {"value": value}))
        return ""
    return e164


def _locale(value: str, country: str | None) -> str:
    text = normalise_header(value)
    if text in ("es", "espanol", "spanish", "castellano"):
        return "es"
    if text in ("en", "english", "ingles"):
        return "en"
    return "es" if country in SPANISH_SPEAKING else "en"


# Planning --------------------------------------------------------------------------------

def _value(record: dict[str, str], mapping: dict[str, str], code: str) -> str:
    header = mapping.get(code)
    return (record.get(header) or "").strip() if header else ""


def _buyer_row(number: int, record: dict, mapping: dict, seen: set[str]) -> RowPlan:
    get = lambda code: _value(record, mapping, code)  # noqa: E731 - a local shorthand
    email_text = get("email")
    row = RowPlan(number, CREATE, email_text or get("name"))
    email = _email(email_text)
    if email is None:
        row.problems.append(Problem("bad_email", N_("The e-mail address \"%(value)s\" is not "
                                                    "valid."), {"value": email_text}))
    elif email in seen:
        row.problems.append(Problem("duplicate", N_("%(value)s appears twice in the file."),
                                    {"value": email}))
    country_text = get("country")
    country = country_code(country_text) if country_text else None
    if country is None:
        row.problems.append(Problem("unknown_country", N_("Unknown country \"%(value)s\"."),
                                    {"value": country_text}))
    for code, label in (("name", N_("name")), ("company", N_("company"))):
        if not get(code):
            row.problems.append(Problem("missing", N_("The %(field)s is missing."),
                                        {"field": label}))
    phone = _phone(get("phone"), country, row)
    forms, _ = _codes(get("product_forms"), FORM_WORDS)
    certifications, _ = _codes(get("certifications"), CERTIFICATION_WORDS)
    kind = normalise_header(get("buyer_type"))
    buyer_type = next((c for c, words in BUYER_TYPES.items() if kind == c or kind in words),
                      "other")
    row.values = {
        "email": email, "name": get("name"), "company": get("company"), "country": country,
        "buyer_type": buyer_type, "phone": phone,
        "locale": _locale(get("locale"), country), "product_forms": ",".join(forms),
        "certifications_needed": ",".join(certifications),
        "volume_max_mt": _decimal(get("volume_year_mt")),
        "shipment_min_mt": _decimal(get("shipment_min_mt")) or None,
        "eudr_required": normalise_header(get("eudr_required")) in YES,
        "languages": ",".join(language_codes(get("languages"))),
    }
    if email:
        seen.add(email)
    if row.problems:
        row.action = REFUSE
        return row
    existing = accounts.find_user_by_email(email)
    if existing is None:
        return row
    if not existing.is_buyer or existing.buyer_profile is None:
        row.action = REFUSE
        row.problems.append(Problem("other_role", N_("%(value)s already has an account that is "
                                                     "not a buyer's."), {"value": email}))
        return row
    row.changes = _buyer_changes(existing, row.values)
    row.action = UPDATE if row.changes else UNCHANGED
    return row


def _buyer_changes(user: User, values: dict) -> list[str]:
    profile = user.buyer_profile
    current = {"name": user.name, "phone": user.phone, "company": profile.company,
               "country": profile.country, "buyer_type": profile.buyer_type,
               "product_forms": profile.product_forms,
               "certifications_needed": profile.certifications_needed,
               "volume_max_mt": profile.volume_max_mt, "shipment_min_mt": profile.shipment_min_mt,
               "eudr_required": bool(profile.eudr_required), "languages": profile.languages}
    changes = []
    for key, now in current.items():
        new = values[key]
        if key in ("phone", "product_forms", "certifications_needed", "volume_max_mt",
                   "shipment_min_mt", "buyer_type", "languages") and not new:
            continue  # an empty cell never erases what the buyer typed on the site
        if key == "eudr_required" and not new:
            continue
        if isinstance(now, Decimal | float | int) and not isinstance(now, bool) and new is not None:
            if Decimal(str(now)) != Decimal(str(new)):
                changes.append(key)
        elif now != new:
            changes.append(key)
    return changes


def _find_organisation(name: str, ruc: str) -> Organisation | None:
    if ruc:
        found = db.session.scalar(db.select(Organisation).where(Organisation.ruc == ruc))
        if found is not None:
            return found
    return db.session.scalar(db.select(Organisation).where(
        db.func.lower(Organisation.name) == name.lower()))


def _exhibitor_row(event: Event, number: int, record: dict, mapping: dict,
                   seen: set[str], booths: dict[str, str]) -> RowPlan:
    get = lambda code: _value(record, mapping, code)  # noqa: E731
    email_text = get("rep_email")
    row = RowPlan(number, CREATE, f"{get('organisation_name')} · {email_text}")
    email = _email(email_text)
    if email is None:
        row.problems.append(Problem("bad_email", N_("The e-mail address \"%(value)s\" is not "
                                                    "valid."), {"value": email_text}))
    elif email in seen:
        row.problems.append(Problem("duplicate", N_("%(value)s appears twice in the file."),
                                    {"value": email}))
    for code, label in (("organisation_name", N_("organisation name")),
                        ("rep_name", N_("representative's name"))):
        if not get(code):
            row.problems.append(Problem("missing", N_("The %(field)s is missing."),
                                        {"field": label}))
    ruc = re.sub(r"\D", "", get("ruc"))
    if ruc and len(ruc) != 11:
        row.problems.append(Problem("bad_ruc", N_("A RUC has 11 digits: \"%(value)s\"."),
                                    {"value": get("ruc")}))
    rep_phone = _phone(get("rep_phone"), "PE", row)
    kind_text = normalise_header(get("organisation_kind"))
    booth = get("booth").upper()[:20]
    row.values = {
        "organisation_name": get("organisation_name"), "ruc": ruc or None,
        "kind": "cooperative" if kind_text.startswith("coop") else "association",
        "region": get("region"), "province": get("province"), "community": get("community"),
        "booth": booth, "rep_name": get("rep_name"), "rep_email": email,
        "rep_phone": rep_phone, "locale": _locale(get("locale"), "PE"),
    }
    if email:
        seen.add(email)
    organisation = _find_organisation(get("organisation_name"), ruc) \
        if get("organisation_name") else None
    org_key = (organisation.id if organisation else get("organisation_name").lower())
    if booth:
        holder = booths.get(booth)
        if holder is not None and holder != org_key:
            row.problems.append(Problem("booth_taken", N_("Booth %(value)s is already taken."),
                                        {"value": booth}))
        else:
            booths[booth] = org_key
    if row.problems:
        row.action = REFUSE
        return row
    user = accounts.find_user_by_email(email)
    if user is not None and not (user.is_rep and organisation is not None
                                 and user.organisation_id == organisation.id):
        row.action = REFUSE
        row.problems.append(Problem("other_role", N_("%(value)s already has an account of another "
                                                     "organisation or role."), {"value": email}))
        return row
    if organisation is None:
        return row
    exhibiting = db.session.scalar(db.select(Exhibitor).where(
        Exhibitor.event_id == event.id, Exhibitor.organisation_id == organisation.id))
    changes = []
    if exhibiting is None or booth and exhibiting.booth != booth:
        changes.append("booth")
    if user is None:
        changes.append("rep")
    else:
        if user.name != row.values["rep_name"]:
            changes.append("rep_name")
        if row.values["rep_phone"] and user.phone != row.values["rep_phone"]:
            changes.append("rep_phone")
    row.changes = changes
    row.action = UPDATE if changes else UNCHANGED
    return row


def _occupied_booths(event: Event) -> dict[str, object]:
    return {booth: org_id for booth, org_id in db.session.execute(
        db.select(Exhibitor.booth, Exhibitor.organisation_id).where(Exhibitor.event_id == event.id))}


def plan(event: Event, kind: str, table: Table, mapping: dict[str, str]) -> ImportPlan:
    """The dry run: what every row would do. Writes nothing."""
    missing = missing_required(kind, mapping)
    if missing:
        raise ValueError(f"unmapped required fields: {[f.code for f in missing]}")
    seen: set[str] = set()
    rows = []
    booths = _occupied_booths(event) if kind == "exhibitors" else {}
    with db.session.no_autoflush:
        for index, record in enumerate(table.records(), start=2):
            if kind == "buyers":
                rows.append(_buyer_row(index, record, mapping, seen))
            else:
                rows.append(_exhibitor_row(event, index, record, mapping, seen, booths))
    return ImportPlan(kind, rows)


# Applying --------------------------------------------------------------------------------

def _apply_buyer(row: RowPlan, event: Event) -> None:
    v = row.values
    if row.action == CREATE:
        user = accounts.register_buyer(accounts.BuyerSignup(
            name=v["name"], email=v["email"], password=unusable_password(), company=v["company"],
            country=v["country"], buyer_type=v["buyer_type"], volume_max_mt=v["volume_max_mt"],
            certifications_needed=[c for c in v["certifications_needed"].split(",") if c],
            phone=v["phone"], locale=v["locale"],
            languages=[c for c in v["languages"].split(",") if c]))
        profile = user.buyer_profile
        profile.product_forms = v["product_forms"]
        profile.shipment_min_mt = v["shipment_min_mt"]
        profile.eudr_required = v["eudr_required"]
        db.session.flush()
        send_invitation(user, event.name)
        return
    user = accounts.find_user_by_email(v["email"])
    profile: BuyerProfile = user.buyer_profile
    for key in row.changes:
        target = user if key in ("name", "phone") else profile
        setattr(target, key, v[key])


def _apply_exhibitor(row: RowPlan, event: Event) -> None:
    v = row.values
    organisation = _find_organisation(v["organisation_name"], v["ruc"] or "")
    if organisation is None:
        organisation = save_organisation(
            None, name=v["organisation_name"], kind=v["kind"], ruc=v["ruc"], region=v["region"],
            province=v["province"], community=v["community"], description_es="",
            description_en="", contact_email=v["rep_email"], contact_phone=v["rep_phone"],
            website="", cooperative_id=None)
    exhibiting = db.session.scalar(db.select(Exhibitor).where(
        Exhibitor.event_id == event.id, Exhibitor.organisation_id == organisation.id))
    if exhibiting is None:
        register_exhibitor(event, organisation, v["booth"] or f"S/N-{organisation.id}")
    elif v["booth"] and exhibiting.booth != v["booth"]:
        exhibiting.booth = v["booth"]
    user = accounts.find_user_by_email(v["rep_email"])
    if user is None:
        user = accounts.create_user(
            email=v["rep_email"], name=v["rep_name"], password=unusable_password(),
            role=Role.REP, organisation=organisation, locale=v["locale"], phone=v["rep_phone"])
        send_invitation(user, event.name)
        return
    user.name = v["rep_name"]
    if v["rep_phone"]:
        user.phone = v["rep_phone"]


def apply(event: Event, import_plan: ImportPlan) -> dict[str, int]:
    """Carry out the rows that create or update; refused and unchanged rows are skipped.

    Flushes, never commits: the caller commits once, or rolls back so nothing is half-written.
    """
    for row in import_plan.rows:
        if row.action not in (CREATE, UPDATE):
            continue
        if import_plan.kind == "buyers":
            _apply_buyer(row, event)
        else:
            _apply_exhibitor(row, event)
        db.session.flush()
    return import_plan.counts


# The remembered mapping ------------------------------------------------------------------

def remembered_mapping(event: Event, kind: str) -> dict[str, str]:
    saved = db.session.scalar(db.select(ImportMapping).where(
        ImportMapping.event_id == event.id, ImportMapping.kind == kind))
    return json.loads(saved.columns_json) if saved else {}


def remember_mapping(event: Event, kind: str, mapping: dict[str, str]) -> None:
    known = {f.code for f in FIELDS[kind]}
    clean = {code: header for code, header in mapping.items() if code in known and header}
    saved = db.session.scalar(db.select(ImportMapping).where(
        ImportMapping.event_id == event.id, ImportMapping.kind == kind))
    if saved is None:
        db.session.add(ImportMapping(event_id=event.id, kind=kind,
                                     columns_json=json.dumps(clean, ensure_ascii=False)))
    else:
        saved.columns_json = json.dumps(clean, ensure_ascii=False)
    db.session.flush()
