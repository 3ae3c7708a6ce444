"""Pure lot-sheet rules (units, quality, EUDR geolocation, radar, vocabularies); no Flask."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One coded finding; callers show `gettext(template, **params)` next to `field`/`feature`.

    `template` is English with `%(name)s` placeholders, marked with `N_` for extraction,
    so Flask-Babel's `gettext(p.template, **p.params)` translates and fills it in one call.
    Templates never contain a bare percent sign for the same reason.
    """

    code: str
    template: str
    field: str | None = None
    feature: int | str | None = None
    # Named `field` clashes with dataclasses.field inside this body, hence the module prefix.
    params: dict[str, Any] = dataclasses.field(default_factory=dict, hash=False)
    severity: Severity = "error"

    @property
    def message(self) -> str:
        """The default English text with params filled in."""
        return self.template % self.params if self.params else self.template

    @property
    def is_error(self) -> bool:
        """True for problems that block saving or export; warnings only inform."""
        return self.severity == "error"


def errors_only(problems: list[Problem]) -> list[Problem]:
    """The blocking subset of `problems`."""
    return [p for p in problems if p.is_error]
