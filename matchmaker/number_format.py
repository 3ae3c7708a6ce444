"""Numbers in the visitor's locale that never fail on a stored value, however large.

Babel quantizes in the current decimal context (28 digits), so a stored 1e30 would raise
InvalidOperation and take the whole page down; these widen the context to fit the value,
and fall back to the plain digits if even that fails.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation, localcontext

import flask_babel


def format_decimal(value, *args, **kwargs) -> str:
    """Babel's format_decimal that never raises on a stored value, however large."""
    if value is None:
        return ""
    try:
        with localcontext() as ctx:
            ctx.prec = max(28, _digits(value) + 20)
            return flask_babel.format_decimal(value, *args, **kwargs)
    except (InvalidOperation, ValueError, TypeError, OverflowError):
        return str(value)


def format_percent(value, *args, **kwargs) -> str:
    """Babel's format_percent that never raises on a stored value."""
    if value is None:
        return ""
    try:
        with localcontext() as ctx:
            ctx.prec = max(28, _digits(value) + 20)
            return flask_babel.format_percent(value, *args, **kwargs)
    except (InvalidOperation, ValueError, TypeError, OverflowError):
        return str(value)


def _digits(value) -> int:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return number.adjusted() if number.is_finite() else 0
    except (InvalidOperation, ValueError, TypeError):
        return 0
