"""Event and exhibitor forms for organisers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from matchmaker.forms.choices import select_choices
from matchmaker.forms.fields import DecimalInput
from matchmaker.input_guard import db_int
from matchmaker.labels import TIMEZONES


class EventForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=80)])
    venue = StringField(_l("Venue"), validators=[Length(max=160)])
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    timezone = SelectField(_l("Time zone"), choices=select_choices((z, z) for z in TIMEZONES), default="America/Lima")
    description_es = TextAreaField(_l("Description (Spanish)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    is_published = BooleanField(_l("Published (visible to visitors)"), default=True)
    ice_ny_usd_mt = DecimalInput(
        _l("ICE New York cocoa (USD per metric tonne)"), bound="reference_usd_mt",
        description=_l("The reference that turns differential prices into indicative ones, "
                       "e.g. the second-position close."))
    ice_ny_on = DateField(_l("ICE New York: date of that price"), validators=[Optional()])
    ice_london_gbp_t = DecimalInput(
        _l("ICE London cocoa (GBP per tonne)"), bound="reference_gbp_t",
        description=_l("As London quotes it, in pounds sterling; converted with the rate below."))
    ice_london_on = DateField(_l("ICE London: date of that price"), validators=[Optional()])
    usd_per_gbp = DecimalInput(_l("Exchange rate (US dollars per pound sterling)"),
                               bound="usd_per_gbp",
                               description=_l("e.g. 1.2650; turns the London price into USD."))
    usd_per_gbp_on = DateField(_l("Pound rate: date"), validators=[Optional()])
    pen_per_usd = DecimalInput(_l("Exchange rate (soles per US dollar)"), bound="pen_per_usd",
                               description=_l("e.g. 3.745; shown beside USD prices for "
                                              "Peruvian visitors."))
    pen_per_usd_on = DateField(_l("Exchange rate: date"), validators=[Optional()])
    submit = SubmitField(_l("Save event"))

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The event cannot end before it starts."))


class ExhibitorForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=db_int, validators=[DataRequired()])
    booth = StringField(_l("Booth"), validators=[DataRequired(), Length(max=20)])
    submit = SubmitField(_l("Register exhibitor"))
