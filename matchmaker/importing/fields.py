"""The fields an import fills, and a first guess of which column feeds each one."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from matchmaker.lotsheet.vocab import N_


@dataclass(frozen=True)
class ImportField:
    code: str
    label: str
    required: bool
    synonyms: tuple[str, ...]  # normalised header words a registration form uses


EXHIBITOR_FIELDS = (
    ImportField("organisation_name", N_("Organisation name"), True,
                ("organisation", "organization", "organizacion", "asociacion", "empresa",
                 "razon social", "nombre organizacion", "organisation name")),
    ImportField("organisation_kind", N_("Association or cooperative"), False,
                ("kind", "tipo", "type", "tipo organizacion")),
    ImportField("ruc", N_("RUC"), False, ("ruc", "tax id")),
    ImportField("region", N_("Region"), False, ("region", "departamento")),
    ImportField("province", N_("Province"), False, ("province", "provincia")),
    ImportField("community", N_("Community"), False, ("community", "comunidad", "distrito")),
    ImportField("booth", N_("Booth"), False, ("booth", "stand", "puesto")),
    ImportField("rep_name", N_("Representative's name"), True,
                ("name", "nombre", "representante", "rep name", "contact name",
                 "nombre representante", "nombres y apellidos", "nombre completo")),
    ImportField("rep_email", N_("Representative's e-mail"), True,
                ("email", "e mail", "correo", "correo electronico", "mail")),
    ImportField("rep_phone", N_("Representative's phone"), False,
                ("phone", "telefono", "celular", "movil", "whatsapp", "mobile")),
    ImportField("locale", N_("Language (es/en)"), False, ("language", "idioma", "lang")),
)

BUYER_FIELDS = (
    ImportField("name", N_("Name"), True,
                ("name", "nombre", "nombres y apellidos", "full name", "nombre completo",
                 "contact name")),
    ImportField("email", N_("E-mail"), True,
                ("email", "e mail", "correo", "correo electronico", "mail")),
    ImportField("company", N_("Company"), True, ("company", "empresa", "organisation",
                                                  "organization", "razon social")),
    ImportField("country", N_("Country"), True, ("country", "pais")),
    ImportField("buyer_type", N_("Type of buyer"), False, ("buyer type", "type", "tipo",
                                                            "tipo de comprador")),
    ImportField("phone", N_("Phone"), False, ("phone", "telefono", "celular", "movil",
                                              "whatsapp", "mobile")),
    ImportField("locale", N_("Language (es/en)"), False, ("language", "idioma", "lang")),
    ImportField("product_forms", N_("Product forms"), False, ("product", "producto",
                                                              "product forms", "productos")),
    ImportField("certifications", N_("Certifications required"), False,
                ("certifications", "certificaciones", "certificacion", "certification")),
    ImportField("volume_year_mt", N_("Volume per year (MT)"), False,
                ("volume", "volumen", "volume per year", "volumen anual", "tm ano")),
    ImportField("shipment_min_mt", N_("Volume per shipment (MT)"), False,
                ("shipment", "embarque", "volume per shipment", "volumen por embarque")),
    ImportField("eudr_required", N_("EUDR required (yes/no)"), False, ("eudr",)),
    # Plural on purpose: "language"/"idioma" is the site's language (locale) above.
    ImportField("languages", N_("Languages spoken"), False,
                ("languages", "idiomas", "languages spoken", "spoken languages",
                 "idiomas que habla", "lenguas")),
)

FIELDS = {"exhibitors": EXHIBITOR_FIELDS, "buyers": BUYER_FIELDS}


def normalise_header(text: str) -> str:
    """Lower case, no accents, words only: "Correo electrónico:" → "correo electronico"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", plain.lower()))


def guess_mapping(kind: str, headers: list[str],
                  remembered: dict[str, str] | None = None) -> dict[str, str]:
    """field code → header: the remembered mapping where its headers still exist, else the
    first header whose normalised text equals (then contains) a synonym."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for code, header in (remembered or {}).items():
        if header in headers:
            result[code] = header
            used.add(header)
    normalised = {h: normalise_header(h) for h in headers}
    for exact in (True, False):
        for field in FIELDS[kind]:
            if field.code in result:
                continue
            for header, norm in normalised.items():
                if header in used or not norm:
                    continue
                hit = norm in field.synonyms if exact else any(
                    re.search(rf"\b{re.escape(s)}\b", norm) for s in field.synonyms)
                if hit:
                    result[field.code] = header
                    used.add(header)
                    break
    return result


def missing_required(kind: str, mapping: dict[str, str]) -> list[ImportField]:
    return [f for f in FIELDS[kind] if f.required and not mapping.get(f.code)]
