"""Organisation profile form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import URL, DataRequired, Email, Length, Optional, Regexp

from matchmaker.forms.choices import select_choices
from matchmaker.input_guard import db_int
from matchmaker.labels import ORGANISATION_KINDS


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(_l("Type"), choices=select_choices(ORGANISATION_KINDS))
    ruc = StringField(
        _l("RUC (tax number)"),
        validators=[Optional(), Regexp(r"^(10|15|17|20)\d{9}$", message=_l("A RUC has 11 digits and starts with 10, 15, 17 or 20."))],
    )
    region = StringField(_l("Region"), validators=[DataRequired(), Length(max=80)])
    province = StringField(_l("Province"), validators=[Length(max=80)])
    community = StringField(_l("Community"), validators=[Length(max=120)])
    description_es = TextAreaField(_l("Description (Spanish)"), validators=[Length(max=5000)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=40)])
    website = StringField(_l("Website"), validators=[Optional(), URL(), Length(max=255)])
    cooperative_id = SelectField(_l("Exports through cooperative"), coerce=db_int, default=0)
    logo = FileField(_l("Logo (JPEG, PNG or WebP)"))
    submit = SubmitField(_l("Save organisation"))
