"""The participant import wizard's upload form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SubmitField

from matchmaker.forms.choices import select_choices

IMPORT_KINDS = [("exhibitors", _l("Exhibitors (organisations and their reps)")),
                ("buyers", _l("Buyers"))]


class UploadForm(FlaskForm):
    kind = RadioField(_l("Who is in the file?"), choices=select_choices(IMPORT_KINDS),
                      default="buyers")
    file = FileField(_l("Registration sheet (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Upload"))
