"""Forms for consolidated offers: terms, lines, and the buyer's consolidation request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from matchmaker.forms.choices import select_choices
from matchmaker.forms.fields import DecimalInput
from matchmaker.input_guard import db_int
from matchmaker.lotsheet.vocab import CERT_SCHEME, GENETICS, INCOTERM, ISO_GRADE


def _translated(vocabulary) -> list[tuple[str, object]]:
    return select_choices((code, _l(label)) for code, label in vocabulary.choices())


class OfferForm(FlaskForm):
    """The offer's identity and commercial terms."""

    offer_code = StringField(_l("Offer code"), validators=[Optional(), Length(max=40)],
                             description=_l("Leave empty to get one like OF-AGROBOSQUE-26-001."))
    name_es = StringField(_l("Name (Spanish)"), validators=[Length(max=160)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=160)])
    description_es = TextAreaField(_l("Description (Spanish)"), validators=[Length(max=4000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=4000)])
    target_volume_kg = DecimalInput(
        _l("Target volume (kg)"), default=12500, bound="target_volume_kg",
        validators=[DataRequired()],
        description=_l("A 20-ft container holds about 12,500 kg of bagged beans."))
    incoterm = SelectField(_l("Incoterm"), choices=_translated(INCOTERM), default="FCA")
    incoterm_place = StringField(_l("Named place"), validators=[Length(max=120)])
    price_usd_per_mt = DecimalInput(_l("Price (USD per MT)"), bound="price_usd_per_mt",
                                    validators=[Optional()])
    price_valid_until = DateField(_l("Price valid until"), validators=[Optional()])
    exporter_of_record = StringField(_l("Exporter of record"), validators=[Length(max=160)])
    certificate_holder = StringField(_l("Certificate holder"), validators=[Length(max=160)])
    declared_grade = SelectField(
        _l("Declared ISO grade"), validators=[Optional()],
        choices=select_choices([("", _l("The blend's grade when published"))])
        + _translated(ISO_GRADE),
        description=_l("What buyers are promised. It cannot be better than the blend of the "
                       "approved lots; if a lot edit lowers the blend, buyers see both."))

    def validate_name_es(self, field) -> None:
        if not (field.data or "").strip() and not (self.name_en.data or "").strip():
            raise ValidationError(_l("Give the offer a name in at least one language."))

    def term_fields(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "name_es", "name_en", "description_es", "description_en", "target_volume_kg",
            "incoterm", "incoterm_place", "price_usd_per_mt", "price_valid_until",
            "exporter_of_record", "certificate_holder", "declared_grade")}


class LineForm(FlaskForm):
    """Put kg of a published lot into the offer."""

    lot_id = SelectField(_l("Lot"), coerce=db_int, validators=[DataRequired()])
    kg = DecimalInput(_l("Quantity (kg)"), bound="line_kg", validators=[DataRequired()])


class SuggestForm(FlaskForm):
    """What the buyer wants; read from the query string (GET), so no CSRF."""

    class Meta:
        csrf = False

    wanted_mt = DecimalInput(_l("Volume wanted (MT)"), bound="wanted_mt",
                             validators=[DataRequired()])
    certification = SelectField(_l("Certification required"), validators=[Optional()])
    min_grade = SelectField(_l("Minimum ISO grade"), validators=[Optional()], choices=select_choices([
        ("", _l("Any")), ("I", _l("Grade I")), ("II", _l("Grade II or better"))]))
    genetics = SelectField(_l("Genetics"), validators=[Optional()])
    max_price_usd_mt = DecimalInput(_l("Maximum price (USD per MT)"), bound="price_usd_per_mt",
                                    validators=[Optional()])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=80)])
    mode = RadioField(_l("Prefer"), default="price", choices=select_choices([
        ("price", _l("Lowest price")), ("grade", _l("Best grade"))]))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.certification.choices = select_choices([("", _l("Any"))]) + _translated(CERT_SCHEME)
        self.genetics.choices = select_choices([("", _l("Any"))]) + _translated(GENETICS)


class ConsolidationRequestForm(FlaskForm):
    """Send one request about the suggested lots; the constraints travel as hidden fields."""

    recipients = RadioField(_l("Send the request to"), default="cooperative", choices=select_choices([
        ("cooperative", _l("The cooperative that exports these lots")),
        ("associations", _l("Every association whose lot is included"))]))
    message = TextAreaField(_l("Message (optional)"), validators=[Length(max=2000)])
    query = HiddenField()


class SampleForm(FlaskForm):
    message = TextAreaField(_l("Message (optional)"), validators=[Length(max=2000)])
