"""Lead forms: list filters, a rep's assessment of a lead, and manual badge entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from matchmaker.forms.accounts import MultiCheckboxField
from matchmaker.forms.choices import select_choices
from matchmaker.input_guard import db_int
from matchmaker.services.leads.labels import RATING_LABELS, SOURCE_LABELS


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class LeadFilterForm(FlaskForm):
    """Filters in the query string; GET forms carry no CSRF token."""

    class Meta:
        csrf = False

    event = SelectField(_l("Event"), coerce=_int_or_none, validators=[Optional()])
    organisation = SelectField(_l("Organisation"), coerce=_int_or_none, validators=[Optional()])
    source = SelectField(_l("Source"), validators=[Optional()],
                         choices=select_choices([("", _l("Any")), *SOURCE_LABELS.items()]))
    rating = SelectField(_l("Rating"), validators=[Optional()],
                         choices=select_choices(
                             [("", _l("Any")), *RATING_LABELS.items(), ("none", _l("Not rated"))]))
    country = SelectField(_l("Country"), validators=[Optional()])
    date_from = DateField(_l("Contact from"), validators=[Optional()])
    date_to = DateField(_l("Contact until"), validators=[Optional()])

    def validate_date_to(self, field) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))


class LeadForm(FlaskForm):
    rating = RadioField(_l("Rating"), choices=select_choices([("", _l("Not rated")), *RATING_LABELS.items()]),
                        default="", validators=[Optional()])
    tags = StringField(_l("Tags"), validators=[Length(max=400)],
                       description=_l("Separate tags with commas, e.g. organic, fine flavour."))
    lots = MultiCheckboxField(_l("Lots of interest"), coerce=db_int, validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])
    follow_up_action = StringField(_l("Follow-up action"), validators=[Length(max=255)])
    follow_up_due = DateField(_l("Follow-up due"), validators=[Optional()])
    submit = SubmitField(_l("Save lead"))


class BadgeCodeForm(FlaskForm):
    code = StringField(_l("Badge code"), validators=[DataRequired(), Length(max=300)],
                       description=_l("The code printed under the QR (like K7MQ-2XRD, in any "
                                      "case), or the whole link."))
    submit = SubmitField(_l("Add lead"))
