"""The buyer's demand form (profile page and sign-up's second step), and the same rules for
the JSON API (`PUT`/`PATCH /api/v1/me/demand`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateField, SelectField, SelectMultipleField, SubmitField
from wtforms.validators import NumberRange, Optional, ValidationError

from matchmaker.forms.accounts import MultiCheckboxField
from matchmaker.forms.choices import select_choices
from matchmaker.forms.fields import DecimalInput
from matchmaker.labels import CERTIFICATIONS, LANGUAGES
from matchmaker.lotsheet.vocab import GENETICS, INCOTERM
from matchmaker.matching.vocab import BUYER_PRODUCT_FORM, FLAVOUR_INTEREST, ISO_GRADE_MINIMUM


def _lazy(vocabulary, exclude=()):
    return select_choices((c.code, _l(c.label)) for c in vocabulary if c.code not in exclude)


# Top-level attributes only on the form (child notes stay available to the API and import).
_TOP_FLAVOURS = [c for c in FLAVOUR_INTEREST if "_" not in c.code or c.code == "caramel_panela"
                 or c.code in ("fresh_fruit", "browned_fruit")]


class DemandForm(FlaskForm):
    product_forms = MultiCheckboxField(_l("Product forms you buy"), choices=_lazy(BUYER_PRODUCT_FORM))
    volume_min_mt = DecimalInput(_l("Volume per year, from (MT)"),
                                 validators=[Optional(), NumberRange(min=0, max=1000000)])
    volume_max_mt = DecimalInput(_l("up to (MT)"),
                                 validators=[Optional(), NumberRange(min=0, max=1000000)])
    shipment_min_mt = DecimalInput(_l("Volume per shipment, at least (MT)"),
                                   validators=[Optional(), NumberRange(min=0.01, max=100000)],
                                   description=_l("A full container is about 12.5 MT."))
    min_iso_grade = SelectField(_l("Minimum ISO 2451 grade"),
                                choices=select_choices([("", _l("Any grade"))])
                                + _lazy(ISO_GRADE_MINIMUM))
    min_fermented_pct = DecimalInput(_l("Well and partly fermented beans, at least (%)"),
                                     validators=[Optional(), NumberRange(min=0, max=100)])
    max_moisture_pct = DecimalInput(_l("Moisture, at most (%)"),
                                    validators=[Optional(), NumberRange(min=0.1, max=100)])
    certifications = MultiCheckboxField(_l("Certifications you require"),
                                        choices=select_choices(CERTIFICATIONS))
    flavours = MultiCheckboxField(_l("Flavours you look for"),
                                  choices=select_choices((c.code, _l(c.label)) for c in _TOP_FLAVOURS))
    genetics = MultiCheckboxField(_l("Genetics of interest"), choices=_lazy(GENETICS))
    incoterms = MultiCheckboxField(_l("Incoterms you buy on"), choices=_lazy(INCOTERM))
    price_ceiling_usd_per_mt = DecimalInput(_l("Price ceiling (USD/MT)"),
                                            validators=[Optional(), NumberRange(min=1, max=1000000)])
    delivery_from = DateField(_l("Delivery window, from"), validators=[Optional()])
    delivery_to = DateField(_l("to"), validators=[Optional()])
    eudr_required = BooleanField(_l("I need EUDR geolocation and evidence (I import into the EU)"))
    # Same label as on the profile form: both edit the one stored list.
    languages = MultiCheckboxField(_l("Languages you speak"), choices=select_choices(LANGUAGES),
                                   description=_l("The same list as on your profile: a change "
                                                  "here changes it there too."))
    submit = SubmitField(_l("Save what I buy"))

    def validate_volume_max_mt(self, field) -> None:
        low = self.volume_min_mt.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("The upper volume must not be below the lower one."))

    def validate_delivery_to(self, field) -> None:
        start = self.delivery_from.data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The delivery window ends before it starts."))


# The API's members, by the JSON type each one takes (decimals as strings or numbers).
DEMAND_LISTS = ("product_forms", "certifications", "flavours", "genetics", "incoterms",
                "languages")
DEMAND_NUMBERS = ("volume_min_mt", "volume_max_mt", "shipment_min_mt", "min_fermented_pct",
                  "max_moisture_pct", "price_ceiling_usd_per_mt")
DEMAND_DATES = ("delivery_from", "delivery_to")
DEMAND_MEMBERS = (*DEMAND_LISTS, *DEMAND_NUMBERS, "min_iso_grade", *DEMAND_DATES,
                  "eudr_required")


def _codes_field() -> SelectMultipleField:
    # Codes are checked by the service, as for the import: one coded error (`bad_choice`)
    # naming the unknown codes, and every flavour code (the form shows the top-level ones).
    return SelectMultipleField(validate_choice=False)


class DemandApiForm(DemandForm):
    """The demand form's bounds and checks, filled from a JSON body (`demand_formdata`)."""

    class Meta:
        csrf = False  # CSRFProtect checks the request's X-CSRFToken header before the view

    product_forms = _codes_field()
    certifications = _codes_field()
    flavours = _codes_field()
    genetics = _codes_field()
    incoterms = _codes_field()
    languages = _codes_field()
    submit = None


def _form_value(name: str, value) -> list[str] | None:
    """`value` as the form would have received it, or None when its JSON type is wrong."""
    if name in DEMAND_LISTS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return list(value) if ok else None
    if name == "eudr_required":
        return None if not isinstance(value, bool) else (["y"] if value else [])
    if value is None:
        return [""] if name == "min_iso_grade" else []  # "Any grade", as the form sends it
    if name in DEMAND_DATES:
        if isinstance(value, date):
            return [value.isoformat()]
        return [value] if isinstance(value, str) else None
    if name in DEMAND_NUMBERS:
        if isinstance(value, Decimal):
            return [format(value, "f")]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return [str(value)]  # inf and 1e30 are then refused like typed text
        return [value] if isinstance(value, str) else None
    return [value] if isinstance(value, str) else None  # min_iso_grade


def demand_formdata(body: dict, current: dict) -> MultiDict:
    """Form data for `DemandApiForm`: the members of `body` over `current` (the stored demand
    for PATCH, nothing for PUT).

    Raises:
        ValueError: whose args[0] lists the members that are unknown or of the wrong JSON type.
    """
    wrong = [name for name in body if name not in DEMAND_MEMBERS]
    pairs = []
    for name in DEMAND_MEMBERS:
        values = _form_value(name, body[name] if name in body else current.get(name))
        if values is None:
            wrong.append(name)
        else:
            pairs.extend((name, v) for v in values)
    if wrong:
        raise ValueError(wrong)
    return MultiDict(pairs)
