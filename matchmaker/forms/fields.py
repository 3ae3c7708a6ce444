"""Number fields that refuse what no real value can be: NaN, infinities, 1e-400, 1e30, and
integers beyond the database's range, each with a translated message.

Every numeric form field of the site is one of these, bounded by a name from
`matchmaker.lotsheet.bounds.BOUNDS`:

    price_usd_per_mt = DecimalInput(_l("Price"), bound="price_usd_per_mt",
                                    validators=[Optional()])
    bag_count = IntegerField(_l("Bags"), bound="bag_count", validators=[Optional()])
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField as _WTFormsIntegerField
from wtforms import StringField
from wtforms.validators import ValidationError

from matchmaker.input_guard import DB_INT_MAX, DB_INT_MIN
from matchmaker.lotsheet.bounds import Bound, bound, parse_filter_number, parse_number

NOT_A_NUMBER = _l("Enter a number, e.g. 7.5.")


def parse_decimal(text: str) -> Decimal:
    """A finite decimal of sane size from what a person typed (decimal comma allowed).

    Raises:
        ValueError: with a translated message, for text that is not such a number.
    """
    try:
        return parse_number(text)
    except ValueError as error:
        if str(error) == "out of range":
            raise ValueError(_l("This number is far too large or too small.")) from None
        raise ValueError(NOT_A_NUMBER) from None


def bounded_decimal(text: str | None, bound_name: str) -> Decimal | None:
    """A query-string filter number: None when empty, else inside the named bound.

    Raises:
        ValueError: for text that is not a number inside the bound.
    """
    if not (text or "").strip():
        return None
    return parse_filter_number(text, bound_name)


class InBounds:
    """Validator: the value lies inside the named domain bound."""

    def __init__(self, name: str, message=None):
        self.bound: Bound = bound(name)
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data is None or field.data in self.bound:
            return
        raise ValidationError(self.message or _l(
            "Enter a number from %(low)s to %(high)s.",
            low=format_decimal(self.bound.low), high=format_decimal(self.bound.high)))


def _with_bound(kwargs) -> dict:
    name = kwargs.pop("bound", None)
    if name:
        kwargs["validators"] = [*(kwargs.get("validators") or []), InBounds(name)]
    return kwargs


class DecimalInput(StringField):
    """A decimal number that also accepts a decimal comma (7,5), as typed in Peru; finite,
    of sane size, and inside its `bound` when one is named."""

    def __init__(self, *args, **kwargs):
        # A text input (type=number would refuse the comma) with the phone's numeric keypad.
        kwargs["render_kw"] = {"inputmode": "decimal", **(kwargs.get("render_kw") or {})}
        super().__init__(*args, **_with_bound(kwargs))

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            self.data = parse_decimal(valuelist[0])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        if isinstance(self.data, Decimal):
            return format(self.data.normalize(), "f") if self.data.is_finite() else ""
        return str(self.data)


class IntegerField(_WTFormsIntegerField):
    """WTForms' IntegerField, refusing what a PostgreSQL `integer` cannot hold (30-digit
    numbers), and inside its `bound` when one is named."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **_with_bound(kwargs))

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not DB_INT_MIN <= self.data <= DB_INT_MAX:
            self.data = None
            raise ValueError(_l("This number is far too large or too small."))
