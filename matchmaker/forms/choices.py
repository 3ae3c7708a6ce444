"""WTForms choices from the shared choice lists in `matchmaker.labels`."""

from __future__ import annotations

from wtforms import SelectChoice


def select_choices(pairs) -> list[SelectChoice]:
    """(code, label) pairs as WTForms choices (tuples are deprecated since WTForms 3.3)."""
    return [SelectChoice(code, label) for code, label in pairs]
