"""Central refusals of hostile input, so no view has to remember them one by one.

- `<int:…>` URL parts above the database's integer range are a 404, not an overflow 500;
- NUL and other control characters in the query string, form fields or URL are a 400
  (PostgreSQL cannot store NUL, spreadsheets and SVG charts cannot hold the others);
- a JSON body that is not an object is a 400 before any view or form reads it;
- `db_int` is the `type=`/`coerce=` for integers from a request that reach a query.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

# PostgreSQL `integer`: every id and count column of the schema fits in it.
DB_INT_MAX = 2**31 - 1
DB_INT_MIN = -(2**31)
# C0 controls and DEL except tab, line feed and carriage return, which text areas send.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def db_int(value) -> int:
    """int() that refuses what the database cannot hold (ValueError, like int() itself)."""
    number = int(str(value).strip()) if not isinstance(value, int) else value
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError("integer out of range")
    return number


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` that does not match ids beyond the database range (a 404, not a 500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


class HostileInput(BadRequest):
    """A 400 whose page says what was wrong, in the visitor's language."""

    translated = True

    def __init__(self):
        from flask_babel import gettext

        super().__init__(gettext("The text you sent contains invisible control characters. "
                                 "Remove them and send it again."))


def has_control_characters(text: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(text))


def _check_request() -> None:
    if request.view_args and any(isinstance(v, str) and has_control_characters(v)
                                 for v in request.view_args.values()):
        raise HostileInput()
    sources = [request.args] if request.method == "GET" else [request.args, request.form]
    for values in sources:
        for key, value in values.items(multi=True):
            if has_control_characters(key) or has_control_characters(value):
                raise HostileInput()
    if request.method in ("POST", "PUT", "PATCH") and request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400)
        if _json_has_control_characters(body):
            raise HostileInput()


def _json_has_control_characters(value) -> bool:
    if isinstance(value, str):
        return has_control_characters(value)
    if isinstance(value, dict):
        return any(_json_has_control_characters(k) or _json_has_control_characters(v)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_control_characters(v) for v in value)
    return False


def init_app(app: Flask) -> None:
    """Register the bounded `int` converter (before any blueprint) and the request check."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(_check_request)
