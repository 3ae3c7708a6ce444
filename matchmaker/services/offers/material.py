"""What about a lot is *material* to an offer holding it: defined here, and only here.

A material figure is one a buyer prices or accepts a container on: the latest analysis's
moisture, fermentation, grade-relevant cut-test defects, bean count and cadmium, and the
latest sensory evaluation's global quality; the volume
and bag weight; each certification's status and validity; the price, Incoterm and place and
how long the price holds. Everything else (names, descriptions, photos, warehouse, …) is
cosmetic: editing it changes no offer and tells no one.

`lot_figures` reduces a lot to canonical strings (JSON-safe, locale-free), `differences`
compares two such snapshots and `shown` renders one value in the reader's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.labels import label, number
from matchmaker.lotsheet import quality, units
from matchmaker.models import Lot
from matchmaker.services.offers.blending import latest_analysis

QUALITY, VOLUME, CERTIFICATES, PRICE = "quality", "volume", "certificates", "price"
CERTIFICATE_PREFIX = "certificate:"


@dataclass(frozen=True)
class MaterialField:
    key: str
    label: object  # a lazy translated string
    kind: str  # QUALITY (dates the offer's quality), VOLUME, PRICE
    shape: str  # how `shown` renders the value


FIELDS: tuple[MaterialField, ...] = (
    MaterialField("moisture_pct", _l("Moisture"), QUALITY, "pct"),
    MaterialField("fermented_pct", _l("Fermented beans"), QUALITY, "pct"),
    MaterialField("iso_grade", _l("ISO grade"), QUALITY, "grade"),
    MaterialField("mouldy_pct", _l("Mouldy beans"), QUALITY, "pct"),
    MaterialField("slaty_pct", _l("Slaty beans"), QUALITY, "pct"),
    MaterialField("defective_pct", _l("Insect-damaged, germinated or flat beans"), QUALITY,
                  "pct"),
    MaterialField("bean_count", _l("Bean count"), QUALITY, "beans"),
    MaterialField("cadmium_mg_kg", _l("Cadmium"), QUALITY, "mg_kg"),
    MaterialField("global_quality", _l("Sensory global quality"), QUALITY, "score"),
    MaterialField("volume_kg", _l("Volume"), VOLUME, "kg"),
    MaterialField("net_kg_per_bag", _l("Net weight per bag"), VOLUME, "kg"),
    MaterialField("incoterm", _l("Incoterm"), PRICE, "incoterm"),
    MaterialField("incoterm_place", _l("Named place"), PRICE, "text"),
    MaterialField("price_usd_per_mt", _l("Fixed price"), PRICE, "usd_mt"),
    MaterialField("price_market", _l("Price market"), PRICE, "market"),
    MaterialField("ice_contract_month", _l("Contract month"), PRICE, "text"),
    MaterialField("price_differential_usd_mt", _l("Differential"), PRICE, "usd_mt"),
    MaterialField("price_premium_usd_mt", _l("Premium"), PRICE, "usd_mt"),
    MaterialField("price_valid_until", _l("Price valid until"), PRICE, "date"),
)
_BY_KEY = {f.key: f for f in FIELDS}


def _plain(value) -> str:
    """A number as a canonical string: 3000.00 → "3000", 7.10 → "7.1"."""
    if value is None:
        return ""
    text = f"{Decimal(value).normalize():f}"
    return text


def _pct(count: int, n: int) -> str:
    return _plain(units.round_half_up(Decimal(count) * 100 / n, 1)) if n else ""


def _certificate_figures(lot: Lot) -> dict[str, str]:
    """Per scheme, the best certificate's status and validity ("certified|2026-01-01|2027-03-31")."""
    best: dict[str, tuple] = {}
    for certificate in lot.certificates:
        scheme = certificate.scheme
        if scheme == "other":
            scheme = f"other:{(certificate.scheme_other or '').strip()}"
        rank = (certificate.status == "certified", certificate.valid_to or date.min)
        if scheme not in best or rank > best[scheme][0]:
            best[scheme] = (rank, f"{certificate.status}|{certificate.valid_from or ''}|"
                                  f"{certificate.valid_to or ''}")
    return {CERTIFICATE_PREFIX + scheme: value for scheme, (_rank, value) in best.items()}


def lot_figures(lot: Lot) -> dict[str, str]:
    """The lot's material figures as canonical strings ("" when not stated)."""
    figures = dict.fromkeys(_BY_KEY, "")
    analysis = latest_analysis(lot)
    if analysis is not None:
        n = analysis.cut_test_n or 0
        figures.update(
            moisture_pct=_plain(units.round_half_up(analysis.moisture_pct, 1)),
            fermented_pct=_plain(units.round_half_up(analysis.fermented_pct, 1)),
            iso_grade=analysis.iso_grade or "",
            mouldy_pct=_pct(analysis.mouldy or 0, n),
            slaty_pct=_pct(analysis.slaty or 0, n),
            defective_pct=_pct((analysis.insect_damaged or 0) + (analysis.germinated or 0)
                               + (analysis.flat or 0), n),
            bean_count=_plain(analysis.bean_count_per_100g),
            cadmium_mg_kg=_plain(analysis.cadmium_mg_kg),
        )
    figures["global_quality"] = _plain(lot.latest_global_quality)
    for name in ("volume_kg", "net_kg_per_bag", "price_usd_per_mt", "price_differential_usd_mt",
                 "price_premium_usd_mt"):
        figures[name] = _plain(getattr(lot, name))
    for name in ("incoterm", "incoterm_place", "price_market"):
        figures[name] = (getattr(lot, name) or "").strip()
    # The seller types the contract month in Spanish and English; the Spanish one is the
    # reference (as on the printed sheet), the English one a translation of it.
    figures["ice_contract_month"] = (lot.ice_contract_month_es or "").strip()
    figures["price_valid_until"] = lot.price_valid_until.isoformat() if lot.price_valid_until \
        else ""
    figures.update(_certificate_figures(lot))
    return figures


def dump(figures: dict[str, str]) -> str:
    return json.dumps(figures, sort_keys=True)


def load(text: str) -> dict[str, str] | None:
    """A stored snapshot, or None when none was taken yet."""
    return json.loads(text) if text else None


@dataclass(frozen=True)
class Difference:
    key: str
    old: str
    new: str


def differences(before: dict[str, str], after: dict[str, str]) -> list[Difference]:
    """Material figures that differ, in the order of FIELDS, certificates last."""
    keys = [f.key for f in FIELDS] + sorted(
        k for k in set(before) | set(after) if k.startswith(CERTIFICATE_PREFIX))
    return [Difference(k, before.get(k, ""), after.get(k, "")) for k in keys
            if before.get(k, "") != after.get(k, "")]


def kind_of(key: str) -> str:
    return CERTIFICATES if key.startswith(CERTIFICATE_PREFIX) else _BY_KEY[key].kind


def is_quality(key: str) -> bool:
    """Whether a change to `key` dates the offer's quality ("quality updated on …")."""
    return kind_of(key) == QUALITY


def field_label(key: str) -> str:
    if key.startswith(CERTIFICATE_PREFIX):
        scheme = key[len(CERTIFICATE_PREFIX):]
        name = scheme.split(":", 1)[1] if scheme.startswith("other:") else label(
            "cert_scheme", scheme)
        return _("Certificate %(scheme)s", scheme=name)
    field = _BY_KEY.get(key)
    return str(field.label) if field else key


def shown(key: str, value: str) -> str:
    """One stored figure as the reader reads it: "9.5 %", "Grade II", "USD 3,900 / MT"."""
    if value == "":
        return "—"
    if key.startswith(CERTIFICATE_PREFIX):
        status, start, end = (value.split("|") + ["", ""])[:3]
        text = label("cert_status", status)
        if start and end:
            text = _("%(status)s, valid %(start)s – %(end)s", status=text,
                     start=format_date(date.fromisoformat(start)),
                     end=format_date(date.fromisoformat(end)))
        return text
    shape = _BY_KEY[key].shape if key in _BY_KEY else "text"
    if shape == "pct":
        return f"{number(Decimal(value), 1)} %"
    if shape == "grade":
        return label("iso_grade", value)
    if shape == "beans":
        return _("%(count)s beans / 100 g", count=number(Decimal(value), 0))
    if shape == "score":
        return f"{number(Decimal(value), 1)} / 10"
    if shape == "mg_kg":
        return f"{number(Decimal(value))} mg/kg"
    if shape == "kg":
        kg = Decimal(value)
        return f"{number(kg, 0 if kg == kg.to_integral_value() else 2)} kg"
    if shape == "usd_mt":
        return _("USD %(price)s / MT", price=number(Decimal(value), 0))
    if shape == "incoterm":
        return label("incoterm", value)
    if shape == "market":
        return label("price_market", value)
    if shape == "date":
        return format_date(date.fromisoformat(value))
    return value


def grade_below(declared: str | None, current: str | None) -> bool:
    """Whether a blend graded `current` has left the `declared` grade (I > II > SS)."""
    return bool(declared and current
                and quality.grade_rank(current) > quality.grade_rank(declared))
