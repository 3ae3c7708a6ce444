"""Meeting forms: booking, answers, roundtable set-up, attendance, unavailability, walk-ins."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from matchmaker.forms.accounts import MultiCheckboxField
from matchmaker.forms.fields import IntegerField
from matchmaker.input_guard import db_int
from matchmaker.models import Event
from matchmaker.services.meetings.localtime import day_label, to_utc, zone_of


class BookingForm(FlaskForm):
    slot_id = RadioField(_l("Time"), coerce=db_int, validators=[InputRequired(_l("Choose a time."))])
    lot_ids = MultiCheckboxField(_l("Lots to discuss (optional)"), coerce=db_int)
    message = TextAreaField(
        _l("Message to the association (optional)"), validators=[Length(max=2000)],
        description=_l("What you look for: volumes, quality, certifications, shipment dates."),
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Length(max=2000)],
                           description=_l("The buyer will read this."))


class ProposeForm(FlaskForm):
    slot_id = SelectField(_l("Another time"), coerce=db_int,
                          validators=[InputRequired(_l("Choose a time."))])
    note = TextAreaField(_l("Message (optional)"), validators=[Length(max=2000)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Length(max=2000)])


class SessionForm(FlaskForm):
    name = StringField(_l("Name (optional)"), validators=[Length(max=120)],
                       description=_l("For example: International roundtable, morning."))
    day = DateField(_l("Day"), validators=[DataRequired()])
    starts_local = TimeField(_l("Starts at"), validators=[DataRequired()])
    ends_local = TimeField(_l("Ends at"), validators=[DataRequired()])
    meeting_minutes = IntegerField(_l("Meeting length (minutes)"), default=20,
                                   validators=[InputRequired(), NumberRange(5, 240)])
    changeover_minutes = IntegerField(_l("Changeover between meetings (minutes)"), default=0,
                                      validators=[InputRequired(), NumberRange(0, 60)])
    table_count = IntegerField(_l("Number of tables"), default=10,
                               validators=[InputRequired(), NumberRange(1, 500)])
    expiry_hours = IntegerField(
        _l("Hours before an unanswered request expires"), default=24,
        validators=[InputRequired(), NumberRange(1, 720)],
    )
    breaks = TextAreaField(
        _l("Breaks"), validators=[Optional(), Length(max=500)],
        description=_l("One per line, like 10:20-10:40."),
    )
    is_bookable = BooleanField(_l("Buyers can book meetings in this session"), default=True)

    def parsed_breaks(self):
        """The breaks as (start, end) times; raises ValueError on a bad line."""
        from datetime import time

        result = []
        for line in (self.breaks.data or "").splitlines():
            line = line.strip().replace("–", "-")
            if not line:
                continue
            start, _, end = line.partition("-")
            parts = []
            for value in (start, end):
                hours, _, mins = value.strip().partition(":")
                if len(hours) > 2 or len(mins) > 2:  # time() overflows on 2147483648
                    raise ValueError("not a time of day")
                parts.append(time(int(hours), int(mins or 0)))
            result.append((parts[0], parts[1]))
        return result

    def validate_breaks(self, field) -> None:
        try:
            self.parsed_breaks()
        except ValueError as error:
            raise ValidationError(_l("Write each break as 10:20-10:40.")) from error


class TableForm(FlaskForm):
    label = StringField(_l("Label"), validators=[Length(max=80)])
    video_url = URLField(_l("Video link for remote buyers"), validators=[Optional(), Length(max=255)])


class AttendanceForm(FlaskForm):
    rep_ids = MultiCheckboxField(_l("Reps attending"), coerce=db_int)


class UnavailabilityForm(FlaskForm):
    day = SelectField(_l("Day"), validators=[DataRequired()])
    starts_local = TimeField(_l("From"), validators=[DataRequired()])
    ends_local = TimeField(_l("Until"), validators=[DataRequired()])
    note = StringField(_l("Note (optional)"), validators=[Length(max=200)])

    def offer_days(self, event: Event) -> None:
        """The event's days, labelled in the visitor's language."""
        locale = str(get_locale() or "es")
        count = (event.ends_on - event.starts_on).days + 1
        days = [event.starts_on + timedelta(days=n) for n in range(count)]
        self.day.choices = [(d.isoformat(), day_label(d, event, locale)) for d in days]

    def period(self, event: Event) -> dict:
        """add_unavailability's starts_at / ends_at (UTC) and note, from the local times."""
        day, zone = date.fromisoformat(self.day.data), zone_of(event)
        return {
            "starts_at": to_utc(day, self.starts_local.data, zone),
            "ends_at": to_utc(day, self.ends_local.data, zone),
            "note": self.note.data or "",
        }


class OrganiserUnavailabilityForm(UnavailabilityForm):
    """An organiser marks the period for a buyer or an exhibiting organisation."""

    who = SelectField(_l("Who cannot meet"), validators=[DataRequired()])


class WalkinForm(FlaskForm):
    buyer_id = SelectField(_l("Buyer"), coerce=db_int, validators=[InputRequired()])
    organisation_id = SelectField(_l("Organisation"), coerce=db_int, validators=[InputRequired()])
    slot_id = SelectField(_l("Time"), coerce=db_int, validators=[InputRequired()])
    table_id = SelectField(_l("Table"), coerce=db_int, validators=[Optional()],
                           description=_l("Leave on automatic to take the first free table."))
