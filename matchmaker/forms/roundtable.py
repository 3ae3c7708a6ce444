"""Roundtable forms: running the scheduler and adjusting its draft by hand.

The wish lists are one form with a radio group per participant, built in the view (the
number of rows depends on the event), so they are read straight from request.form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired, NumberRange

from matchmaker.forms.fields import IntegerField
from matchmaker.input_guard import db_int


class RunForm(FlaskForm):
    time_limit_s = IntegerField(
        _l("Time limit (seconds)"), default=10,
        validators=[InputRequired(), NumberRange(1, 600)],
        description=_l("The scheduler returns the best timetable found within this time, "
                       "with a bound showing how close it is to the best possible."),
    )
    must_place_all = BooleanField(
        _l("Every wished meeting must be placed"),
        description=_l("The scheduler then looks only at timetables that hold every wished "
                       "meeting, with the fewest waits between meetings, or tells you that "
                       "they cannot all fit. Without it, the least wanted meetings may be "
                       "left out to fit the most wanted ones."),
    )


def _int_or_none(value):
    return db_int(value) if value not in (None, "", "None") else None


class MoveForm(FlaskForm):
    draft_id = SelectField(_l("Meeting"), coerce=db_int,
                           validators=[InputRequired(_l("Choose a meeting."))])
    slot_id = SelectField(_l("New time"), coerce=db_int,
                          validators=[InputRequired(_l("Choose a time."))])
    table_id = SelectField(_l("Table"), coerce=_int_or_none, validate_choice=False)


class SwapForm(FlaskForm):
    first_id = SelectField(_l("Meeting"), coerce=db_int,
                           validators=[InputRequired(_l("Choose a meeting."))])
    second_id = SelectField(_l("Swap with"), coerce=db_int,
                            validators=[InputRequired(_l("Choose a meeting."))])


class AddForm(FlaskForm):
    buyer_id = SelectField(_l("Buyer"), coerce=db_int,
                           validators=[InputRequired(_l("Choose a buyer."))])
    organisation_id = SelectField(_l("Organisation"), coerce=db_int,
                                  validators=[InputRequired(_l("Choose an organisation."))])
    slot_id = SelectField(_l("Time"), coerce=db_int, validators=[InputRequired(_l("Choose a time."))])
    table_id = SelectField(_l("Table"), coerce=_int_or_none, validate_choice=False)


class DraftForm(FlaskForm):
    """Remove, pin or unpin one meeting."""

    draft_id = SelectField(_l("Meeting"), coerce=db_int,
                           validators=[InputRequired(_l("Choose a meeting."))])
