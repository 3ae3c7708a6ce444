"""Findings as sentences in the reader's language (figures and dates in the locale's style)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _

from matchmaker.matching import BUYER, REP, Finding, Label, Month
from matchmaker.number_format import format_decimal


def _param(value: object, translate) -> str:
    if isinstance(value, Label):
        return ", ".join(translate(part) for part in value.parts)
    if isinstance(value, Month):
        return value.day.strftime("%Y-%m")
    if isinstance(value, date):
        return format_date(value, "medium") if translate is _ else value.isoformat()
    if isinstance(value, Decimal | float | int) and not isinstance(value, bool):
        if translate is _:
            return format_decimal(value, format="#,##0.##")
        return f"{Decimal(str(value)).normalize():f}" if isinstance(value, Decimal) else str(value)
    return str(value)


def buyer_called(name: str | None) -> str:
    """How a rep's sentences name a buyer: the given name ("Anna"), else "the buyer"."""
    given = (name or "").split()
    return given[0] if given else _("the buyer")


def _worded(finding: Finding, params: dict, translate, audience: str, buyer: str | None) -> str:
    message = translate(finding.message_for(audience))
    if audience != REP:
        return message % params
    text = message % {**params, "buyer": buyer or translate("the buyer")}
    return text[:1].upper() + text[1:]  # "The buyer asked for a sample"


def finding_text(finding: Finding, audience: str = BUYER, buyer: str | None = None) -> str:
    """The finding in the current request's language, worded for `audience`: the buyer, or a
    rep (REP) reading about the buyer called `buyer` (see `buyer_called`)."""
    params = {k: _param(v, _) for k, v in finding.params.items()}
    return _worded(finding, params, _, audience, buyer)


def finding_text_plain(finding: Finding, audience: str = BUYER, buyer: str | None = None) -> str:
    """The finding in English with plain figures (the CLI's and scripts' `--json`)."""
    params = {k: _param(v, lambda s: s) for k, v in finding.params.items()}
    return _worded(finding, params, lambda s: s, audience, buyer)


def match_json(item, *, worded=finding_text_plain) -> dict:
    """A match as plain JSON: sentences in English with plain figures by default (the CLI's
    --json); the buyer's API passes `finding_text` to word them in the current locale."""
    return {
        "kind": item.supply.kind, "code": item.supply.code, "name": item.supply.name,
        "organisation": item.supply.organisation_name, "score": item.score,
        "reasons": [worded(f) for f in item.reasons],
        "misses": [worded(f) for f in item.misses],
        "notes": [worded(f) for f in item.notes],
        "signals": [worded(f) for f in item.signals],
        "excluded_by": [worded(f) for f in item.exclusions],
    }
