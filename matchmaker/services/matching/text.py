"""Findings as sentences in the reader's language (figures and dates in the locale's style)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _

from matchmaker.matching import Finding, Label, Month
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


def finding_text(finding: Finding) -> str:
    """The finding in the current request's language."""
    params = {k: _param(v, _) for k, v in finding.params.items()}
    return _(finding.message) % params


def finding_text_plain(finding: Finding) -> str:
    """The finding in English with plain figures (the CLI's and scripts' `--json`)."""
    params = {k: _param(v, lambda s: s) for k, v in finding.params.items()}
    return finding.message % params
