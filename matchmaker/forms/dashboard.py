"""Forms of the dashboard area: meeting outcome, notification preferences, report language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from matchmaker.forms.accounts import MultiCheckboxField
from matchmaker.forms.choices import select_choices
from matchmaker.input_guard import db_int
from matchmaker.services.dashboard import DEAL_LABELS, INTEREST_LABELS, VOLUME_LABELS


class OutcomeForm(FlaskForm):
    """What a meeting produced; the rep's side also marks attendance."""

    attendance = RadioField(_l("Did the meeting take place?"), validators=[Optional()],
                            choices=select_choices([("held", _l("Held")),
                                                    ("no_show", _l("No-show"))]))
    interest_level = RadioField(_l("Interest"), validators=[DataRequired()], default="medium",
                                choices=select_choices(INTEREST_LABELS.items()))
    lot_ids = MultiCheckboxField(_l("Lots discussed"), coerce=db_int, validators=[Optional()])
    samples_requested = BooleanField(_l("Samples requested"))
    volume_range = SelectField(_l("Volume discussed"), validators=[Optional()],
                               choices=select_choices([("", _l("Not discussed")),
                                                       *VOLUME_LABELS.items()]))
    price_discussed = StringField(_l("Price discussed"), validators=[Optional(), Length(max=120)],
                                  description=_l("For example: 4,200 USD/t FOB Callao."))
    deal_value_range = SelectField(_l("Deal value"), validators=[Optional()],
                                   choices=select_choices([("", _l("No deal yet")),
                                                           *DEAL_LABELS.items()]))
    next_step = StringField(_l("Next step"), validators=[Optional(), Length(max=255)],
                            description=_l("For example: send 2 kg sample to Hamburg."))
    next_step_due = DateField(_l("Next step due"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])


class ReportForm(FlaskForm):
    """Which language the report is printed in (GET, no CSRF)."""

    class Meta:
        csrf = False

    lang = SelectField(_l("Language"), choices=select_choices([("es", "Español"), ("en", "English")]))


class CheckInForm(FlaskForm):
    """The entrance's manual entry: a badge code typed or read by a hand scanner."""

    # Hand-held scanners type like a keyboard: the field keeps the focus between badges.
    code = StringField(_l("Badge code"), validators=[DataRequired(), Length(max=300)],
                       render_kw={"autocomplete": "off", "autofocus": True})
    submit = SubmitField(_l("Check in"))
